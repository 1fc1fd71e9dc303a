using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Deliver;
using ChuyenDoiSo.Reporting.Render;
using ChuyenDoiSo.Reporting.Rollup;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Reporting.Register;
using ChuyenDoiSo.Workers.Deliver;
using ChuyenDoiSo.Workers.Signing;
using ChuyenDoiSo.Workers.Wiring;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ChuyenDoiSo.Workers.Rollup;

/// <summary>
/// A higher body's side of the delivery loop: its roll-up is issued like a commune's report (the body's own number from the
/// register, per body and year under its document code, and its agency's signature, the signer's where configured), emailed
/// to the next level up with the signed PDF and the DOCX, and forwarded as a CommuneReportSubmitted carrying the roll-up in
/// the commune report format (RollupForward), so a province rolls up districts. The communes it reminds are those that
/// have sent nothing. The sending, the ledger, the metrics and the logs are the <see cref="DeliveryLoop"/>'s.
/// </summary>
public sealed class RollupDelivery(
    RollupSetupSource source,
    RollupProducer producer,
    ReportRegistrar registrar,
    SigningSetup signing,
    HubDatabase database,
    DeliveryLoop loop,
    Approval.LateNotices lateNotices,
    IOptions<HubOptions> options,
    TimeProvider clock,
    ILoggerFactory loggers)
{
    // The setup for the plans in force at each call (plans change while the hub runs).
    private RollupSetup setup => source.Current;

    private readonly ILogger _logger = loggers.CreateLogger<RollupDelivery>();

    /// <summary>"/BC-SKHCN": the body's document code after the number.</summary>
    public static string Suffix(HigherBody body) => "/" + body.DocumentCode;

    /// <summary>As a commune's: a roll-up held for approval once its send time has come is late, and whoever the body's delivery.lateNotice lists is told, once.</summary>
    public Task<IReadOnlyList<DeliveryOutcome>> DeliverAsync(string period, bool resend, CancellationToken cancellationToken, bool correction = false)
    {
        var body = setup.Body;
        var rollupPeriod = setup.FindPeriod(period) ?? throw new ArgumentException($"period {period} is not in {body.Id}'s calendar", nameof(period));
        var sendAt = setup.SendAt(rollupPeriod);
        return loop.DeliverAsync(new DeliveryRequest(body.Id, period, sendAt, body.Channels, body.HigherLevel.Email,
            (corrected, ct) => IssueAsync(rollupPeriod, corrected, ct), RequiresApproval: body.RequiresApproval,
            TellLate: ct => lateNotices.SendAsync(body, rollupPeriod, sendAt, ct)), resend, correction, cancellationToken);
    }

    /// <summary>The roll-up issued (numbered, signed, stored) or found in the register, as the loop sends it.</summary>
    /// <param name="signers">Who signs, when the caller opened them (an approval); null: the hub's certificates (Hub:Signing).</param>
    public async Task<IssuedReport> IssueAsync(RollupPeriod rollupPeriod, bool correction, CancellationToken cancellationToken, ReportSigners? signers = null)
    {
        var body = setup.Body;
        var entry = await registrar.IssueAsync(body.Id, rollupPeriod.Period, Suffix(body), () => signers ?? signing.For(null), correction,
            renderOptions => producer.Issuable(rollupPeriod.Period, renderOptions), cancellationToken);
        var forward = new CommuneReportSubmitted
        {
            MessageId = DeliveryService.ForwardMessageId(body.Id, rollupPeriod.Period),
            PlanId = body.Id,
            Commune = body.Name,
            Period = rollupPeriod.Period,
            Kind = rollupPeriod.Communes.Kind.ToLabel(),
            CompiledAt = entry.SignedAt ?? clock.GetUtcNow(),
            ReportJson = entry.Json!,
            Number = entry.Number,
            SignedPdf = entry.Pdf,
        };
        return new IssuedReport(entry.Number, Email(rollupPeriod, entry), $"{body.Id}_{rollupPeriod.Period}.eml", forward);
    }

    /// <summary>Reminds the communes that have sent nothing for a period yet, each at most once per offset; returns who was reminded.</summary>
    public async Task<IReadOnlyList<string>> RemindAsync(string period, int offsetDays, CancellationToken cancellationToken)
    {
        var body = setup.Body;
        var rollupPeriod = setup.FindPeriod(period) ?? throw new ArgumentException($"period {period} is not in {body.Id}'s calendar", nameof(period));
        HashSet<string> reported;
        using (var connection = database.Open())
            reported = new RollupQueries(connection).Current(period).Select(r => r.CommuneId).ToHashSet(StringComparer.Ordinal);
        var due = rollupPeriod.Communes.AdjustedDueDate.ToString("dd/MM/yyyy", System.Globalization.CultureInfo.InvariantCulture);
        var reminders = new List<Reminder>();
        foreach (var commune in setup.Communes.Where(c => !reported.Contains(c.Id)))
        {
            // "UBND xã Bình Chương": the unit's kind is lower-case after UBND.
            var committee = $"UBND {char.ToLowerInvariant(commune.Name[0])}{commune.Name[1..]}";
            if (!body.CommuneContacts.TryGetValue(commune.Id, out var email))
            {
                _logger.LogWarning("{Commune} has not reported {Period}, but {Body} has no contact for it (communeContacts)", commune.Id, period, body.Id);
                continue;
            }
            var message = ReportEmail.Notice(new MailboxAddress(body.Name, options.Value.Smtp.From), new MailboxAddress(committee, email),
                offsetDays > 0
                    ? $"Đôn đốc: {committee} chưa gửi báo cáo chuyển đổi số kỳ {period} (hạn {due})"
                    : $"Nhắc hạn: báo cáo chuyển đổi số kỳ {period} hạn ngày {due}",
                $"{body.Id}.{period}.{commune.Id.Replace('#', '-')}.reminder{offsetDays:+0;-0;0}@chuyendoiso.hub",
            [
                $"Kính gửi {committee},",
                offsetDays > 0
                    ? $"Đến nay {body.Name} chưa nhận được báo cáo kết quả thực hiện Kế hoạch chuyển đổi số kỳ {period} của {committee} (hạn {due}). Đề nghị gửi báo cáo ngay."
                    : $"Báo cáo kết quả thực hiện Kế hoạch chuyển đổi số kỳ {period} hạn ngày {due}. Đề nghị gửi đúng hạn.",
                body.Name,
            ]);
            reminders.Add(new Reminder(commune.Id, email, message, $"reminder_{body.Id}_{period}_{commune.Id.Replace('#', '-')}_{offsetDays:+0;-0;0}.eml"));
        }
        return await loop.RemindAsync(body.Id, period, offsetDays, reminders, cancellationToken);
    }

    private MimeMessage Email(RollupPeriod period, RegisterEntry entry)
    {
        var body = setup.Body;
        var recipient = body.HigherLevel.Email;
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(body.Name, options.Value.Smtp.From));
        message.To.Add(new MailboxAddress(body.HigherLevel.Name, recipient));
        message.Subject = $"Báo cáo tổng hợp kết quả thực hiện chuyển đổi số {ReportText.PeriodText(period.Communes)} của các xã, phường - {body.Name} (Số {entry.Number})";
        // A correction is another document: another Message-ID, so a receiver that drops repeats keeps it.
        message.MessageId = ReportEmail.MessageId(body.Id, entry.ReplacesId is null ? period.Period : $"{entry.Period}.{entry.Year}.{entry.Sequence}", recipient);
        var builder = new BodyBuilder { HtmlBody = entry.Html, TextBody = ReportEmail.PlainText(entry.Html!) };
        builder.Attachments.Add($"{body.Id}_{period.Period}.pdf", entry.Pdf!, new ContentType("application", "pdf"));
        builder.Attachments.Add($"{body.Id}_{period.Period}.docx", entry.Docx!, ContentType.Parse("application/vnd.openxmlformats-officedocument.wordprocessingml.document"));
        message.Body = builder.ToMessageBody();
        return message;
    }
}
