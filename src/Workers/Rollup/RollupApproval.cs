using ChuyenDoiSo.Reporting.Render;
using ChuyenDoiSo.Reporting.Rollup;
using ChuyenDoiSo.Workers.Approval;

namespace ChuyenDoiSo.Workers.Rollup;

/// <summary>
/// A higher body's roll-up as approval sees it, for a body whose file says `approval: required`: drafted when the
/// communes' due date has passed, held at its own send time until the body's signer approves, then issued (the body's
/// number, both signatures) and sent once. Everything else is the <see cref="ApprovalService"/>'s, as for a commune.
/// </summary>
public sealed class RollupApproval(RollupSetupSource source, RollupProducer producer, RollupDelivery delivery, Signing.SigningSetup signing)
{
    public ApprovalSubject Subject(string period)
    {
        var setup = source.Current;
        var body = setup.Body;
        var rollupPeriod = setup.FindPeriod(period)
            ?? throw new ArgumentException($"--period \"{period}\" is not in {body.Id}'s calendar; expected one of {string.Join(", ", setup.Calendar.Select(p => p.Period))}");
        return new ApprovalSubject(body.Id, period, ReportText.PeriodText(rollupPeriod.Communes), body.Name, body.RequiresApproval,
            RollupSetup.DraftAt(rollupPeriod), setup.SendAt(rollupPeriod), ReviewLink: null,
            day => PdfReportRenderer.Render(producer.Issuable(period, new RenderOptions(day)).Document, new PdfRenderSettings { Draft = true }),
            // The body signs with the hub's certificates (Hub:Signing); nothing is typed at signing one level up.
            _ => new Signing.SigningLease(signing.For(null), owned: false),
            async (signers, correction, ct) => (await delivery.IssueAsync(rollupPeriod, correction, ct, signers)).Number,
            (resend, ct) => delivery.DeliverAsync(period, resend, ct));
    }
}
