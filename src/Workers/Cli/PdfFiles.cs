using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Render;
using ChuyenDoiSo.Reporting.Rollup;

namespace ChuyenDoiSo.Workers.Cli;

/// <summary>The unsigned PDF the verbs write (compile --format pdf, the demo), beside the DOCX; deliveries attach theirs elsewhere.</summary>
public static class PdfFiles
{
    public static string Write(CompiledReport report, DateOnly issueDate, string path) =>
        Write(ReportDocument.Build(report, new RenderOptions(issueDate)), issueDate, path);

    public static string Write(RollupReport report, DateOnly issueDate, string path) =>
        Write(RollupDocument.Build(report, new RenderOptions(issueDate)), issueDate, path);

    public static string Write(ReportDocument document, DateOnly issueDate, string path)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder) Directory.CreateDirectory(folder);
        using var file = File.Create(path);
        PdfReportRenderer.Render(document, file, new PdfRenderSettings { IssueDate = issueDate });
        return path;
    }
}
