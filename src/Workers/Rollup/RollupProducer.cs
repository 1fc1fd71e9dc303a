using ChuyenDoiSo.Reporting.Render;
using ChuyenDoiSo.Reporting.Rollup;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Deliver;

namespace ChuyenDoiSo.Workers.Rollup;

/// <summary>A roll-up in every form the higher-level hub writes.</summary>
public sealed record RollupOutputs(RollupReport Report, byte[] Docx, string Html, string Json);

/// <summary>Compiles the higher body's roll-up for a period from the stored commune reports and renders it: DOCX, HTML and JSON.</summary>
public sealed class RollupProducer(RollupSetupSource source, HubDatabase database)
{
    // The setup for the plans in force at each call (plans change while the hub runs).
    private RollupSetup setup => source.Current;

    public RollupOutputs Produce(string period, DateOnly issueDate)
    {
        RollupReport report;
        using (var connection = database.Open()) report = setup.Compile(connection, period);
        return Render(report, issueDate);
    }

    public static RollupOutputs Render(RollupReport report, DateOnly issueDate)
    {
        var document = RollupDocument.Build(report, new RenderOptions(issueDate));
        return new RollupOutputs(report, DocxReportRenderer.Render(document, issueDate), HtmlReportRenderer.Render(document), RollupJsonRenderer.Render(report));
    }

    /// <summary>
    /// The roll-up compiled now and rendered as the register issues it (with its number and signature list): the JSON is
    /// what the forward carries (RollupForward), so a resend forwards what was issued.
    /// </summary>
    public RenderedReport Issuable(string period, RenderOptions options)
    {
        RollupReport report;
        using (var connection = database.Open()) report = setup.Compile(connection, period);
        var document = RollupDocument.Build(report, options);
        return new RenderedReport(document, DocxReportRenderer.Render(document, options.IssueDate), HtmlReportRenderer.Render(document), RollupForward.Render(report));
    }

    public static string FileName(RollupReport report, string extension) => $"{report.Body.Id}_{report.Period.Period}.{extension}";

    /// <summary>Writes the three files to a folder; returns their paths.</summary>
    public static async Task<IReadOnlyList<string>> WriteAsync(RollupOutputs outputs, string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var docx = Path.Combine(folder, FileName(outputs.Report, "docx"));
        var html = Path.Combine(folder, FileName(outputs.Report, "html"));
        var json = Path.Combine(folder, FileName(outputs.Report, "json"));
        await File.WriteAllBytesAsync(docx, outputs.Docx, cancellationToken);
        await File.WriteAllTextAsync(html, outputs.Html, cancellationToken);
        await File.WriteAllTextAsync(json, outputs.Json, cancellationToken);
        return [docx, html, json];
    }
}
