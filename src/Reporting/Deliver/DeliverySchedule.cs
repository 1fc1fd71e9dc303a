using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Storage;

namespace ChuyenDoiSo.Reporting.Deliver;

/// <summary>Something the hub sends by itself at a given instant: a report on a channel, or a reminder (đôn đốc).</summary>
public sealed record ScheduledItem(string Kind, string PlanId, string Period, string Channel, string Recipient, DateTimeOffset At, int? ReminderOffsetDays)
{
    public const string Report = "report";
    public const string Reminder = "reminder";
    /// <summary>With `approval: required`: the draft (dự thảo) compiled at the data cut-off, and the office and the signer told.</summary>
    public const string Draft = "draft";
    /// <summary>With `approval: required`: the office and the signer reminded before the send time, if it is not approved yet.</summary>
    public const string ApprovalReminder = "approval_reminder";

    /// <summary>Stable key of the item, used as the Quartz trigger identity.</summary>
    public string Key => Kind switch
    {
        Report => $"{PlanId}|{Period}|{Channel}",
        Draft => $"{PlanId}|{Period}|draft",
        ApprovalReminder => $"{PlanId}|{Period}|approval-reminder",
        _ => $"{PlanId}|{Period}|reminder{ReminderOffsetDays:+0;-0;0}",
    };
}

/// <summary>
/// What goes out when, from each plan's calendar: each report at its send time on its adjusted due date, on
/// every channel the plan names; reminders at 08:00 local on the days around the departments' deadline. A plan with
/// `approval: required` also has its draft at the end of the cut-off day and the approval reminder before the send time. Pure.
/// </summary>
public static class DeliverySchedule
{
    public const string ForwardRecipient = "higher-level-hub";
    public const string ApprovalRecipients = "office and signer";
    public static readonly TimeOnly ReminderTime = new(8, 0);
    /// <summary>Hub:Approval:ReminderHours's default: a day before the send time.</summary>
    public static readonly TimeSpan DefaultApprovalReminderLead = TimeSpan.FromHours(24);

    /// <param name="approvalReminderLead">How long before the send time the office and the signer are reminded; null: 24 hours.</param>
    public static IReadOnlyList<ScheduledItem> For(Plan plan, IReadOnlyList<ReportingPeriod> calendar, TimeSpan? approvalReminderLead = null)
    {
        var settings = plan.EffectiveCalendar;
        var items = new List<ScheduledItem>();
        foreach (var period in calendar)
        {
            var sendAt = SendAt(plan, period);
            foreach (var channel in plan.Channels)
                items.Add(new ScheduledItem(ScheduledItem.Report, plan.Id, period.Period, channel, channel == "email" ? plan.HigherLevel.Email : ForwardRecipient, sendAt, null));
            foreach (var offset in settings.ReminderDays)
                items.Add(new ScheduledItem(ScheduledItem.Reminder, plan.Id, period.Period, "email", "departments not yet reported",
                    HubTime.At(period.DepartmentDueDate.AddDays(offset), ReminderTime), offset));
            if (!plan.RequiresApproval) continue;
            var draftAt = DraftAt(period);
            items.Add(new ScheduledItem(ScheduledItem.Draft, plan.Id, period.Period, "email", ApprovalRecipients, draftAt, null));
            if (ApprovalReminderAt(draftAt, sendAt, approvalReminderLead ?? DefaultApprovalReminderLead) is { } remindAt)
                items.Add(new ScheduledItem(ScheduledItem.ApprovalReminder, plan.Id, period.Period, "email", ApprovalRecipients, remindAt, null));
        }
        return items.OrderBy(i => i.At).ThenBy(i => i.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>When a plan's report for a period leaves: its send time on the adjusted due date, Viet Nam time.</summary>
    public static DateTimeOffset SendAt(Plan plan, ReportingPeriod period) => HubTime.At(period.AdjustedDueDate, plan.EffectiveCalendar.SendTimeOfDay);

    /// <summary>The draft is compiled when the data window closes: the end of the cut-off day (inclusive), Viet Nam time.</summary>
    public static DateTimeOffset DraftAt(ReportingPeriod period) => HubTime.At(period.CutOff.AddDays(1), TimeOnly.MinValue);

    /// <summary>
    /// The approval reminder: <paramref name="lead"/> before the send time; when that is not after the draft (the default
    /// calendar's cut-off is the day before the due date), at 08:00 on the send day instead; none when that is not between
    /// the draft and the send time either.
    /// </summary>
    public static DateTimeOffset? ApprovalReminderAt(DateTimeOffset draftAt, DateTimeOffset sendAt, TimeSpan lead)
    {
        var at = sendAt - lead;
        if (at <= draftAt) at = HubTime.At(HubTime.LocalDate(sendAt), ReminderTime);
        return at > draftAt && at < sendAt ? at : null;
    }

    public static IReadOnlyList<ScheduledItem> For(PlanCatalog catalog, string? planId, DateTimeOffset? from, DateTimeOffset? to, TimeSpan? approvalReminderLead = null) =>
        catalog.Plans.Where(p => planId is null || p.Id == planId)
            .SelectMany(p => For(p, catalog.CalendarFor(p), approvalReminderLead))
            .Where(i => (from is null || i.At >= from) && (to is null || i.At <= to))
            .OrderBy(i => i.At).ThenBy(i => i.Key, StringComparer.Ordinal)
            .ToList();
}
