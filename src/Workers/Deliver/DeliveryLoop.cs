using System.Security.Cryptography;
using System.Text;
using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Deliver;
using ChuyenDoiSo.Workers.Wiring;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ChuyenDoiSo.Workers.Deliver;

/// <summary>What happened to one delivery.</summary>
public sealed record DeliveryOutcome(string PlanId, string Period, string Channel, string Recipient, string Status, int Attempts, string? Error);

/// <summary>An issued report as it travels: the register's number, the email that carries it, and the message forwarded upward.</summary>
/// <param name="EmlFileName">Its name in the pickup folder when no SMTP server is configured.</param>
public sealed record IssuedReport(string Number, MimeMessage Email, string EmlFileName, CommuneReportSubmitted Forward);

/// <summary>
/// What differs between a commune's report and a higher body's roll-up: whose report it is (the plan's or the body's id,
/// which keys the register, the ledger and the message ids), when it is due, where it goes, and how it is issued
/// (compiled, numbered, rendered, signed and stored, or found in the register). <paramref name="Issue"/> takes
/// <c>correction</c>: true issues a new number naming the current one. <paramref name="RequiresApproval"/>: the report needs
/// approval; while it has none, nothing is issued or sent and each channel's ledger row says <c>awaiting_approval</c>.
/// <paramref name="TellLate"/>: told when such a hold leaves a channel unsent once the send time has come (the notice to the
/// level above, itself sent once).
/// </summary>
public sealed record DeliveryRequest(
    string BodyId,
    string Period,
    DateTimeOffset DueAt,
    IReadOnlyList<string> Channels,
    string EmailRecipient,
    Func<bool, CancellationToken, Task<IssuedReport>> Issue,
    bool RequiresApproval = false,
    Func<CancellationToken, Task>? TellLate = null);

/// <summary>One reminder: whom it reminds (a department's code, a commune's id) and the email that does it.</summary>
public sealed record Reminder(string Addressee, string Email, MimeMessage Message, string FileName);

/// <summary>
/// The one delivery loop of both levels (a commune's report, a higher body's roll-up): for every channel that has not had the
/// report, the ledger row is opened before the send and closed after; the report is issued once (the register's number, the
/// signed PDF stored before anything leaves), so a crash between numbering and sending resumes under the same number and a
/// resend sends the same bytes. Email goes by SMTP with its retries (or to the pickup folder), the forward to the
/// higher-level hub (or the outbox). Every outcome is counted in the metrics, every send that did not go out is logged.
/// Reminders go the same way and are recorded only once the server accepted them.
/// </summary>
public sealed class DeliveryLoop(
    DeliveryLedger ledger,
    ReportForwarder forwarder,
    IOptions<HubOptions> options,
    TimeProvider clock,
    ILoggerFactory loggers,
    Operations.HubMetrics metrics,
    Reporting.Storage.HubDatabase database)
{
    private readonly ILogger _logger = loggers.CreateLogger<DeliveryLoop>();

    private bool IsApproved(string bodyId, string period)
    {
        using var connection = database.Open();
        return new Reporting.Approval.ApprovalStore(connection).IsApproved(bodyId, period);
    }

    public async Task<IReadOnlyList<DeliveryOutcome>> DeliverAsync(DeliveryRequest request, bool resend, bool correction, CancellationToken cancellationToken)
    {
        var outcomes = new List<DeliveryOutcome>();
        IssuedReport? issued = null;
        // One delivery at a time across processes (`run` at a deadline, `deliver` by hand): the ledger row alone cannot
        // tell a send in progress from one a crash left open. The kernel drops the lock when a process dies.
        using var exclusive = await DeliveryLock.AcquireAsync(Path.Combine(options.Value.Data, "deliver.lock"), TimeSpan.FromMinutes(15), cancellationToken);
        // Asked under the lock: an approval that lands while another process delivers is seen by the next one.
        if (request.RequiresApproval && !IsApproved(request.BodyId, request.Period))
        {
            var held = Hold(request);
            if (request.TellLate is { } tell && held.Any(o => o.Status == DeliveryLedger.AwaitingApproval) && clock.GetUtcNow() >= request.DueAt)
                await tell(cancellationToken);
            return held;
        }
        if (correction)
        {
            // Numbered and stored before any channel is claimed: a crash from here on resumes with this number.
            issued = await request.Issue(true, cancellationToken);
            resend = true;
        }
        foreach (var channel in request.Channels)
        {
            var (recipient, messageId) = Address(request, channel);
            var row = ledger.Begin(request.BodyId, request.Period, recipient, channel, request.DueAt, messageId, resend);
            if (row is null)
            {
                outcomes.Add(new DeliveryOutcome(request.BodyId, request.Period, channel, recipient, "already_sent", 0, null));
                continue;
            }
            DeliveryOutcome outcome;
            try
            {
                // The report is numbered and dated the day it is first issued; the register keeps both, and the bytes.
                issued ??= await request.Issue(false, cancellationToken);
                var (sent, permanent, attempts, error) = channel == "email"
                    ? await SendEmailAsync(issued.Email, issued.EmlFileName, cancellationToken)
                    : await forwarder.PublishAsync(issued.Forward, cancellationToken);
                if (sent) ledger.Sent(row.Id, clock.GetUtcNow());
                else ledger.Failed(row.Id, error ?? "not sent", permanent);
                outcome = new DeliveryOutcome(request.BodyId, request.Period, channel, recipient, sent ? "sent" : permanent ? "failed" : "pending", attempts, error);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                ledger.Failed(row.Id, e.Message, permanent: false);
                _logger.LogError(e, "Delivery of {Body} {Period} on {Channel} to {Recipient} failed", request.BodyId, request.Period, channel, recipient);
                outcome = new DeliveryOutcome(request.BodyId, request.Period, channel, recipient, "pending", 1, e.Message);
            }
            if (outcome.Status != "sent")
                _logger.LogWarning("Report {Body} {Period} ({Number}) on {Channel} to {Recipient} not sent: {Status} after {Attempts} attempts: {Error}",
                    request.BodyId, request.Period, issued?.Number, channel, recipient, outcome.Status, outcome.Attempts, outcome.Error);
            metrics.Delivered(channel, outcome.Status);
            outcomes.Add(outcome);
        }
        return outcomes;
    }

    /// <summary>A channel's recipient and the message id its ledger row carries (the email's Message-ID, the forward's id).</summary>
    private static (string Recipient, string MessageId) Address(DeliveryRequest request, string channel) =>
        channel == "email"
            ? (request.EmailRecipient, ReportEmail.MessageId(request.BodyId, request.Period, request.EmailRecipient))
            : (DeliverySchedule.ForwardRecipient, ForwardMessageId(request.BodyId, request.Period).ToString());

    /// <summary>Never sent unapproved: each channel not sent yet is recorded as awaiting approval, and said in the log.</summary>
    private List<DeliveryOutcome> Hold(DeliveryRequest request)
    {
        var outcomes = new List<DeliveryOutcome>();
        foreach (var channel in request.Channels)
        {
            var (recipient, messageId) = Address(request, channel);
            var held = ledger.Hold(request.BodyId, request.Period, recipient, channel, request.DueAt, messageId);
            if (held)
                _logger.LogWarning("Report {Body} {Period} on {Channel} to {Recipient} not sent: it needs approval and has none ({Status})",
                    request.BodyId, request.Period, channel, recipient, DeliveryLedger.AwaitingApproval);
            outcomes.Add(new DeliveryOutcome(request.BodyId, request.Period, channel, recipient, held ? DeliveryLedger.AwaitingApproval : "already_sent", 0, null));
        }
        return outcomes;
    }

    /// <summary>Sends each reminder not sent before (per body, period, addressee and offset); returns whom it reminded.</summary>
    /// <param name="countAsReminder">False for notices that are not reminders to departments (a draft to review): hub_reminders_sent_total counts only those.</param>
    public async Task<IReadOnlyList<string>> RemindAsync(string bodyId, string period, int offsetDays, IEnumerable<Reminder> reminders, CancellationToken cancellationToken, bool countAsReminder = true)
    {
        var reminded = new List<string>();
        foreach (var reminder in reminders)
        {
            if (ledger.ReminderSent(bodyId, period, reminder.Addressee, offsetDays)) continue;
            // Recorded only once the server accepted it (or the pickup folder has it): a refused one is tried again at the next firing.
            var (sent, _, attempts, reply) = await SendEmailAsync(reminder.Message, reminder.FileName, cancellationToken);
            if (!sent)
            {
                _logger.LogWarning("Reminder of {Body} {Period} to {Addressee} not sent after {Attempts} attempts: {Reply}", bodyId, period, reminder.Addressee, attempts, reply);
                continue;
            }
            if (!ledger.RecordReminder(bodyId, period, reminder.Addressee, offsetDays, reminder.Email, clock.GetUtcNow())) continue;
            reminded.Add(reminder.Addressee);
        }
        if (countAsReminder) metrics.RemindersSent(reminded.Count);
        return reminded;
    }

    /// <summary>By SMTP with its retries when a server is configured; else into the pickup folder as an .eml file.</summary>
    private async Task<(bool Sent, bool Permanent, int Attempts, string? Error)> SendEmailAsync(MimeMessage email, string fileName, CancellationToken cancellationToken)
    {
        var smtp = options.Value.Smtp;
        if (!smtp.IsConfigured)
        {
            await ReportEmail.WriteToPickupAsync(email, options.Value.PickupDirectory, fileName, cancellationToken);
            return (true, false, 1, null);
        }
        var result = await new SmtpReportSender(smtp, loggers.CreateLogger<SmtpReportSender>(), clock).SendAsync(email, cancellationToken);
        return (result.Sent, result.Permanent, result.Attempts, result.LastReply);
    }

    /// <summary>The same report forwarded twice carries the same id, so the higher-level hub stores it once.</summary>
    public static Guid ForwardMessageId(string bodyId, string period) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"forward|{bodyId}|{period}")).AsSpan(0, 16));
}
