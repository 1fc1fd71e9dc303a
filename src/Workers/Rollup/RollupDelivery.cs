using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Deliver;
using ChuyenDoiSo.Reporting.Render;
using ChuyenDoiSo.Reporting.Rollup;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Deliver;
using ChuyenDoiSo.Workers.Wiring;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ChuyenDoiSo.Workers.Rollup;

/// <summary>
/// Sends the higher body's roll-up to the next level up on every channel its file names, each exactly once, through the
/// same delivery ledger as a commune's report (keyed by the body's id): email with the DOCX attached, and a
/// CommuneReportSubmitted carrying the roll-up in the commune report format (RollupForward), so a province rolls up districts.
/// </summary>
public sealed class RollupDelivery(
    RollupSetup setup,
    RollupProducer producer,
    HubDatabase database,
    DeliveryLedger ledger,
    ReportForwarder forwarder,
    IOptions<HubOptions> options,
    TimeProvider clock,
    ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger<RollupDelivery>();

    public async Task<IReadOnlyList<DeliveryOutcome>> DeliverAsync(string period, bool resend, CancellationToken cancellationToken)
    {
        var body = setup.Body;
        var rollupPeriod = setup.FindPeriod(period) ?? throw new ArgumentException($"period {period} is not in {body.Id}'s calendar", nameof(period));
        var dueAt = HubTime.At(rollupPeriod.DueDate, body.EffectiveCommuneCalendar.SendTimeOfDay);
        var outcomes = new List<DeliveryOutcome>();
        RollupOutputs? outputs = null;
        using var exclusive = await DeliveryLock.AcquireAsync(Path.Combine(options.Value.Data, "deliver.lock"), TimeSpan.FromMinutes(15), cancellationToken);
        foreach (var channel in body.Channels)
        {
            var recipient = channel == "email" ? body.HigherLevel.Email : DeliverySchedule.ForwardRecipient;
            var forwardId = DeliveryService.ForwardMessageId(body.Id, period);
            var row = ledger.Begin(body.Id, period, recipient, channel, dueAt, channel == "email" ? ReportEmail.MessageId(body.Id, period, recipient) : forwardId.ToString(), resend);
            if (row is null)
            {
                outcomes.Add(new DeliveryOutcome(body.Id, period, channel, recipient, "already_sent", 0, null));
                continue;
            }
            try
            {
                outputs ??= producer.Produce(period, HubTime.LocalDate(clock.GetUtcNow()));
                var (sent, permanent, attempts, error) = channel == "email"
                    ? await SendEmailAsync(Email(outputs, recipient), $"{body.Id}_{period}.eml", cancellationToken)
                    : await forwarder.PublishAsync(new CommuneReportSubmitted
                    {
                        MessageId = forwardId,
                        PlanId = body.Id,
                        Commune = body.Name,
                        Period = period,
                        Kind = rollupPeriod.Communes.Kind.ToLabel(),
                        CompiledAt = clock.GetUtcNow(),
                        ReportJson = RollupForward.Render(outputs.Report),
                    }, cancellationToken);
                if (sent) ledger.Sent(row.Id, clock.GetUtcNow());
                else ledger.Failed(row.Id, error ?? "not sent", permanent);
                outcomes.Add(new DeliveryOutcome(body.Id, period, channel, recipient, sent ? "sent" : permanent ? "failed" : "pending", attempts, error));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                ledger.Failed(row.Id, e.Message, permanent: false);
                outcomes.Add(new DeliveryOutcome(body.Id, period, channel, recipient, "pending", 1, e.Message));
            }
        }
        return outcomes;
    }

    /// <summary>Reminds the communes that have sent nothing for a period yet, each at most once per offset; returns who was reminded.</summary>
    public async Task<IReadOnlyList<string>> RemindAsync(string period, int offsetDays, CancellationToken cancellationToken)
    {
        var body = setup.Body;
        var rollupPeriod = setup.FindPeriod(period) ?? throw new ArgumentException($"period {period} is not in {body.Id}'s calendar", nameof(period));
        HashSet<string> reported;
        using (var connection = database.Open())
            reported = new RollupQueries(connection).Current(period).Select(r => r.CommuneId).ToHashSet(StringComparer.Ordinal);
        var reminded = new List<string>();
        var due = rollupPeriod.Communes.AdjustedDueDate.ToString("dd/MM/yyyy", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var commune in setup.Communes.Where(c => !reported.Contains(c.Id)))
        {
            // "UBND xã Bình Chương": the unit's kind is lower-case after UBND.
            var committee = $"UBND {char.ToLowerInvariant(commune.Name[0])}{commune.Name[1..]}";
            if (!body.CommuneContacts.TryGetValue(commune.Id, out var email))
            {
                _logger.LogWarning("{Commune} has not reported {Period}, but {Body} has no contact for it (communeContacts)", commune.Id, period, body.Id);
                continue;
            }
            if (ledger.ReminderSent(body.Id, period, commune.Id, offsetDays)) continue;
            var message = new MimeMessage();
            message.From.Add(new MailboxAddress(body.Name, options.Value.Smtp.From));
            message.To.Add(new MailboxAddress(committee, email));
            message.MessageId = $"{body.Id}.{period}.{commune.Id.Replace('#', '-')}.reminder{offsetDays:+0;-0;0}@chuyendoiso.hub";
            message.Subject = offsetDays > 0
                ? $"Đôn đốc: {committee} chưa gửi báo cáo chuyển đổi số kỳ {period} (hạn {due})"
                : $"Nhắc hạn: báo cáo chuyển đổi số kỳ {period} hạn ngày {due}";
            message.Body = new TextPart("plain")
            {
                Text = offsetDays > 0
                    ? $"Kính gửi {committee},\n\nĐến nay {body.Name} chưa nhận được báo cáo kết quả thực hiện Kế hoạch chuyển đổi số kỳ {period} của {committee} (hạn {due}). Đề nghị gửi báo cáo ngay.\n\n{body.Name}"
                    : $"Kính gửi {committee},\n\nBáo cáo kết quả thực hiện Kế hoạch chuyển đổi số kỳ {period} hạn ngày {due}. Đề nghị gửi đúng hạn.\n\n{body.Name}",
            };
            // Recorded only once the server accepted it; a refused send is logged and not recorded.
            var (sent, _, _, reply) = await SendEmailAsync(message, $"reminder_{body.Id}_{period}_{commune.Id.Replace('#', '-')}_{offsetDays:+0;-0;0}.eml", cancellationToken);
            if (!sent)
            {
                _logger.LogWarning("Reminder of {Body} {Period} to {Commune} not sent: {Reply}", body.Id, period, commune.Id, reply);
                continue;
            }
            if (!ledger.RecordReminder(body.Id, period, commune.Id, offsetDays, email, clock.GetUtcNow())) continue;
            reminded.Add(commune.Id);
        }
        return reminded;
    }

    private MimeMessage Email(RollupOutputs outputs, string recipient)
    {
        var body = setup.Body;
        var period = outputs.Report.Period;
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(body.Name, options.Value.Smtp.From));
        message.To.Add(new MailboxAddress(body.HigherLevel.Name, recipient));
        message.Subject = $"Báo cáo tổng hợp kết quả thực hiện chuyển đổi số {ReportText.PeriodText(period.Communes)} của các xã, phường - {body.Name}";
        message.MessageId = ReportEmail.MessageId(body.Id, period.Period, recipient);
        var builder = new BodyBuilder { HtmlBody = outputs.Html, TextBody = ReportEmail.PlainText(outputs.Html) };
        builder.Attachments.Add(RollupProducer.FileName(outputs.Report, "docx"), outputs.Docx, ContentType.Parse("application/vnd.openxmlformats-officedocument.wordprocessingml.document"));
        message.Body = builder.ToMessageBody();
        return message;
    }

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
}
