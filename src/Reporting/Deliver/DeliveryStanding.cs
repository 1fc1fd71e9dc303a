namespace ChuyenDoiSo.Reporting.Deliver;

/// <summary>
/// One report on one channel as it stands now: the schedule's due instant joined with the ledger's row. Status is the
/// ledger's (sent, pending, sending, failed), or <see cref="DeliveryStanding.NotSent"/> when it is due and the ledger
/// has nothing, or <see cref="DeliveryStanding.NotDue"/> when its time has not come.
/// </summary>
public sealed record DeliveryStandingRow(string PlanId, string Period, string Channel, string Recipient, DateTimeOffset DueAt, string Status, DateTimeOffset? SentAt, long Attempts, string? LastError)
{
    /// <summary>What an operator must look at: due and not sent, failed, waiting for another try, or left mid-send.</summary>
    public bool NeedsAttention => Status is DeliveryStanding.NotSent or "failed" or "pending" or "sending" or DeliveryLedger.AwaitingApproval;
}

/// <summary>What should have gone out and what did, from the schedule and the ledger. Pure: "now" is an input.</summary>
public static class DeliveryStanding
{
    public const string NotSent = "not_sent";
    public const string NotDue = "not_due";

    /// <summary>
    /// Every scheduled report (reminders are not in the ledger), with its ledger row when there is one; plus ledger rows
    /// of the same senders the schedule does not have (a report sent on demand for a period no longer in the calendar).
    /// A period whose time has not come is never "not sent": it is not due.
    /// </summary>
    public static IReadOnlyList<DeliveryStandingRow> For(IReadOnlyList<ScheduledItem> schedule, IReadOnlyList<DeliveryRow> ledger, DateTimeOffset now)
    {
        var senders = schedule.Select(i => i.PlanId).ToHashSet(StringComparer.Ordinal);
        var recorded = ledger.Where(r => senders.Contains(r.PlanId))
            .GroupBy(r => (r.PlanId, r.Period, r.Channel))
            .ToDictionary(g => g.Key, g => g.OrderByDescending(r => r.Id).First());
        var rows = new List<DeliveryStandingRow>();
        var seen = new HashSet<(string, string, string)>();
        foreach (var item in schedule.Where(i => i.Kind == ScheduledItem.Report))
        {
            var key = (item.PlanId, item.Period, item.Channel);
            if (!seen.Add(key)) continue;
            rows.Add(recorded.TryGetValue(key, out var r)
                ? new DeliveryStandingRow(item.PlanId, item.Period, item.Channel, r.Recipient, item.At, r.Status, r.SentAt, r.Attempts, r.LastError)
                : new DeliveryStandingRow(item.PlanId, item.Period, item.Channel, item.Recipient, item.At, item.At <= now ? NotSent : NotDue, null, 0, null));
        }
        foreach (var (key, r) in recorded.Where(x => !seen.Contains(x.Key)))
            rows.Add(new DeliveryStandingRow(r.PlanId, r.Period, r.Channel, r.Recipient, r.DueAt, r.Status, r.SentAt, r.Attempts, r.LastError));
        return rows.OrderBy(r => r.DueAt).ThenBy(r => r.PlanId, StringComparer.Ordinal).ThenBy(r => r.Channel, StringComparer.Ordinal).ToList();
    }
}
