using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Register;
using ChuyenDoiSo.Reporting.Render;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Signing;
using ChuyenDoiSo.Workers.Wiring;
using Microsoft.Extensions.Options;

namespace ChuyenDoiSo.Workers.Deliver;

/// <summary>An issued report's forms before signing: the document model (the PDF is drawn from it), the DOCX, the HTML and the JSON it is forwarded as.</summary>
public sealed record RenderedReport(ReportDocument Document, byte[] Docx, string Html, string Json);

/// <summary>
/// Issues a report (a commune's, or a higher body's roll-up): takes its number from the outgoing register (or finds the one it has), renders it with that
/// number and the register's issue date, signs the PDF as the last write, and stores the bytes before anything is sent.
/// An issued report is never rendered again: every later send, resend or compile gives back the stored bytes.
/// </summary>
public sealed class ReportRegistrar(OutgoingRegister register, ReportProducer producer, SigningSetup signing, IOptions<HubOptions> options, TimeProvider clock)
{
    /// <summary>"/BC-UBND": the symbol the plan's reports carry after their number (its `reports.symbol`).</summary>
    public static string Suffix(Plan plan) => "/" + plan.EffectiveReports.Symbol;

    /// <param name="issueDate">The issue date of a new number; null: today in Viet Nam. The demo, replaying a year, issues each report on its due date.</param>
    /// <param name="signers">
    /// Who signs, when the caller opened them (<see cref="OpenSigners"/>: a signer's certificate opened with the password typed at
    /// approval); null: the plan's cached ones, asked for only when the report is not issued yet.
    /// </param>
    public async Task<(RegisterEntry Entry, ReportOutputs Outputs)> IssueAsync(Plan plan, string period, bool correction, CancellationToken cancellationToken,
        DateOnly? issueDate = null, ReportSigners? signers = null)
    {
        var from = options.Value.Smtp.From;
        CompiledReport? compiled = null;
        var entry = await IssueAsync(plan.Id, period, Suffix(plan), () => signers ?? signing.For(plan), correction, renderOptions =>
        {
            var outputs = producer.Produce(plan, period, renderOptions, from);
            compiled = outputs.Report;
            return new RenderedReport(ReportDocument.Build(outputs.Report, renderOptions), outputs.Docx, outputs.Html, outputs.Json);
        }, cancellationToken, issueDate);
        return (entry, Outputs(plan, compiled ?? producer.Compile(plan, period), entry, from));
    }

    /// <summary>The signers of the plan's next issue, opened with the signer's certificate password when the plan has it typed at signing; dispose after.</summary>
    public SigningLease OpenSigners(Plan plan, string? signerCertificatePassword) => signing.Open(plan, signerCertificatePassword);

    /// <summary>Whether the register holds the signed bytes of the period's current document: nothing is signed again for it.</summary>
    public bool IsIssued(string bodyId, string period) => register.Current(bodyId, period) is { IsStored: true };

    /// <summary>
    /// The one way a report of either level is issued: its number from the register for <paramref name="bodyId"/> (or the one
    /// it has), rendered by <paramref name="render"/> with that number, the register's issue date and the signature list, the
    /// PDF signed as the last write, and every form stored before anything is sent. A number whose bytes are stored is
    /// returned as it is, never rendered again: <paramref name="signers"/> is not even asked (a signer whose password is typed
    /// at approval is not there at the send time).
    /// </summary>
    public async Task<RegisterEntry> IssueAsync(string bodyId, string period, string suffix, Func<ReportSigners> signers, bool correction,
        Func<RenderOptions, RenderedReport> render, CancellationToken cancellationToken, DateOnly? issueDate = null)
    {
        var now = clock.GetUtcNow();
        if (!correction && register.Current(bodyId, period) is { IsStored: true } stored) return stored;
        // Opened before a number is taken: a certificate that cannot sign consumes none.
        var opened = signers();
        var entry = register.Issue(bodyId, period, issueDate ?? HubTime.LocalDate(now), suffix, correction);
        if (entry.IsStored) return entry;
        var replaces = entry.ReplacesId is { } replacedId ? register.Find(replacedId) : null;
        var renderOptions = new RenderOptions(entry.IssueDate, entry.Number,
            replaces is null ? null : $"Báo cáo này thay thế Báo cáo số {replaces.Number} ngày {ReportText.Date(replaces.IssueDate)} (đính chính nội dung).",
            opened.Lines());
        var rendered = render(renderOptions);
        // Signing is the last write: the metadata, the text appearances and everything else are in the unsigned PDF already.
        var signed = await ReportSigning.RenderAndSignAsync(rendered.Document, opened, now, cancellationToken);
        return register.Store(entry.Id, new IssuedDocument(signed, rendered.Docx, rendered.Html, rendered.Json, now));
    }

    /// <summary>The PDF `compile --format pdf` writes: the issued, signed one when the register has it, else the unsigned draft.</summary>
    public byte[] CompiledPdf(Plan plan, string period, DateOnly issueDate)
    {
        if (register.Current(plan.Id, period) is { IsStored: true } issued) return issued.Pdf!;
        var report = producer.Compile(plan, period);
        // A plan whose reports need approval: every page of an unissued one says "DỰ THẢO".
        return PdfReportRenderer.RenderBytes(ReportDocument.Build(report, new RenderOptions(issueDate)), new PdfRenderSettings { Draft = plan.RequiresApproval }).Pdf;
    }

    /// <summary>The report in every form, from the register's bytes.</summary>
    private static ReportOutputs Outputs(Plan plan, CompiledReport report, RegisterEntry entry, string from)
    {
        var email = ReportEmail.Compose(report, entry.Html!, entry.Docx!, from, plan.HigherLevel.Email, plan.HigherLevel.Name, entry.Pdf, entry.Number,
            entry.ReplacesId is null ? null : ReportEmail.MessageId(plan.Id, $"{entry.Period}.{entry.Year}.{entry.Sequence}", plan.HigherLevel.Email));
        return new ReportOutputs(report, entry.Docx!, entry.Html!, entry.Json!, email) { Pdf = entry.Pdf, Number = entry.Number };
    }
}
