using System.Globalization;
using System.Security.Cryptography;
using System.Text;
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

/// <summary>What happened to one delivery.</summary>
public sealed record DeliveryOutcome(string PlanId, string Period, string Channel, string Recipient, string Status, int Attempts, string? Error);

/// <summary>
/// Sends a compiled report on every channel its plan names, each exactly once: the ledger row is opened before
/// the send and closed after; email goes by SMTP (or to the pickup folder), the forward as a
/// CommuneReportSubmitted to the higher-level hub's exchange (or to the outbox).
/// </summary>
public sealed class DeliveryService(
    PlanRegistry registry,
    HubDatabase database,
    DeliveryLedger ledger,
    ReportRegistrar issuer,
    ReportForwarder forwarder,
    IOptions<HubOptions> options,
    TimeProvider clock,
    ILoggerFactory loggers,
    Operations.HubMetrics metrics)
{
    // Read at each use: the plans may have been reloaded since.
    private PlanCatalog catalog => registry.Current;

    private readonly ILogger _logger = loggers.CreateLogger<DeliveryService>();

    /// <summary>
    /// Issues the report (its number from the register, or the one it has) and sends it on every channel that has not had it.
    /// With <paramref name="correction"/>, a report already issued is replaced by a new document with a new number that names
    /// the old one (Decree 30 Art. 18.3), sent on every channel again.
    /// </summary>
    public async Task<IReadOnlyList<DeliveryOutcome>> DeliverAsync(Plan plan, string period, bool resend, CancellationToken cancellationToken, bool correction = false)
    {
        var reportingPeriod = RequirePeriod(plan, period);
        var settings = plan.EffectiveCalendar;
        var dueAt = HubTime.At(reportingPeriod.AdjustedDueDate, settings.SendTimeOfDay);
        var outcomes = new List<DeliveryOutcome>();
        ReportOutputs? outputs = null;
        // One delivery at a time across processes (`run` at a deadline, `deliver` by hand): the ledger row alone cannot
        // tell a send in progress from one a crash left open. The kernel drops the lock when a process dies.
        using var exclusive = await DeliveryLock.AcquireAsync(Path.Combine(options.Value.Data, "deliver.lock"), TimeSpan.FromMinutes(15), cancellationToken);
        if (correction)
        {
            // Numbered and stored before any channel is claimed: a crash from here on resumes with this number.
            (_, outputs) = await issuer.IssueAsync(plan, period, correction: true, cancellationToken);
            resend = true;
        }
        foreach (var channel in plan.Channels)
        {
            var recipient = channel == "email" ? plan.HigherLevel.Email : DeliverySchedule.ForwardRecipient;
            var messageId = channel == "email" ? ReportEmail.MessageId(plan.Id, period, recipient) : ForwardMessageId(plan.Id, period).ToString();
            var row = ledger.Begin(plan.Id, period, recipient, channel, dueAt, messageId, resend);
            if (row is null)
            {
                outcomes.Add(new DeliveryOutcome(plan.Id, period, channel, recipient, "already_sent", 0, null));
                continue;
            }
            try
            {
                // The report is numbered and dated the day it is first issued; the register keeps both, and the bytes.
                outputs ??= (await issuer.IssueAsync(plan, period, correction: false, cancellationToken)).Outputs;
                var (sent, permanent, attempts, error) = channel == "email"
                    ? await SendEmailAsync(outputs.Email, outputs, cancellationToken)
                    : await forwarder.ForwardAsync(outputs, ForwardMessageId(plan.Id, period), clock.GetUtcNow(), cancellationToken);
                if (sent) ledger.Sent(row.Id, clock.GetUtcNow());
                else ledger.Failed(row.Id, error ?? "not sent", permanent);
                outcomes.Add(new DeliveryOutcome(plan.Id, period, channel, recipient, sent ? "sent" : permanent ? "failed" : "pending", attempts, error));
                metrics.Delivered(channel, outcomes[^1].Status);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                ledger.Failed(row.Id, e.Message, permanent: false);
                _logger.LogError(e, "Delivery of {Plan} {Period} on {Channel} failed", plan.Id, period, channel);
                metrics.Delivered(channel, "pending");
                outcomes.Add(new DeliveryOutcome(plan.Id, period, channel, recipient, "pending", 1, e.Message));
            }
        }
        return outcomes;
    }

    private async Task<(bool Sent, bool Permanent, int Attempts, string? Error)> SendEmailAsync(MimeMessage email, ReportOutputs outputs, CancellationToken cancellationToken)
    {
        var smtp = options.Value.Smtp;
        if (!smtp.IsConfigured)
        {
            await ReportEmail.WriteToPickupAsync(email, options.Value.PickupDirectory, ReportEmail.FileName(outputs.Report, "eml"), cancellationToken);
            return (true, false, 1, null);
        }
        var sender = new SmtpReportSender(smtp, loggers.CreateLogger<SmtpReportSender>(), clock);
        var result = await sender.SendAsync(email, cancellationToken);
        return (result.Sent, result.Permanent, result.Attempts, result.LastReply);
    }

    /// <summary>Reminds the departments that have not reported for a period yet; never those that have. Returns who was reminded.</summary>
    public async Task<IReadOnlyList<string>> RemindAsync(Plan plan, string period, int offsetDays, CancellationToken cancellationToken)
    {
        var reportingPeriod = RequirePeriod(plan, period);
        IReadOnlyList<FirstReceiptRow> receipts;
        using (var connection = database.Open()) receipts = new CompileQueries(connection).FirstReceipts(plan.Id, period);
        var silent = SubmissionTimeliness.For(plan, reportingPeriod, receipts).Where(s => s.Status == SubmissionStatus.Missing).Select(s => s.Department).ToList();
        var reminded = new List<string>();
        foreach (var department in silent)
        {
            if (ledger.ReminderSent(plan.Id, period, department.Code, offsetDays)) continue;
            var message = ReminderEmail(plan, reportingPeriod, department, offsetDays);
            var smtp = options.Value.Smtp;
            // Recorded only once the server accepted it (or the pickup folder has it); a refused send is logged and not recorded.
            var sent = true;
            if (smtp.IsConfigured)
            {
                var result = await new SmtpReportSender(smtp, loggers.CreateLogger<SmtpReportSender>(), clock).SendAsync(message, cancellationToken);
                sent = result.Sent;
                if (!sent) _logger.LogWarning("Reminder of {Plan} {Period} to {Department} not sent: {Reply}", plan.Id, period, department.Code, result.LastReply);
            }
            else
                await ReportEmail.WriteToPickupAsync(message, options.Value.PickupDirectory, $"reminder_{plan.Id}_{period}_{department.Code}_{offsetDays:+0;-0;0}.eml", cancellationToken);
            if (!sent || !ledger.RecordReminder(plan.Id, period, department.Code, offsetDays, department.Email, clock.GetUtcNow())) continue;
            reminded.Add(department.Code);
        }
        metrics.RemindersSent(reminded.Count);
        return reminded;
    }

    private MimeMessage ReminderEmail(Plan plan, Reporting.Calendar.ReportingPeriod period, Department department, int offsetDays)
    {
        var due = period.DepartmentDueDate.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);
        // The period in words ("quý I năm 2026"), never its label; and a lead the plan never named is said to be assumed.
        var words = Reporting.Render.ReportText.PeriodText(period);
        var assumed = Reporting.Render.ReportText.AssumedLeadNotice(plan, period, department);
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress($"UBND {plan.Commune.FullName}", options.Value.Smtp.From));
        message.To.Add(new MailboxAddress(department.Name, department.Email));
        message.Subject = offsetDays > 0
            ? $"Đôn đốc: {department.Name} chưa gửi báo cáo chuyển đổi số {words} (hạn {due})"
            : $"Nhắc hạn: báo cáo chuyển đổi số {words} hạn ngày {due}";
        message.MessageId = $"{plan.Id}.{period.Period}.{department.Code}.reminder{offsetDays:+0;-0;0}@chuyendoiso.hub";
        message.Body = new TextPart("plain")
        {
            Text = offsetDays > 0
                ? $"Kính gửi {department.Name},\n\nĐến nay {department.Name} chưa gửi báo cáo kết quả thực hiện Kế hoạch chuyển đổi số {words} (hạn {due}). Đề nghị gửi báo cáo ngay.\n{assumed}\nUBND {plan.Commune.FullName}"
                : $"Kính gửi {department.Name},\n\nBáo cáo kết quả thực hiện Kế hoạch chuyển đổi số {words} hạn ngày {due}. Đề nghị gửi đúng hạn.\n{assumed}\nUBND {plan.Commune.FullName}",
        };
        return message;
    }

    private Reporting.Calendar.ReportingPeriod RequirePeriod(Plan plan, string period) =>
        catalog.FindPeriod(plan, period) ?? throw new ArgumentException($"period {period} is not in plan {plan.Id}'s calendar", nameof(period));

    /// <summary>The same report forwarded twice carries the same id, so the higher-level hub stores it once.</summary>
    public static Guid ForwardMessageId(string planId, string period) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"forward|{planId}|{period}")).AsSpan(0, 16));

    public static string ToJson(CommuneReportSubmitted message) => JsonSerializer.Serialize(message, PlanJson.Options);
}
