using System.Globalization;
using ChuyenDoiSo.Reporting.Deliver;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Workers.Deliver;
using Quartz;

namespace ChuyenDoiSo.Workers.Schedule;

/// <summary>
/// Keeps Quartz's persistent triggers in step with the plans' calendars at start-up: one trigger per report
/// (all channels) and per reminder. A trigger already stored keeps its state, so one that fired while the hub
/// was down fires once now (misfire: fire now). On the very first start, deadlines already past are not
/// scheduled: `deliver` sends one on demand. Deliveries a crash left open are finished first.
/// </summary>
public sealed class ScheduleSync(
    ISchedulerFactory schedulers,
    PlanRegistry registry,
    DeliveryLedger ledger,
    DeliveryService delivery,
    TimeProvider clock,
    ILogger<ScheduleSync> logger,
    Microsoft.Extensions.Options.IOptions<Wiring.HubOptions> options) : IHostedService
{
    // Read at each use: the plans may have been reloaded since.
    private PlanCatalog catalog => registry.Current;

    public const string FirstStartKey = "first_start";
    public static readonly JobKey Job = new("deliver", "chuyendoiso");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var firstStart = DateTimeOffset.Parse(ledger.InitState(FirstStartKey, now.ToString("O", CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        await ResumeUnfinishedAsync(cancellationToken);

        var scheduler = await schedulers.GetScheduler(cancellationToken);
        if (await scheduler.GetJobDetail(Job, cancellationToken) is null)
            await scheduler.AddJob(JobBuilder.Create<DeliveryJob>().WithIdentity(Job).StoreDurably().Build(), default, cancellationToken);
        await SyncAsync(firstStart, cancellationToken);
    }

    /// <summary>
    /// Brings the triggers in step with the plans now in force: new deadlines added, moved ones moved, and future ones no
    /// plan has any more removed. Sending twice is left to the delivery ledger (one row per plan, period, recipient, channel).
    /// </summary>
    public async Task<(int Added, int Moved, int Removed)> SyncAsync(DateTimeOffset firstStart, CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var wanted = new HashSet<TriggerKey>();
        int added = 0, moved = 0, skipped = 0, removed = 0;
        foreach (var item in DeliverySchedule.For(catalog, null, null, null, options.Value.Approval.ReminderLead).DistinctBy(TriggerName))
        {
            if (item.At < firstStart)
            {
                skipped++;
                continue;
            }
            var key = new TriggerKey(TriggerName(item), "chuyendoiso");
            wanted.Add(key);
            switch (await UpsertAsync(scheduler, Trigger(item, key, Job), cancellationToken))
            {
                case Upsert.Added: added++; break;
                case Upsert.Moved: moved++; break;
            }
        }
        var now = clock.GetUtcNow();
        foreach (var trigger in await scheduler.GetTriggersOfJob(Job, cancellationToken))
        {
            // A deadline already past has fired (or fires once as a misfire): only future ones a plan dropped go.
            if (wanted.Contains(trigger.Key) || trigger.StartTimeUtc <= now) continue;
            await scheduler.UnscheduleJob(trigger.Key, cancellationToken);
            removed++;
        }
        logger.LogInformation("Schedule: {Added} triggers added, {Moved} moved, {Removed} removed, {Skipped} before this hub's first start ({FirstStart:O}) left to `deliver`", added, moved, removed, skipped, firstStart);
        return (added, moved, removed);
    }

    /// <summary>When this hub first started (deadlines before it are never sent by themselves).</summary>
    public DateTimeOffset FirstStart() =>
        DateTimeOffset.Parse(ledger.InitState(FirstStartKey, clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A crash between opening and closing a ledger row leaves it 'sending': send it once more now.</summary>
    private async Task ResumeUnfinishedAsync(CancellationToken cancellationToken)
    {
        foreach (var row in ledger.Unfinished().Where(r => r.DueAt <= clock.GetUtcNow()).DistinctBy(r => (r.PlanId, r.Period)))
        {
            if (catalog.Find(row.PlanId) is not { } plan) continue;
            logger.LogWarning("Resuming delivery of {Plan} {Period} left {Status} by an earlier run", row.PlanId, row.Period, row.Status);
            await delivery.DeliverAsync(plan, row.Period, resend: false, cancellationToken);
        }
    }

    private static string TriggerName(ScheduledItem item) => item.Kind == ScheduledItem.Report ? $"{item.PlanId}|{item.Period}|report" : item.Key;

    /// <summary>One firing of <paramref name="job"/> at the item's time; a firing missed while the hub was down fires once at start.</summary>
    public static ITrigger Trigger(ScheduledItem item, TriggerKey key, JobKey job) =>
        TriggerBuilder.Create()
            .WithIdentity(key)
            .ForJob(job)
            .StartAt(item.At)
            .UsingJobData(DeliveryJob.PlanKey, item.PlanId)
            .UsingJobData(DeliveryJob.PeriodKey, item.Period)
            .UsingJobData(DeliveryJob.KindKey, item.Kind)
            .UsingJobData(DeliveryJob.OffsetKey, (item.ReminderOffsetDays ?? 0).ToString(CultureInfo.InvariantCulture))
            .WithSimpleSchedule(s => s.WithRepeatCount(0).WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();

    public enum Upsert
    {
        Unchanged,
        Added,
        Moved,
    }

    /// <summary>
    /// Adds the trigger, or moves a stored one whose time changed (the plan or its calendar changed); a stored trigger
    /// at the same time is left alone, so its state (fired, misfired) survives a restart. Shared with the roll-up's sync.
    /// </summary>
    public static async Task<Upsert> UpsertAsync(IScheduler scheduler, ITrigger trigger, CancellationToken cancellationToken)
    {
        var existing = await scheduler.GetTrigger(trigger.Key, cancellationToken);
        if (existing is null)
        {
            await scheduler.ScheduleJob(trigger, default, cancellationToken);
            return Upsert.Added;
        }
        if (existing.StartTimeUtc == trigger.StartTimeUtc) return Upsert.Unchanged;
        await scheduler.RescheduleJob(trigger.Key, trigger, cancellationToken);
        return Upsert.Moved;
    }
}
