using ChuyenDoiSo.Reporting.Deliver;

namespace ChuyenDoiSo.Reporting.Tests.Deliver;

/// <summary>The deliveries page's join of the schedule with the ledger: due and not sent is listed, not yet due is never late.</summary>
public sealed class DeliveryStandingTests
{
    private static readonly DateTimeOffset Now = new(2026, 4, 1, 0, 0, 0, TimeSpan.Zero);

    private static ScheduledItem Report(string period, DateTimeOffset at, string channel = "email") =>
        new(ScheduledItem.Report, "p", period, channel, "cap-tren@example.vn", at, null);

    private static DeliveryRow Row(string period, string status, DateTimeOffset due, string channel = "email") =>
        new() { Id = 1, PlanId = "p", Period = period, Channel = channel, Recipient = "cap-tren@example.vn", DueAt = due, Status = status, Attempts = 1, MessageId = "m" };

    [Fact]
    public void For_listsDueReportsTheLedgerNeverStarted_asNotSent()
    {
        var rows = DeliveryStanding.For([Report("2026-01", Now.AddDays(-60)), Report("2026-02", Now.AddDays(-30))], [Row("2026-01", "sent", Now.AddDays(-60))], Now);

        Assert.Equal(["sent", DeliveryStanding.NotSent], rows.Select(r => r.Status));
        Assert.True(rows[1].NeedsAttention);
    }

    [Fact]
    public void For_keepsTheLedgersFailedAndPendingRows()
    {
        var rows = DeliveryStanding.For([Report("2026-01", Now.AddDays(-60)), Report("2026-01", Now.AddDays(-60), "forward")],
            [Row("2026-01", "failed", Now.AddDays(-60)), Row("2026-01", "pending", Now.AddDays(-60), "forward")], Now);

        Assert.Equal(["failed", "pending"], rows.OrderBy(r => r.Channel, StringComparer.Ordinal).Select(r => r.Status));
        Assert.All(rows, r => Assert.True(r.NeedsAttention));
    }

    [Fact]
    public void For_neverCallsAPeriodNotYetDueLate()
    {
        var rows = DeliveryStanding.For([Report("2026-04", Now.AddSeconds(1)), Report("2026-05", Now.AddDays(40))], [], Now);

        Assert.All(rows, r => Assert.Equal(DeliveryStanding.NotDue, r.Status));
        Assert.All(rows, r => Assert.False(r.NeedsAttention));
    }

    [Fact]
    public void For_takesTheInstantOfTheDeadlineItselfAsDue()
    {
        var rows = DeliveryStanding.For([Report("2026-03", Now)], [], Now);

        Assert.Equal(DeliveryStanding.NotSent, Assert.Single(rows).Status);
    }
}
