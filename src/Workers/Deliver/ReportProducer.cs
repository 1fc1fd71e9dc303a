using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Render;
using ChuyenDoiSo.Reporting.Storage;
using MimeKit;

namespace ChuyenDoiSo.Workers.Deliver;

/// <summary>A compiled report in every form the hub sends.</summary>
public sealed record ReportOutputs(CompiledReport Report, byte[] Docx, string Html, string Json, MimeMessage Email)
{
    /// <summary>The signed PDF of an issued report; null for a draft.</summary>
    public byte[]? Pdf { get; init; }
    /// <summary>The register's number of an issued report ("07/BC-UBND"); null for a draft.</summary>
    public string? Number { get; init; }
}

/// <summary>Compiles a plan's report for a period and renders it: DOCX, HTML, JSON and the email.</summary>
public sealed class ReportProducer(PlanRegistry registry, PlanVersionStore versions, HubDatabase database, Operations.HubMetrics metrics)
{
    private PlanCatalog catalog => registry.Current;

    public ReportOutputs Produce(Plan plan, string period, DateOnly issueDate, string from = ReportEmail.DefaultFrom) =>
        Produce(plan, period, new RenderOptions(issueDate), from);

    public CompiledReport Compile(Plan plan, string period)
    {
        // A plan changed mid-year: the report compiles against the version in force at its cut-off (end of that day, Viet
        // Nam time), so an old report stays reproducible. Without stored versions the plan given is used.
        if (catalog.FindPeriod(plan, period) is { } reportingPeriod
            && versions.VersionAt(plan.Id, new DateTimeOffset(reportingPeriod.CutOff.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(7))) is { } inForce)
            plan = inForce;
        CompiledReport report;
        using (var connection = database.Open()) report = ReportCompiler.Compile(connection, catalog, plan, period);
        metrics.Compiled();
        return report;
    }

    public ReportOutputs Produce(Plan plan, string period, RenderOptions options, string from = ReportEmail.DefaultFrom)
    {
        var report = Compile(plan, period);
        var docx = DocxReportRenderer.Render(report, options);
        var html = HtmlReportRenderer.Render(report, options);
        var json = JsonReportRenderer.Render(report);
        var email = ReportEmail.Compose(report, html, docx, from, plan.HigherLevel.Email, plan.HigherLevel.Name);
        return new ReportOutputs(report, docx, html, json, email);
    }

    /// <summary>Writes the four files to a folder; returns their paths.</summary>
    public static async Task<IReadOnlyList<string>> WriteAsync(ReportOutputs outputs, string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var docx = Path.Combine(folder, ReportEmail.FileName(outputs.Report, "docx"));
        var html = Path.Combine(folder, ReportEmail.FileName(outputs.Report, "html"));
        var json = Path.Combine(folder, ReportEmail.FileName(outputs.Report, "json"));
        await File.WriteAllBytesAsync(docx, outputs.Docx, cancellationToken);
        await File.WriteAllTextAsync(html, outputs.Html, cancellationToken);
        await File.WriteAllTextAsync(json, outputs.Json, cancellationToken);
        var eml = await ReportEmail.WriteToPickupAsync(outputs.Email, folder, ReportEmail.FileName(outputs.Report, "eml"), cancellationToken);
        if (outputs.Pdf is null) return [docx, html, json, eml];
        var pdf = Path.Combine(folder, ReportEmail.FileName(outputs.Report, "pdf"));
        await File.WriteAllBytesAsync(pdf, outputs.Pdf, cancellationToken);
        return [docx, html, json, eml, pdf];
    }
}
