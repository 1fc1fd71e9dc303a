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
    /// </summary>
    public IReadOnlyList<Deliver.ScheduledItem> Schedule()
    {
        var settings = Body.EffectiveCommuneCalendar;
        var reports = Calendar.SelectMany(p => Body.Channels.Select(channel => new Deliver.ScheduledItem(
            Deliver.ScheduledItem.Report, Body.Id, p.Period, channel,
            channel == "email" ? Body.HigherLevel.Email : Deliver.DeliverySchedule.ForwardRecipient,
            Storage.HubTime.At(p.DueDate, settings.SendTimeOfDay), null)));
        var reminders = Calendar.SelectMany(p => settings.ReminderDays.Select(offset => new Deliver.ScheduledItem(
            Deliver.ScheduledItem.Reminder, Body.Id, p.Period, "email", "communes not yet reported",
            Storage.HubTime.At(p.Communes.AdjustedDueDate.AddDays(offset), Deliver.DeliverySchedule.ReminderTime), offset)));
        return reports.Concat(reminders).OrderBy(i => i.At).ThenBy(i => i.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>The roll-up of one period from what is stored.</summary>
    public RollupReport Compile(SqliteConnection connection, string period)
    {
        var rollupPeriod = FindPeriod(period)
            ?? throw new ArgumentException($"period \"{period}\" is not in {Body.Id}'s calendar; expected one of {string.Join(", ", Calendar.Select(p => p.Period))}", nameof(period));
        return RollupCompiler.Compile(Catalogue, Body, rollupPeriod, Communes, new RollupQueries(connection).Current(period));
    }
}
