using System.Globalization;
using System.Text.Json;
using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Deliver;
using ChuyenDoiSo.Reporting.Ingest;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Wiring;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ChuyenDoiSo.Workers.Deliver;

/// <summary>
/// A commune's side of the delivery loop: what its plan's report is (compiled, issued by the register, signed) and whom it
/// goes to (the higher level by email, the higher-level hub by forward); the departments it reminds, each with the link to
/// its form in the portal. The sending, the ledger, the metrics and the logs are the <see cref="DeliveryLoop"/>'s.
/// </summary>
public sealed class DeliveryService(
    PlanRegistry registry,
    HubDatabase database,
    DeliveryLoop loop,
    ReportRegistrar issuer,
    Approval.LateNotices lateNotices,
    IOptions<HubOptions> options,
    TimeProvider clock)
{
    // Read at each use: the plans may have been reloaded since.
    private PlanCatalog catalog => registry.Current;

    /// <summary>
    /// Issues the report (its number from the register, or the one it has) and sends it on every channel that has not had it.
    /// With <paramref name="correction"/>, a report already issued is replaced by a new document with a new number that names
    /// the old one (Decree 30 Art. 18.3), sent on every channel again. A report held for approval once its send time has
    /// come is late: whoever the plan's delivery.lateNotice lists is told, once.
    /// </summary>
    public Task<IReadOnlyList<DeliveryOutcome>> DeliverAsync(Plan plan, string period, bool resend, CancellationToken cancellationToken, bool correction = false)
    {
        var reportingPeriod = RequirePeriod(plan, period);
        var dueAt = DeliverySchedule.SendAt(plan, reportingPeriod);
        return loop.DeliverAsync(new DeliveryRequest(plan.Id, period, dueAt, plan.Channels, plan.HigherLevel.Email, async (corrected, ct) =>
        {
            var outputs = (await issuer.IssueAsync(plan, period, corrected, ct)).Outputs;
            return new IssuedReport(outputs.Number!, outputs.Email, ReportEmail.FileName(outputs.Report, "eml"),
                ReportForwarder.Message(outputs, ForwardMessageId(plan.Id, period), clock.GetUtcNow()));
        }, RequiresApproval: plan.RequiresApproval, TellLate: ct => lateNotices.SendAsync(plan, reportingPeriod, dueAt, ct)), resend, correction, cancellationToken);
    }

    /// <summary>Reminds the departments that have not reported for a period yet; never those that have. Returns who was reminded.</summary>
    public async Task<IReadOnlyList<string>> RemindAsync(Plan plan, string period, int offsetDays, CancellationToken cancellationToken)
    {
        var reportingPeriod = RequirePeriod(plan, period);
        IReadOnlyList<FirstReceiptRow> receipts;
        using (var connection = database.Open()) receipts = new CompileQueries(connection).FirstReceipts(plan.Id, period);
        var silent = SubmissionTimeliness.For(plan, reportingPeriod, receipts).Where(s => s.Status == SubmissionStatus.Missing).Select(s => s.Department).ToList();
        var reminders = silent.Select(d => new Reminder(d.Code, d.Email, ReminderEmail(plan, reportingPeriod, d, offsetDays),
            $"reminder_{plan.Id}_{period}_{d.Code}_{offsetDays:+0;-0;0}.eml"));
        return await loop.RemindAsync(plan.Id, period, offsetDays, reminders, cancellationToken);
    }

    private MimeMessage ReminderEmail(Plan plan, Reporting.Calendar.ReportingPeriod period, Department department, int offsetDays)
    {
        var due = period.DepartmentDueDate.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);
        // The period in words ("quý I năm 2026"), never its label; and a lead the plan never named is said to be assumed.
        var words = Reporting.Render.ReportText.PeriodText(period);
        var assumed = Reporting.Render.ReportText.AssumedLeadNotice(plan, period, department);
        var subject = offsetDays > 0
            ? $"Đôn đốc: {department.Name} chưa gửi báo cáo chuyển đổi số {words} (hạn {due})"
            : $"Nhắc hạn: báo cáo chuyển đổi số {words} hạn ngày {due}";
        var lead = offsetDays > 0
            ? $"Đến nay {department.Name} chưa gửi báo cáo kết quả thực hiện Kế hoạch chuyển đổi số {words} (hạn {due}). Đề nghị gửi báo cáo ngay."
            : $"Báo cáo kết quả thực hiện Kế hoạch chuyển đổi số {words} hạn ngày {due}. Đề nghị gửi đúng hạn.";
        // The department's own form for this period in the portal: one click from the reminder to the report.
        return ReportEmail.Notice(new MailboxAddress($"UBND {plan.Commune.FullName}", options.Value.Smtp.From), new MailboxAddress(department.Name, department.Email),
            subject, $"{plan.Id}.{period.Period}.{department.Code}.reminder{offsetDays:+0;-0;0}@chuyendoiso.hub",
            [$"Kính gửi {department.Name},", lead, assumed, $"UBND {plan.Commune.FullName}"],
            ("Nhập báo cáo trên cổng thông tin của xã", PortalLinks.Form(options.Value.Http, plan.Id, period.Period)));
    }

    private Reporting.Calendar.ReportingPeriod RequirePeriod(Plan plan, string period) =>
        catalog.FindPeriod(plan, period) ?? throw new ArgumentException($"period {period} is not in plan {plan.Id}'s calendar", nameof(period));

    /// <summary>The same report forwarded twice carries the same id, so the higher-level hub stores it once.</summary>
    public static Guid ForwardMessageId(string planId, string period) => DeliveryLoop.ForwardMessageId(planId, period);

    public static string ToJson(CommuneReportSubmitted message) => JsonSerializer.Serialize(message, PlanJson.Options);
}
