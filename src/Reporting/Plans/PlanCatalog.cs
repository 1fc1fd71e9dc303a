using ChuyenDoiSo.Reporting.Calendar;

namespace ChuyenDoiSo.Reporting.Plans;

/// <summary>The plans a hub knows, with the holiday calendar their due dates use.</summary>
public sealed class PlanCatalog
{
    private readonly Dictionary<string, Plan> _plans;
    // Every update validated asks for its plan's calendar: compute each plan-year once (plans and holidays are immutable here).
    // Keyed by the plan version itself, not its id: a report compiled against an earlier version (in force at its cut-off)
    // must get that version's calendar, not the current one's.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(Plan Plan, int Year), IReadOnlyList<ReportingPeriod>> _calendars = new(new VersionYearComparer());

    public PlanCatalog(IEnumerable<Plan> plans, HolidayCalendar holidays, IReadOnlyList<PlanProblem>? warnings = null)
    {
        _plans = plans.ToDictionary(p => p.Id, StringComparer.Ordinal);
        Holidays = holidays;
        Warnings = warnings ?? [];
    }

    public HolidayCalendar Holidays { get; }
    public IReadOnlyList<PlanProblem> Warnings { get; }
    public IEnumerable<Plan> Plans => _plans.Values.OrderBy(p => p.Id, StringComparer.Ordinal);

    public Plan? Find(string id) => _plans.GetValueOrDefault(id);

    public IReadOnlyList<ReportingPeriod> CalendarFor(Plan plan, int? year = null) =>
        _calendars.GetOrAdd((plan, year ?? plan.Year), key => ReportingCalendar.For(key.Year, key.Plan.EffectiveCalendar, Holidays));

    // Plan is a record: value equality would compare its lists by reference anyway, and hashing it walks every field.
    private sealed class VersionYearComparer : IEqualityComparer<(Plan Plan, int Year)>
    {
        public bool Equals((Plan Plan, int Year) x, (Plan Plan, int Year) y) => ReferenceEquals(x.Plan, y.Plan) && x.Year == y.Year;
        public int GetHashCode((Plan Plan, int Year) obj) => HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Plan), obj.Year);
    }

    /// <summary>The period with this label, or null; a year far from any plan's (0000, 9999: the calendar would step outside DateOnly) is none.</summary>
    public ReportingPeriod? FindPeriod(Plan plan, string period) =>
        ReportingCalendar.TryParseYear(period, out var year) && year is >= 1000 and <= 9000 ? CalendarFor(plan, year).FirstOrDefault(p => p.Period == period) : null;

    /// <summary>
    /// Loads every *.json plan in a folder (the schema excepted) and holidays from its holidays/ subfolder.
    /// Throws <see cref="PlanFileException"/> listing every error of every file; warnings are kept.
    /// </summary>
    public static PlanCatalog LoadFolder(string folder)
    {
        if (!Directory.Exists(folder))
            throw new PlanFileException(folder, "$", "expected a folder of plan files (seeds/), but it does not exist");
        var holidays = HolidayCalendar.LoadFolder(Path.Combine(folder, "holidays"));
        var plans = new List<Plan>();
        var problems = new List<PlanProblem>();
        // The indicator catalogue (catalogue.json) lives beside the plans but is not one.
        foreach (var file in Directory.EnumerateFiles(folder, "*.json")
                     .Where(f => !f.EndsWith(".schema.json", StringComparison.Ordinal) && Path.GetFileName(f) != Rollup.IndicatorCatalogue.FileName)
                     .Order(StringComparer.Ordinal))
        {
            var result = PlanValidator.Load(file);
            problems.AddRange(result.Problems);
            if (result.IsValid)
            {
                if (plans.Any(p => p.Id == result.Plan!.Id))
                    problems.Add(new PlanProblem(file, "$.id", $"duplicate plan id \"{result.Plan!.Id}\" (another file already has it)"));
                else
                    plans.Add(result.Plan!);
            }
        }
        foreach (var plan in plans)
            if (!holidays.HasYear(plan.Year))
                problems.Add(new PlanProblem(Path.Combine(folder, "holidays"), "$", $"no holiday data for {plan.Year} (plan {plan.Id}): due dates move over weekends only", IsWarning: true));
        if (problems.Any(p => !p.IsWarning)) throw new PlanFileException(problems);
        return new PlanCatalog(plans, holidays, problems);
    }
}
