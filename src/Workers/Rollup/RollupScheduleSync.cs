using ChuyenDoiSo.Reporting.Deliver;
using ChuyenDoiSo.Reporting.Rollup;
using ChuyenDoiSo.Workers.Schedule;
using Quartz;

namespace ChuyenDoiSo.Workers.Rollup;

/// <summary>
/// One level up, keeps Quartz's triggers in step with the body's own due dates (the communes' adjusted due date plus its
/// offset, at the send time): one trigger per roll-up. Same rules as a commune's ScheduleSync: a trigger already stored
/// keeps its state (a missed one fires once on restart), deadlines before the hub's first start are left to `deliver`,
/// and deliveries a crash left open are finished first.
/// </summary>
public sealed class RollupScheduleSync(
    ISchedulerFactory schedulers,
    RollupSetup setup,
    DeliveryLedger ledger,
    RollupDelivery delivery,
    Microsoft.Extensions.Options.IOptions<Wiring.HubOptions> options,
    TimeProvider clock,
    ILogger<RollupScheduleSync> logger) : IHostedService
{
    public static readonly JobKey Job = new("deliver-rollup", "chuyendoiso");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var firstStart = DateTimeOffset.Parse(ledger.InitState(ScheduleSync.FirstStartKey, now.ToString("O", System.Globalization.CultureInfo.InvariantCulture)), System.Globalization.CultureInfo.InvariantCulture);
        foreach (var row in ledger.Unfinished().Where(r => r.PlanId == setup.Body.Id && r.DueAt <= now).DistinctBy(r => r.Period))
        {
            logger.LogWarning("Resuming delivery of the roll-up {Body} {Period} left {Status} by an earlier run", row.PlanId, row.Period, row.Status);
            await delivery.DeliverAsync(row.Period, resend: false, cancellationToken);
        }

        var scheduler = await schedulers.GetScheduler(cancellationToken);
        if (await scheduler.GetJobDetail(Job, cancellationToken) is null)
            await scheduler.AddJob(JobBuilder.Create<RollupDeliveryJob>().WithIdentity(Job).StoreDurably().Build(), default, cancellationToken);
        int added = 0, moved = 0, skipped = 0;
        // One trigger per roll-up (all channels) and per reminder.
        foreach (var item in setup.Schedule(options.Value.Approval.ReminderLead).DistinctBy(i => i.Kind == ScheduledItem.Report ? $"{i.Period}|rollup" : i.Key))
        {
            if (item.At < firstStart)
            {
                skipped++;
                continue;
            }
            var key = new TriggerKey(item.Kind == ScheduledItem.Report ? $"{item.PlanId}|{item.Period}|rollup" : item.Key, "chuyendoiso");
            switch (await ScheduleSync.UpsertAsync(scheduler, ScheduleSync.Trigger(item, key, Job), cancellationToken))
            {
                case ScheduleSync.Upsert.Added: added++; break;
                case ScheduleSync.Upsert.Moved: moved++; break;
            }
        }
        logger.LogInformation("Roll-up schedule for {Body}: {Added} triggers added, {Moved} moved, {Skipped} before this hub's first start left to `deliver --level higher`", setup.Body.Id, added, moved, skipped);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// Fired at the body's due date (rolls up and sends) or a reminder's time (reminds the communes that have sent nothing).
/// The ledger makes a second firing send nothing twice.
/// </summary>
[DisallowConcurrentExecution]
public sealed class RollupDeliveryJob(RollupDelivery delivery, RollupApproval rollupApproval, Approval.ApprovalService approvals, TimeProvider clock, ILogger<RollupDeliveryJob> logger) : IJob
{
    // The same job data as a commune's deliveries (ScheduleSync.Trigger writes both).
    public const string PeriodKey = DeliveryJob.PeriodKey;
    public const string KindKey = DeliveryJob.KindKey;
    public const string OffsetKey = DeliveryJob.OffsetKey;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var data = context.MergedJobDataMap;
        var period = data.GetString(PeriodKey) ?? "";
        switch (data.GetString(KindKey))
        {
            case ScheduledItem.Draft:
                var told = await approvals.DraftAsync(rollupApproval.Subject(period), cancellationToken);
                logger.LogInformation("Draft of the roll-up {Period} compiled; told {Count}: {Users}", period, told.Count, string.Join(", ", told));
                return;
            case ScheduledItem.ApprovalReminder:
                var reminded = await approvals.RemindAsync(rollupApproval.Subject(period), cancellationToken);
                logger.LogInformation("Approval of the roll-up {Period} awaited; reminded {Count}: {Users}", period, reminded.Count, string.Join(", ", reminded));
                return;
        }
        if (data.GetString(KindKey) == ScheduledItem.Reminder)
        {
            // As for departments: a pile of stale reminders after a long outage helps nobody.
            if (context.ScheduledFireTimeUtc is { } scheduled && clock.GetUtcNow() - scheduled > DeliveryJob.ReminderGrace) return;
            var offset = int.Parse(data.GetString(OffsetKey) ?? "0", System.Globalization.CultureInfo.InvariantCulture);
            var reminded = await delivery.RemindAsync(period, offset, cancellationToken);
            logger.LogInformation("Reminded {Count} communes for {Period} ({Offset:+0;-0;0} days): {Communes}", reminded.Count, period, offset, string.Join(", ", reminded));
            return;
        }
        foreach (var outcome in await delivery.DeliverAsync(period, resend: false, cancellationToken))
            logger.LogInformation("Roll-up {Body} {Period} on {Channel} to {Recipient}: {Status} after {Attempts} attempts {Error}",
                outcome.PlanId, outcome.Period, outcome.Channel, outcome.Recipient, outcome.Status, outcome.Attempts, outcome.Error);
    }
}
