using System.Diagnostics.Metrics;
using ChuyenDoiSo.Reporting.Ingest;
using ChuyenDoiSo.Reporting.Operations;
using ChuyenDoiSo.Reporting.Plans;

namespace ChuyenDoiSo.Workers.Operations;

/// <summary>
/// The hub's own meter ("ChuyenDoiSo.Hub"), exported at /metrics beside MassTransit's. Ingest and delivery call one
/// method each; queue depth comes from <see cref="QueueDepthMonitor"/>'s last reading, the next deadline from the calendar.
/// </summary>
public sealed class HubMetrics
{
    public const string MeterName = "ChuyenDoiSo.Hub";

    private readonly Counter<long> _updates;
    private readonly Counter<long> _rejectionReasons;
    private readonly Counter<long> _compiled;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _reminders;
    private volatile IReadOnlyList<(string Queue, long Messages)> _queues = [];

    public HubMetrics(IMeterFactory meters, PlanRegistry registry, TimeProvider clock, Reporting.Storage.HubDatabase database)
    {
        var meter = meters.Create(MeterName);
        _updates = meter.CreateCounter<long>("hub.updates", "{update}", "Department updates received, by outcome: accepted, duplicate, conflict, rejected");
        _rejectionReasons = meter.CreateCounter<long>("hub.update.rejections", "{reason}", "Reasons updates were rejected for, by reason code");
        _compiled = meter.CreateCounter<long>("hub.reports.compiled", "{report}", "Reports compiled for delivery");
        _delivered = meter.CreateCounter<long>("hub.reports.delivered", "{delivery}", "Report deliveries, by channel and status: sent, pending, failed");
        _reminders = meter.CreateCounter<long>("hub.reminders.sent", "{reminder}", "Reminders sent to departments that had not reported");
        meter.CreateObservableGauge("hub.queue.depth", () => _queues.Select(q => new Measurement<long>(q.Messages, new KeyValuePair<string, object?>("queue", q.Queue))),
            "{message}", "Messages ready in the hub's queues (RabbitMQ only)");
        // The registry's current catalogue at each scrape: a plan added or changed while running shows its own deadline.
        meter.CreateObservableGauge("hub.deadline.next", () => NextDeadlines.For(registry.Current, clock.GetUtcNow())
                .Select(d => new Measurement<double>(d.Until(clock.GetUtcNow()).TotalSeconds, new KeyValuePair<string, object?>("plan", d.PlanId), new KeyValuePair<string, object?>("period", d.Period.Period))),
            "s", "Seconds until each plan's next report is due to leave");
        // Read from hub.db at each scrape: the CLI's `approve` changes them from another process.
        meter.CreateObservableGauge("hub.reports.awaiting_approval", () => ApprovalCounts(database).Awaiting,
            "{report}", "Reports of plans with approval: required whose draft is out and not approved yet");
        meter.CreateObservableGauge("hub.reports.overdue", () => ApprovalCounts(database).Overdue,
            "{report}", "Reports whose send time passed unsent because they await approval (ledger: awaiting_approval)");
    }

    private static (long Awaiting, long Overdue) ApprovalCounts(Reporting.Storage.HubDatabase database)
    {
        using var connection = database.Open();
        return new Reporting.Approval.ApprovalStore(connection).Counts();
    }

    /// <summary>The outcomes, channels and statuses the counters are documented with (README "Operations").</summary>
    public static readonly string[] Outcomes = ["accepted", "duplicate", "conflict", "rejected"];
    public static readonly string[] Channels = ["email", "forward"];
    public static readonly string[] DeliveryStatuses = ["sent", "pending", "failed"];

    /// <summary>
    /// Adds 0 to every counter with each documented tag set, so /metrics lists them from the start: a Counter appears only
    /// after its first Add, and an alert rule on a series that does not exist yet never fires. Called once the exporter
    /// listens (at ApplicationStarted), since a measurement made before that is not seen.
    /// </summary>
    public void Announce()
    {
        foreach (var outcome in Outcomes) _updates.Add(0, new KeyValuePair<string, object?>("outcome", outcome));
        _rejectionReasons.Add(0);
        _compiled.Add(0);
        foreach (var channel in Channels)
            foreach (var status in DeliveryStatuses)
                _delivered.Add(0, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("status", status));
        _reminders.Add(0);
    }

    public void Ingested(IngestResult result)
    {
        _updates.Add(1, new KeyValuePair<string, object?>("outcome", result.Outcome.ToString().ToLowerInvariant()));
        foreach (var code in result.Reasons.Select(r => r.Code).Distinct(StringComparer.Ordinal))
            _rejectionReasons.Add(1, new KeyValuePair<string, object?>("reason", code));
    }

    public void Compiled() => _compiled.Add(1);

    public void Delivered(string channel, string status) =>
        _delivered.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("status", status));

    public void RemindersSent(int count) => _reminders.Add(count);

    public void QueueDepths(IReadOnlyList<(string Queue, long Messages)> queues) => _queues = queues;
}
