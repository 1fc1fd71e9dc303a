using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Storage;

namespace ChuyenDoiSo.Reporting.Deliver;

/// <summary>Something the hub sends by itself at a given instant: a report on a channel, or a reminder (đôn đốc).</summary>
public sealed record ScheduledItem(string Kind, string PlanId, string Period, string Channel, string Recipient, DateTimeOffset At, int? ReminderOffsetDays)
{
    public const string Report = "report";
    public const string Reminder = "reminder";

    /// <summary>Stable key of the item, used as the Quartz trigger identity.</summary>
    public string Key => Kind == Report ? $"{PlanId}|{Period}|{Channel}" : $"{PlanId}|{Period}|reminder{ReminderOffsetDays:+0;-0;0}";
}

/// <summary>
/// What goes out when, from each plan's calendar: each report at its send time on its adjusted due date, on
/// every channel the plan names; reminders at 08:00 local on the days around the departments' deadline. Pure.
/// </summary>
public static class DeliverySchedule
{
    public const string ForwardRecipient = "higher-level-hub";
    public static readonly TimeOnly ReminderTime = new(8, 0);

    public static IReadOnlyList<ScheduledItem> For(Plan plan, IReadOnlyList<ReportingPeriod> calendar)
    {
        var settings = plan.EffectiveCalendar;
        var items = new List<ScheduledItem>();
        foreach (var period in calendar)
        {
            var sendAt = HubTime.At(period.AdjustedDueDate, settings.SendTimeOfDay);
            foreach (var channel in plan.Channels)
                items.Add(new ScheduledItem(ScheduledItem.Report, plan.Id, period.Period, channel, channel == "email" ? plan.HigherLevel.Email : ForwardRecipient, sendAt, null));
            foreach (var offset in settings.ReminderDays)
                items.Add(new ScheduledItem(ScheduledItem.Reminder, plan.Id, period.Period, "email", "departments not yet reported",
                    HubTime.At(period.DepartmentDueDate.AddDays(offset), ReminderTime), offset));
        }
        return items.OrderBy(i => i.At).ThenBy(i => i.Key, StringComparer.Ordinal).ToList();
    }

    public static IReadOnlyList<ScheduledItem> For(PlanCatalog catalog, string? planId, DateTimeOffset? from, DateTimeOffset? to) =>
        catalog.Plans.Where(p => planId is null || p.Id == planId)
            .SelectMany(p => For(p, catalog.CalendarFor(p)))
            .Where(i => (from is null || i.At >= from) && (to is null || i.At <= to))
            .OrderBy(i => i.At).ThenBy(i => i.Key, StringComparer.Ordinal)
            .ToList();
}
