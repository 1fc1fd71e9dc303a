using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Plans;
using Microsoft.Data.Sqlite;

namespace ChuyenDoiSo.Reporting.Rollup;

/// <summary>What a higher-level hub works from: the indicator catalogue, its body, the holidays and the communes it expects.</summary>
public sealed record RollupSetup(IndicatorCatalogue Catalogue, HigherBody Body, HolidayCalendar Holidays, IReadOnlyList<ExpectedCommune> Communes)
{
    /// <summary>seeds/catalogue.json and seeds/higher/&lt;bodyId&gt;.json, checked against the plans. Throws <see cref="PlanFileException"/>.</summary>
    public static RollupSetup Load(string seeds, string? bodyId, PlanCatalog plans)
    {
        var catalogue = IndicatorCatalogue.Load(Path.Combine(seeds, IndicatorCatalogue.FileName), plans);
        var body = HigherBodyLoader.Load(seeds, bodyId, plans);
        return new RollupSetup(catalogue, body, plans.Holidays, ExpectedFor(body, plans));
    }

    /// <summary>
    /// The communes with the name printed when they send nothing: the plan's commune ("Xã Bình Chương"), and for a
    /// simulated one its base plan's with its number ("Xã Bình Chương (mô phỏng 017)").
    /// </summary>
    public static IReadOnlyList<ExpectedCommune> ExpectedFor(HigherBody body, PlanCatalog plans) =>
        body.Communes.Select(id =>
        {
            var plan = plans.Find(HigherBody.BasePlanId(id));
            var hash = id.IndexOf('#', StringComparison.Ordinal);
            var name = plan is null ? id : hash < 0 ? plan.Commune.FullName : $"{plan.Commune.FullName} (mô phỏng {id[(hash + 1)..]})";
            return new ExpectedCommune(id, name);
        }).ToList();

    public RollupPeriod? FindPeriod(string label) => Body.FindPeriod(Holidays, label);

    public IReadOnlyList<RollupPeriod> Calendar => Body.CalendarFor(Holidays);

    /// <summary>
    /// What this body sends by itself: its roll-up of each period on every channel, at the send time of its own due date;
    /// and reminders to communes that have not reported, at 08:00 on the communes' reminder days around their due date.
    /// A body with `approval: required` also has its draft when the communes' due date has passed, and the approval
    /// reminder <paramref name="approvalReminderLead"/> (24 hours) before its send time.
    /// </summary>
    public IReadOnlyList<Deliver.ScheduledItem> Schedule(TimeSpan? approvalReminderLead = null)
    {
        var settings = Body.EffectiveCommuneCalendar;
        var reports = Calendar.SelectMany(p => Body.Channels.Select(channel => new Deliver.ScheduledItem(
            Deliver.ScheduledItem.Report, Body.Id, p.Period, channel,
            channel == "email" ? Body.HigherLevel.Email : Deliver.DeliverySchedule.ForwardRecipient,
            SendAt(p), null)));
        var reminders = Calendar.SelectMany(p => settings.ReminderDays.Select(offset => new Deliver.ScheduledItem(
            Deliver.ScheduledItem.Reminder, Body.Id, p.Period, "email", "communes not yet reported",
            Storage.HubTime.At(p.Communes.AdjustedDueDate.AddDays(offset), Deliver.DeliverySchedule.ReminderTime), offset)));
        var approvals = !Body.RequiresApproval ? [] : Calendar.SelectMany(p =>
        {
            var draftAt = DraftAt(p);
            var remindAt = Deliver.DeliverySchedule.ApprovalReminderAt(draftAt, SendAt(p), approvalReminderLead ?? Deliver.DeliverySchedule.DefaultApprovalReminderLead);
            var draft = new Deliver.ScheduledItem(Deliver.ScheduledItem.Draft, Body.Id, p.Period, "email", Deliver.DeliverySchedule.ApprovalRecipients, draftAt, null);
            return remindAt is { } at
                ? [draft, new Deliver.ScheduledItem(Deliver.ScheduledItem.ApprovalReminder, Body.Id, p.Period, "email", Deliver.DeliverySchedule.ApprovalRecipients, at, null)]
                : new[] { draft };
        });
        return reports.Concat(reminders).Concat(approvals).OrderBy(i => i.At).ThenBy(i => i.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>When the body's roll-up of a period leaves: the send time on its own due date, Viet Nam time.</summary>
    public DateTimeOffset SendAt(RollupPeriod period) => Storage.HubTime.At(period.DueDate, Body.EffectiveCommuneCalendar.SendTimeOfDay);

    /// <summary>The roll-up's draft: when the communes' (adjusted) due date has passed, at the start of the next day.</summary>
    public static DateTimeOffset DraftAt(RollupPeriod period) => Storage.HubTime.At(period.Communes.AdjustedDueDate.AddDays(1), TimeOnly.MinValue);

    /// <summary>The roll-up of one period from what is stored.</summary>
    public RollupReport Compile(SqliteConnection connection, string period)
    {
        var rollupPeriod = FindPeriod(period)
            ?? throw new ArgumentException($"period \"{period}\" is not in {Body.Id}'s calendar; expected one of {string.Join(", ", Calendar.Select(p => p.Period))}", nameof(period));
        return RollupCompiler.Compile(Catalogue, Body, rollupPeriod, Communes, new RollupQueries(connection).Current(period));
    }
}
