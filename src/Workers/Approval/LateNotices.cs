using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Render;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Deliver;
using ChuyenDoiSo.Workers.Wiring;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ChuyenDoiSo.Workers.Approval;

/// <summary>
/// The notice to the level above that a report will be late because it awaits approval (the plan's delivery.lateNotice):
/// sent when the send time held the report, once per recipient and report, through the loop's notices, which record it
/// only once the server accepted it (a second `deliver`, a restart, a misfired trigger send nothing more).
/// </summary>
public sealed class LateNotices(DeliveryLoop loop, IOptions<HubOptions> options, ILogger<LateNotices> logger)
{
    /// <summary>Tells every recipient the plan lists that has not been told; returns whom it told. Never throws but for cancellation.</summary>
    public async Task<IReadOnlyList<string>> SendAsync(Plan plan, ReportingPeriod period, DateTimeOffset sendAt, CancellationToken cancellationToken)
    {
        var recipients = LateNoticeRecipients.For(plan);
        if (recipients.Count == 0) return [];
        try
        {
            var notices = recipients.Select(r =>
            {
                var key = Key(r.Email);
                return new Reminder($"late-notice:{key}", r.Email, Compose(plan, period, sendAt, r.Name, r.Email, key), $"late-notice_{plan.Id}_{period.Period}_{key}.eml");
            });
            var told = await loop.RemindAsync(plan.Id, period.Period, 0, notices, cancellationToken, countAsReminder: false);
            if (told.Count > 0) logger.LogInformation("Told {Recipients} that {Plan} {Period} will be late: it awaits approval", string.Join(", ", told), plan.Id, period.Period);
            return told;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The hold is recorded either way; the notice goes at the next `deliver` of the report.
            logger.LogError(e, "The notice that {Plan} {Period} will be late was not sent", plan.Id, period.Period);
            return [];
        }
    }

    /// <summary>Formal Vietnamese, no codes: the commune's report for the period, its due time, why it is late, what follows.</summary>
    private MimeMessage Compose(Plan plan, ReportingPeriod period, DateTimeOffset sendAt, string? name, string email, string key)
    {
        var words = ReportText.PeriodText(period);
        var committee = $"Ủy ban nhân dân {plan.Commune.Kind} {plan.Commune.Name}";
        var due = HubTime.LocalDateTime(sendAt).ToString("HH:mm 'ngày' dd/MM/yyyy", CultureInfo.InvariantCulture);
        return ReportEmail.Notice(new MailboxAddress($"UBND {plan.Commune.FullName}", options.Value.Smtp.From), new MailboxAddress(name ?? "", email),
            $"Thông báo chậm gửi Báo cáo kết quả thực hiện Kế hoạch chuyển đổi số {words} của UBND {plan.Commune.FullName}",
            $"{plan.Id}.{period.Period}.late-notice.{key}@chuyendoiso.hub",
            [
                $"Kính gửi: {name ?? "Quý cơ quan"}.",
                $"{committee} trân trọng thông báo: Báo cáo kết quả thực hiện Kế hoạch chuyển đổi số {words} của {plan.Commune.Kind} (hạn gửi {due}) sẽ được gửi chậm so với thời hạn do đang chờ lãnh đạo Ủy ban nhân dân {plan.Commune.Kind} phê duyệt.",
                $"Ngay sau khi được phê duyệt, báo cáo sẽ được ký số và gửi đến {plan.HigherLevel.Name}. Quý cơ quan không cần thực hiện thêm thao tác nào.",
                "Trân trọng./.",
                $"UBND {plan.Commune.FullName}",
            ]);
    }

    /// <summary>A recipient's stable key (the notice's record, file name and Message-ID): the address, case-insensitively.</summary>
    private static string Key(string email) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(email.ToLowerInvariant())))[..12];
}
