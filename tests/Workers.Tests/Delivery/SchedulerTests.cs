using System.Globalization;
using System.Text.Json;
using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Deliver;
using ChuyenDoiSo.Reporting.Ingest;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Workers.Deliver;
using ChuyenDoiSo.Workers.Schedule;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Quartz;
using Xunit.Abstractions;

namespace ChuyenDoiSo.Workers.Tests.Delivery;

/// <summary>
/// The hub's Quartz scheduler with its SQLite store, driven by a <see cref="FakeTimeProvider"/>: the test moves the clock
/// to a deadline and waits (polling, with a deadline) for what the job leaves in the ledger and the outbox.
/// </summary>
public sealed class SchedulerTests(ITestOutputHelper output) : IDisposable
{
    private const string PlanId = DeliveryHost.PlanId;
    private static readonly TimeSpan Local = TimeSpan.FromHours(7);
    private readonly TempDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Scheduler_sendsReportOnEveryChannelOnce_whenClockReachesDeadline()
    {
        var deadline = new DateTimeOffset(2026, 11, 12, 17, 0, 0, Local);
        var clock = new FakeTimeProvider(deadline.AddHours(-1));
        await using var hub = await DeliveryHost.StartAsync(_data.Path, clock, output);
        Assert.Equal(deadline, (await hub.ReportTriggerAsync("2026-11"))?.NextFireTimeUtc);
        Assert.Empty(hub.Ledger.All());

        clock.Advance(TimeSpan.FromHours(1));

        var rows = await DeliveryHost.EventuallyAsync(() => hub.Rows("2026-11"), r => r.Count == 2 && r.All(x => x.Status == "sent"), "2026-11 sent on email and forward");
        Assert.Equal(
            [("email", "skhcn@quang-ngai.example", 1L, deadline), ("forward", DeliverySchedule.ForwardRecipient, 1L, deadline)],
            rows.Select(r => (r.Channel, r.Recipient, r.Attempts, r.SentAt!.Value)));
        Assert.All(rows, r => Assert.Equal(deadline, r.DueAt));
        Assert.Equal(ReportEmail.MessageId(PlanId, "2026-11", "skhcn@quang-ngai.example"), rows[0].MessageId);
        Assert.Equal(DeliveryService.ForwardMessageId(PlanId, "2026-11").ToString(), rows[1].MessageId);
        await DeliveryHost.EventuallyFromAsync(() => hub.ReportTriggerAsync("2026-11"), t => t is null, "the 2026-11 trigger completed");

        Assert.Equal([$"{PlanId}_2026-11.eml"], hub.OutboxFiles());
        var email = MimeMessage.Load(Path.Combine(hub.Outbox, $"{PlanId}_2026-11.eml"));
        Assert.Equal("skhcn@quang-ngai.example", email.To.Mailboxes.Single().Address);
        Assert.Equal(rows[0].MessageId, email.MessageId);
        Assert.Contains(email.Attachments, a => a.ContentDisposition?.FileName == $"{PlanId}_2026-11.docx");
        Assert.Equal([$"{PlanId}_2026-11.json"], hub.OutboxFiles("*.json", "forward"));
        // Nothing for the annual report yet: it waits for its own deadline.
        Assert.Empty(hub.Rows("2026-FY"));
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 17, 0, 0, Local), (await hub.ReportTriggerAsync("2026-FY"))?.NextFireTimeUtc);
    }

    [Fact]
    public async Task Scheduler_sendsReportOnce_whenClockJumpsHoursPastDeadlineWhileRunning()
    {
        // Past Quartz's misfire threshold (60 s): the trigger is a misfire, handled as "fire now" rather than dropped.
        var deadline = new DateTimeOffset(2026, 11, 12, 17, 0, 0, Local);
        var clock = new FakeTimeProvider(deadline.AddHours(-1));
        await using var hub = await DeliveryHost.StartAsync(_data.Path, clock, output);

        var late = deadline.AddHours(3);
        clock.SetUtcNow(late);

        await DeliveryHost.EventuallyFromAsync(() => hub.ReportTriggerAsync("2026-11"), t => t is null, "the 2026-11 trigger completed");
        Assert.Equal([("email", "sent", 1L, late), ("forward", "sent", 1L, late)], hub.Rows("2026-11").Select(r => (r.Channel, r.Status, r.Attempts, r.SentAt!.Value)));
    }

    [Fact]
    public async Task Scheduler_sendsNineMonthReportOnMonday_notOnSaturdayDueDate()
    {
        var saturday = new DateTimeOffset(2026, 9, 5, 17, 0, 0, Local);
        var monday = new DateTimeOffset(2026, 9, 7, 17, 0, 0, Local);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 9, 4, 12, 0, 0, Local));
        await using var hub = await DeliveryHost.StartAsync(_data.Path, clock, output);
        Assert.Equal(monday, (await hub.ReportTriggerAsync("2026-9M"))?.NextFireTimeUtc);

        clock.SetUtcNow(saturday);
        // Sunday 08:00 is the -1 reminder: once it has fired, the scheduler has been through Saturday 17:00.
        clock.SetUtcNow(new DateTimeOffset(2026, 9, 6, 8, 0, 0, Local));
        await DeliveryHost.EventuallyFromAsync(() => TriggerAsync(hub, $"{PlanId}|2026-9M|reminder-1"), t => t is null, "the Sunday reminder fired");

        Assert.Empty(hub.Rows("2026-9M"));
        Assert.DoesNotContain($"{PlanId}_2026-9M.eml", hub.OutboxFiles());
        Assert.Equal(monday, (await hub.ReportTriggerAsync("2026-9M"))?.NextFireTimeUtc);

        clock.SetUtcNow(monday);

        var rows = await DeliveryHost.EventuallyAsync(() => hub.Rows("2026-9M"), r => r.Count == 2 && r.All(x => x.Status == "sent"), "2026-9M sent on Monday");
        Assert.All(rows, r => Assert.Equal((monday, monday, 1L), (r.DueAt, r.SentAt!.Value, r.Attempts)));
        Assert.Contains($"{PlanId}_2026-9M.eml", hub.OutboxFiles());
    }

    [Fact]
    public async Task Scheduler_sendsEachMissedReportOnce_whenRestartedAfterTwoDeadlines()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 10, 9, 0, 0, Local));
        await using (var first = await DeliveryHost.StartAsync(_data.Path, clock, output))
        {
            Assert.NotNull(await first.ReportTriggerAsync("2026-11"));
            Assert.NotNull(await first.ReportTriggerAsync("2026-FY"));
            await first.StopAsync();
        }
        Assert.True(File.Exists(_data.Combine("quartz.db")));

        // Down over the November and the annual deadlines (and their reminders).
        var restart = new DateTimeOffset(2026, 12, 8, 9, 0, 0, Local);
        clock.SetUtcNow(restart);
        await using var second = await DeliveryHost.StartAsync(_data.Path, clock, output);

        // Every stored trigger is due: the scheduler is done when none is left.
        await DeliveryHost.EventuallyFromAsync(() => TriggerNamesAsync(second), t => t.Count == 0, "every missed trigger fired and completed");
        foreach (var period in new[] { "2026-11", "2026-FY" })
        {
            var rows = second.Rows(period);
            Assert.Equal([("email", "sent", 1L), ("forward", "sent", 1L)], rows.Select(r => (r.Channel, r.Status, r.Attempts)));
            Assert.All(rows, r => Assert.Equal(restart, r.SentAt));
        }
        Assert.Equal([$"{PlanId}_2026-11.eml", $"{PlanId}_2026-FY.eml"], second.OutboxFiles($"{PlanId}_*.eml"));
        Assert.Equal([$"{PlanId}_2026-11.json", $"{PlanId}_2026-FY.json"], second.OutboxFiles("*.json", "forward"));
        // Reports whose deadline fell before the first start stay unsent.
        Assert.Equal(["2026-11", "2026-FY"], second.Ledger.All().Select(r => r.Period).Distinct());
        Assert.Equal(new DateTimeOffset(2026, 11, 10, 9, 0, 0, Local), DateTimeOffset.Parse(second.Ledger.State(ScheduleSync.FirstStartKey)!, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Scheduler_sendsNothingAlreadyPast_onFirstStart_butDeliverSendsOnDemandOnce()
    {
        var now = new DateTimeOffset(2026, 11, 23, 9, 0, 0, Local);
        var clock = new FakeTimeProvider(now);
        await using var hub = await DeliveryHost.StartAsync(_data.Path, clock, output);
        var scheduler = await hub.SchedulerAsync();
        await DeliveryHost.EventuallyAsync(() => scheduler.Status, s => s == SchedulerStatus.Running, "the scheduler started");

        var past = hub.Catalog.CalendarFor(hub.Plan).Where(p => p.Period != "2026-FY").Select(p => p.Period).ToList();
        Assert.Equal(11, past.Count);
        foreach (var period in past) Assert.Null(await hub.ReportTriggerAsync(period));
        Assert.NotNull(await hub.ReportTriggerAsync("2026-FY"));
        // No trigger at all is due: nothing can go out by itself now.
        var due = new List<string>();
        foreach (var key in await scheduler.GetTriggerKeys(GroupMatcher<TriggerKey>.AnyGroup()))
            if ((await scheduler.GetTrigger(key))?.NextFireTimeUtc is { } next && next <= now) due.Add(key.Name);
        Assert.Empty(due);
        Assert.Empty(hub.Ledger.All());
        Assert.Empty(hub.OutboxFiles());

        var sent = await hub.Delivery.DeliverAsync(hub.Plan, "2026-Q1", resend: false, CancellationToken.None);
        var again = await hub.Delivery.DeliverAsync(hub.Plan, "2026-Q1", resend: false, CancellationToken.None);

        Assert.Equal([("email", "sent"), ("forward", "sent")], sent.Select(o => (o.Channel, o.Status)));
        Assert.Equal([("email", "already_sent"), ("forward", "already_sent")], again.Select(o => (o.Channel, o.Status)));
        Assert.Equal([("2026-Q1", "email", "sent", 1L), ("2026-Q1", "forward", "sent", 1L)], hub.Ledger.All().Select(r => (r.Period, r.Channel, r.Status, r.Attempts)));
        Assert.Equal([$"{PlanId}_2026-Q1.eml"], hub.OutboxFiles());
    }

    [Fact]
    public async Task Scheduler_remindsOnlyDepartmentsThatHaveNotReported_beforeAndAfterDeadline()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 8, 12, 0, 0, Local));
        await using var hub = await DeliveryHost.StartAsync(_data.Path, clock, output);
        var plan = hub.Plan;
        var period = hub.Catalog.FindPeriod(plan, "2026-11")!;
        var expected = SubmissionTimeliness.Expected(plan, period);
        Assert.Contains("TTPVHCC", expected);
        Assert.Contains("VP", expected);
        Store(hub, clock, "TTPVHCC", "1");

        clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 8, 0, 0, Local));
        await DeliveryHost.EventuallyFromAsync(() => TriggerAsync(hub, $"{PlanId}|2026-11|reminder-3"), t => t is null, "the -3 reminder fired");

        var silent = expected.Except(["TTPVHCC"]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(silent, Reminded(hub, "-3"));
        Store(hub, clock, "VP", "8");

        clock.SetUtcNow(new DateTimeOffset(2026, 11, 11, 8, 0, 0, Local));
        await DeliveryHost.EventuallyFromAsync(() => TriggerAsync(hub, $"{PlanId}|2026-11|reminder-1"), t => t is null, "the -1 reminder fired");

        Assert.Equal(silent.Except(["VP"]), Reminded(hub, "-1"));
        clock.SetUtcNow(new DateTimeOffset(2026, 11, 12, 10, 0, 0, Local));
        Store(hub, clock, "KT", "17");

        // The day after the deadline: only those still silent hear that they are late.
        clock.SetUtcNow(new DateTimeOffset(2026, 11, 13, 8, 0, 0, Local));
        await DeliveryHost.EventuallyFromAsync(() => TriggerAsync(hub, $"{PlanId}|2026-11|reminder+1"), t => t is null, "the +1 reminder fired");

        Assert.Equal(silent.Except(["VP", "KT"]), Reminded(hub, "+1"));
        // The reminder goes to the department's own address, and only to it.
        foreach (var code in silent)
        {
            var message = MimeMessage.Load(Path.Combine(hub.Outbox, $"reminder_{PlanId}_2026-11_{code}_-3.eml"));
            Assert.Equal([plan.FindDepartment(code)!.Email], message.To.Mailboxes.Select(m => m.Address));
            Assert.StartsWith("Nhắc hạn", message.Subject, StringComparison.Ordinal);
        }
        var late = MimeMessage.Load(Path.Combine(hub.Outbox, $"reminder_{PlanId}_2026-11_CA_+1.eml"));
        Assert.StartsWith("Đôn đốc", late.Subject, StringComparison.Ordinal);
        Assert.Equal(["ca@binh-chuong.example"], late.To.Mailboxes.Select(m => m.Address));
    }

    /// <summary>The departments a reminder .eml in the outbox names, for one offset.</summary>
    private static List<string> Reminded(DeliveryHost hub, string offset)
    {
        var prefix = $"reminder_{PlanId}_2026-11_";
        var suffix = $"_{offset}.eml";
        return hub.OutboxFiles($"{prefix}*{suffix}").Select(f => f[prefix.Length..^suffix.Length]).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>A department's update for 2026-11, stored as the consumer would store it, received now.</summary>
    private static void Store(DeliveryHost hub, FakeTimeProvider clock, string department, string indicator)
    {
        var message = new DepartmentReportSubmitted
        {
            MessageId = Guid.NewGuid(),
            PlanId = PlanId,
            Department = department,
            Period = "2026-11",
            SubmittedAt = clock.GetUtcNow(),
            Indicators = [new IndicatorValue { Code = indicator, Value = 50 }],
        };
        var catalog = hub.Services.GetRequiredService<PlanCatalog>();
        var result = hub.Services.GetRequiredService<IngestStore>().Store(
            [new IncomingSubmission(message, message.MessageId, JsonSerializer.Serialize(message, PlanJson.Options), clock.GetUtcNow(), null, SubmissionValidator.Validate(message, catalog))]);
        Assert.Equal(IngestOutcome.Accepted, result.Single().Outcome);
    }

    private static async Task<ITrigger?> TriggerAsync(DeliveryHost hub, string name) =>
        await (await hub.SchedulerAsync()).GetTrigger(new TriggerKey(name, ScheduleSync.Job.Group));

    private static async Task<List<string>> TriggerNamesAsync(DeliveryHost hub) =>
        (await (await hub.SchedulerAsync()).GetTriggerKeys(GroupMatcher<TriggerKey>.GroupEquals(ScheduleSync.Job.Group))).Select(k => k.Name).Order(StringComparer.Ordinal).ToList();
}
