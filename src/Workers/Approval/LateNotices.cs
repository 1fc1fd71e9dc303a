using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Render;
using ChuyenDoiSo.Reporting.Rollup;
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
    /// <summary>A commune's report held for approval: told to whoever its plan's delivery.lateNotice lists.</summary>
    public Task<IReadOnlyList<string>> SendAsync(Plan plan, ReportingPeriod period, DateTimeOffset sendAt, CancellationToken cancellationToken)
    {
        var words = ReportText.PeriodText(period);
        var committee = $"Ủy ban nhân dân {plan.Commune.Kind} {plan.Commune.Name}";
        var due = Due(sendAt);
        return SendAsync(new LateNotice(plan.Id, period.Period, LateNoticeRecipients.For(plan), $"UBND {plan.Commune.FullName}",
            $"Thông báo chậm gửi Báo cáo kết quả thực hiện Kế hoạch chuyển đổi số {words} của UBND {plan.Commune.FullName}",
            $"{committee} trân trọng thông báo: Báo cáo kết quả thực hiện Kế hoạch chuyển đổi số {words} của {plan.Commune.Kind} (hạn gửi {due}) sẽ được gửi chậm so với thời hạn do đang chờ lãnh đạo Ủy ban nhân dân {plan.Commune.Kind} phê duyệt.",
            $"Ngay sau khi được phê duyệt, báo cáo sẽ được ký số và gửi đến {plan.HigherLevel.Name}. Quý cơ quan không cần thực hiện thêm thao tác nào."), cancellationToken);
    }

    /// <summary>A higher body's roll-up held for approval: told to whoever its file's delivery.lateNotice lists.</summary>
    public Task<IReadOnlyList<string>> SendAsync(HigherBody body, RollupPeriod period, DateTimeOffset sendAt, CancellationToken cancellationToken)
    {
        var words = ReportText.PeriodText(period.Communes);
        return SendAsync(new LateNotice(body.Id, period.Period, LateNoticeRecipients.For(body.Delivery, body.HigherLevel), body.Name,
            $"Thông báo chậm gửi Báo cáo tổng hợp kết quả thực hiện chuyển đổi số {words} của các xã, phường - {body.Name}",
            $"{body.Name} trân trọng thông báo: Báo cáo tổng hợp kết quả thực hiện chuyển đổi số {words} của các xã, phường (hạn gửi {Due(sendAt)}) sẽ được gửi chậm so với thời hạn do đang chờ lãnh đạo phê duyệt.",
            $"Ngay sau khi được phê duyệt, báo cáo sẽ được ký số và gửi đến {body.HigherLevel.Name}. Quý cơ quan không cần thực hiện thêm thao tác nào."), cancellationToken);
    }

    /// <summary>One report's notice: whom it tells, who it comes from, its subject and its two sentences.</summary>
    private sealed record LateNotice(string Id, string Period, IReadOnlyList<(string? Name, string Email)> Recipients, string Sender, string Subject, string Late, string After);

    /// <summary>Tells every recipient listed that has not been told; returns whom it told. Never throws but for cancellation.</summary>
    private async Task<IReadOnlyList<string>> SendAsync(LateNotice notice, CancellationToken cancellationToken)
    {
        if (notice.Recipients.Count == 0) return [];
        try
        {
            var notices = notice.Recipients.Select(r =>
            {
                var key = Key(r.Email);
                return new Reminder($"late-notice:{key}", r.Email, Compose(notice, r.Name, r.Email, key), $"late-notice_{notice.Id}_{notice.Period}_{key}.eml");
            });
            var told = await loop.RemindAsync(notice.Id, notice.Period, 0, notices, cancellationToken, countAsReminder: false);
            if (told.Count > 0) logger.LogInformation("Told {Recipients} that {Plan} {Period} will be late: it awaits approval", string.Join(", ", told), notice.Id, notice.Period);
            return told;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The hold is recorded either way; the notice goes at the next `deliver` of the report.
            logger.LogError(e, "The notice that {Plan} {Period} will be late was not sent", notice.Id, notice.Period);
            return [];
        }
    }

    /// <summary>Formal Vietnamese, no codes: the report for the period, its due time, why it is late, what follows.</summary>
    private MimeMessage Compose(LateNotice notice, string? name, string email, string key) =>
        ReportEmail.Notice(new MailboxAddress(notice.Sender, options.Value.Smtp.From), new MailboxAddress(name ?? "", email), notice.Subject,
            $"{notice.Id.Replace('#', '-')}.{notice.Period}.late-notice.{key}@chuyendoiso.hub",
            [$"Kính gửi: {name ?? "Quý cơ quan"}.", notice.Late, notice.After, "Trân trọng./.", notice.Sender]);

    private static string Due(DateTimeOffset sendAt) => HubTime.LocalDateTime(sendAt).ToString("HH:mm 'ngày' dd/MM/yyyy", CultureInfo.InvariantCulture);

    /// <summary>A recipient's stable key (the notice's record, file name and Message-ID): the address, case-insensitively.</summary>
    private static string Key(string email) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(email.ToLowerInvariant())))[..12];
}
