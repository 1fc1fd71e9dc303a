using System.Globalization;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Reporting.Users;
using ChuyenDoiSo.Workers.Approval;
using ChuyenDoiSo.Workers.Tests.Delivery;
using ChuyenDoiSo.Workers.Tests.Smtp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace ChuyenDoiSo.Workers.Tests.Approval;

/// <summary>
/// The notice to the level above (delivery.lateNotice) that a report will be late because it awaits approval, through the
/// hub's own scheduler on a fake clock and a real SMTP server: once at the send time, never again on a second `deliver` or
/// after a restart, none without the setting; approved later, the report goes as usual.
/// </summary>
public sealed class LateNoticeTests(ITestOutputHelper output) : IDisposable
{
    private const string PlanId = ApprovalSetup.PlanId;
    private const string Period = "2026-11";
    private const string HigherLevel = "skhcn@quang-ngai.example";
    private static readonly DateTimeOffset SendAt = new(2026, 11, 12, 17, 0, 0, TimeSpan.FromHours(7));
    private readonly TempDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    private DeliveryHost Build(FakeTimeProvider clock, SmtpSink smtp, string seeds) => DeliveryHost.Build(_data.Path, clock, output, new Dictionary<string, string?>
    {
        ["Hub:Seeds"] = seeds,
        ["Hub:Smtp:Host"] = smtp.Host,
        ["Hub:Smtp:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
        ["Hub:Smtp:Security"] = "None",
    });

    /// <summary>A hub started a minute before the send time (no office or signer users: the only mail is the notice and the report), then the send time.</summary>
    private async Task<DeliveryHost> HeldAtTheSendTimeAsync(FakeTimeProvider clock, SmtpSink smtp, string seeds)
    {
        var hub = Build(clock, smtp, seeds);
        await hub.StartAsync();
        clock.SetUtcNow(SendAt);
        await DeliveryHost.EventuallyAsync(() => hub.Rows(Period), r => r.Count == 2 && r.All(x => x.Status == "awaiting_approval"), "held on both channels");
        await DeliveryHost.EventuallyFromAsync(() => hub.ReportTriggerAsync(Period), t => t is null, "the send-time trigger completed");
        return hub;
    }

    [Fact]
    public async Task HeldAtTheSendTime_tellsTheLevelAboveOnce_notAgainOnDeliverOrRestart_andApprovalSendsAsUsual()
    {
        var clock = new FakeTimeProvider(SendAt.AddMinutes(-1));
        await using var smtp = SmtpSink.Start();
        var seeds = ApprovalSetup.Seeds(_data.Path, "higherLevel");
        await using (var first = await HeldAtTheSendTimeAsync(clock, smtp, seeds))
        {
            var notice = Assert.Single(await DeliveryHost.EventuallyAsync(() => smtp.Accepted, m => m.Count >= 1, "the notice to the level above"));
            Assert.Equal([HigherLevel], notice.Recipients);
            var message = notice.Parse();
            Assert.Equal("Thông báo chậm gửi Báo cáo kết quả thực hiện Kế hoạch chuyển đổi số tháng 11 năm 2026 của UBND Xã Bình Chương", message.Subject);
            var text = message.TextBody;
            Assert.StartsWith("Kính gửi: Sở Khoa", text, StringComparison.Ordinal);
            Assert.Contains("Báo cáo kết quả thực hiện Kế hoạch chuyển đổi số tháng 11 năm 2026 của xã (hạn gửi 17:00 ngày 12/11/2026) sẽ được gửi chậm", text, StringComparison.Ordinal);
            Assert.Contains("chờ lãnh đạo Ủy ban nhân dân xã phê duyệt", text, StringComparison.Ordinal);
            Assert.Contains("Ngay sau khi được phê duyệt, báo cáo sẽ được ký số và gửi đến", text, StringComparison.Ordinal);
            // No codes, no English: neither the plan's id nor the period's label nor the ledger's words.
            foreach (var code in new[] { PlanId, Period, "awaiting", "approval", "2026-" })
                Assert.DoesNotContain(code, message.Subject + text + message.HtmlBody, StringComparison.OrdinalIgnoreCase);
            Assert.Empty(message.Attachments);

            // A second deliver run holds it again and tells nobody again.
            clock.Advance(TimeSpan.FromHours(1));
            var again = await first.Delivery.DeliverAsync(first.Plan, Period, resend: false, CancellationToken.None);
            Assert.All(again, o => Assert.Equal("awaiting_approval", o.Status));
            Assert.Single(smtp.Accepted);
        }

        // Nor after a restart of the hub.
        await using var hub = Build(clock, smtp, seeds);
        await hub.StartAsync();
        await hub.Delivery.DeliverAsync(hub.Plan, Period, resend: false, CancellationToken.None);
        Assert.Single(smtp.Accepted);

        // Approved the next morning: issued and sent as usual to the level above, and no further notice.
        ApprovalSetup.Users(hub.Services.GetRequiredService<HubDatabase>(), clock.GetUtcNow());
        clock.SetUtcNow(SendAt.AddHours(14)); // 07:00, before the departments' reminder of the day after
        UserRow signer;
        using (var connection = hub.Services.GetRequiredService<HubDatabase>().Open()) signer = new UserStore(connection).Find(ApprovalSetup.Signer)!.Value.User;
        var approved = await hub.Services.GetRequiredService<ApprovalService>().ApproveAsync(hub.Plan, Period, signer, CancellationToken.None);
        Assert.Equal([("email", "sent"), ("forward", "sent")], approved.Deliveries.Select(d => (d.Channel, d.Status)));
        var toHigherLevel = smtp.Accepted.Where(m => m.Recipients.SequenceEqual([HigherLevel])).Select(m => m.Parse().Subject).ToList();
        Assert.Equal(2, toHigherLevel.Count);
        Assert.StartsWith("Báo cáo kết quả thực hiện Kế hoạch chuyển đổi số tháng 11 năm 2026", toHigherLevel[1], StringComparison.Ordinal);
        Assert.EndsWith("(Số 01/BC-UBND)", toHigherLevel[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task HeldAtTheSendTime_tellsNobody_withoutTheSetting()
    {
        var clock = new FakeTimeProvider(SendAt.AddMinutes(-1));
        await using var smtp = SmtpSink.Start();
        await using var hub = await HeldAtTheSendTimeAsync(clock, smtp, ApprovalSetup.Seeds(_data.Path));

        await hub.Delivery.DeliverAsync(hub.Plan, Period, resend: false, CancellationToken.None);

        Assert.Empty(smtp.Received);
        Assert.Empty(hub.OutboxFiles());
    }
}
