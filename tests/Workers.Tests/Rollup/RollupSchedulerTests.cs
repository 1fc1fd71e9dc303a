using ChuyenDoiSo.Reporting.Deliver;
using ChuyenDoiSo.Workers.Tests.Delivery;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace ChuyenDoiSo.Workers.Tests.Rollup;

/// <summary>A higher-level hub's own deadlines on Quartz with the fake clock: the roll-up leaves at the body's due date.</summary>
public sealed class RollupSchedulerTests(ITestOutputHelper output) : IDisposable
{
    private const string Body = "quang-ngai-skhcn-2026";
    private readonly TempDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Scheduler_sendsTheRollupOnEveryChannelOnce_atTheBodysDueDate()
    {
        // The communes' 2026-11 report is due Thursday 12 November; the body's 5 days later, Tuesday 17 November, at 17:00.
        var deadline = new DateTimeOffset(2026, 11, 17, 17, 0, 0, TimeSpan.FromHours(7));
        var clock = new FakeTimeProvider(deadline.AddHours(-1));
        await using var hub = await DeliveryHost.StartAsync(_data.Path, clock, output, new Dictionary<string, string?>
        {
            ["Hub:Level"] = "Higher",
            ["Hub:Higher:Id"] = Body,
        });
        Assert.Empty(hub.Ledger.All());

        clock.Advance(TimeSpan.FromHours(1));

        var rows = await DeliveryHost.EventuallyAsync(() => hub.Ledger.For(Body, "2026-11").OrderBy(r => r.Channel, StringComparer.Ordinal).ToList(),
            r => r.Count == 2 && r.All(x => x.Status == "sent"), "the 2026-11 roll-up sent on email and forward");
        Assert.Equal([("email", "ubnd@quang-ngai.example", deadline), ("forward", DeliverySchedule.ForwardRecipient, deadline)], rows.Select(r => (r.Channel, r.Recipient, r.DueAt)));
        Assert.Equal([$"{Body}_2026-11.eml"], hub.OutboxFiles());
        Assert.Equal([$"{Body}_2026-11.json"], hub.OutboxFiles("*.json", "forward"));
        // The commune plans' own deadlines are not this hub's to keep.
        Assert.DoesNotContain(hub.Ledger.All(), r => r.PlanId != Body);
    }
}
