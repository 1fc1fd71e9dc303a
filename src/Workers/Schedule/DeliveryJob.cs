using ChuyenDoiSo.Reporting.Deliver;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Workers.Deliver;
using Quartz;

namespace ChuyenDoiSo.Workers.Schedule;

/// <summary>
/// Fired by Quartz at a report's deadline or a reminder's time. Thin: the ledger inside DeliveryService makes a
/// second firing (a misfire after a restart, a duplicate trigger) send nothing twice.
/// </summary>
[DisallowConcurrentExecution]
public sealed class DeliveryJob(PlanRegistry registry, DeliveryService delivery, Approval.ApprovalService approvals, TimeProvider clock, ILogger<DeliveryJob> logger) : IJob
{
    private PlanCatalog catalog => registry.Current;

    public const string PlanKey = "plan";
    public const string PeriodKey = "period";
    public const string KindKey = "kind";
    public const string OffsetKey = "offset";

    /// <summary>A reminder that fires this late (the hub was down) is stale: a pile of old reminders helps nobody.</summary>
    public static readonly TimeSpan ReminderGrace = TimeSpan.FromHours(12);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var data = context.MergedJobDataMap;
        var planId = data.GetString(PlanKey) ?? "";
        var period = data.GetString(PeriodKey) ?? "";
        var plan = catalog.Find(planId);
        if (plan is null || catalog.FindPeriod(plan, period) is null)
        {
            logger.LogWarning("Trigger {Trigger} names {Plan} {Period}, which the plans no longer have; nothing sent", context.Trigger.Key, planId, period);
            return;
        }
        switch (data.GetString(KindKey))
        {
            case ScheduledItem.Draft:
                var told = await approvals.DraftAsync(plan, period, cancellationToken);
                logger.LogInformation("Draft of {Plan} {Period} compiled; told {Count}: {Users}", planId, period, told.Count, string.Join(", ", told));
                return;
            case ScheduledItem.ApprovalReminder:
                var reminded = await approvals.RemindAsync(plan, period, cancellationToken);
                logger.LogInformation("Approval of {Plan} {Period} awaited; reminded {Count}: {Users}", planId, period, reminded.Count, string.Join(", ", reminded));
                return;
        }
        if (data.GetString(KindKey) == ScheduledItem.Reminder)
        {
            if (context.ScheduledFireTimeUtc is { } scheduled && clock.GetUtcNow() - scheduled > ReminderGrace)
            {
                logger.LogInformation("Skipped the reminder for {Plan} {Period} due {Scheduled:O}: fired {Late} late", planId, period, scheduled, clock.GetUtcNow() - scheduled);
                return;
            }
            var offset = int.Parse(data.GetString(OffsetKey) ?? "0", System.Globalization.CultureInfo.InvariantCulture);
            var reminded = await delivery.RemindAsync(plan, period, offset, cancellationToken);
            logger.LogInformation("Reminded {Count} departments for {Plan} {Period} ({Offset:+0;-0;0} days): {Departments}", reminded.Count, planId, period, offset, string.Join(", ", reminded));
            return;
        }
        foreach (var outcome in await delivery.DeliverAsync(plan, period, resend: false, cancellationToken))
            logger.LogInformation("Report {Plan} {Period} on {Channel} to {Recipient}: {Status} after {Attempts} attempts {Error}",
                outcome.PlanId, outcome.Period, outcome.Channel, outcome.Recipient, outcome.Status, outcome.Attempts, outcome.Error);
    }
}
