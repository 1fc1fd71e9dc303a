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
    DeliveryLedger ledger,
    ReportForwarder forwarder,
    IOptions<HubOptions> options,
    TimeProvider clock,
    ILoggerFactory loggers)
{
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

    private MimeMessage Email(RollupOutputs outputs, string recipient)
    {
        var body = setup.Body;
        var period = outputs.Report.Period;
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(body.Name, options.Value.Smtp.From));
        message.To.Add(new MailboxAddress(body.HigherLevel.Name, recipient));
        message.Subject = $"Báo cáo tổng hợp kết quả thực hiện chuyển đổi số {ReportText.PeriodText(period.Communes)} của các xã, phường - {body.Name}";
        message.MessageId = ReportEmail.MessageId(body.Id, period.Period, recipient);
        var builder = new BodyBuilder { HtmlBody = outputs.Html };
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
