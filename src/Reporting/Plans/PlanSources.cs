namespace ChuyenDoiSo.Reporting.Plans;

/// <summary>The plan's values with where each came from, for the table and the dashboard.</summary>
public static class PlanSources
{
    public const string AssumedMark = "GIẢ ĐỊNH";

    public static int AssumedCount(Plan plan) =>
        plan.Indicators.Sum(i => i.Provenance?.Entries.Count(e => e.Value.IsAssumed) ?? 0) +
        plan.Tasks.Sum(t => t.Provenance?.Entries.Count(e => e.Value.IsAssumed) ?? 0);

    /// <summary>"GIẢ ĐỊNH: reason", "theo kế hoạch: words", or "" when unmarked.</summary>
    public static string Source(Provenance? provenance) => provenance switch
    {
        null => "",
        { IsAssumed: true } => $"{AssumedMark}: {provenance.Reason}",
        _ => provenance.Words is { Length: > 0 } w ? $"theo kế hoạch: \"{w}\"" : "theo kế hoạch",
    };

    public static IEnumerable<IReadOnlyList<string>> Rows(Plan plan)
    {
        string Departments(IReadOnlyList<string> codes) => codes.Count == 0 ? "-" : string.Join(", ", codes);
        foreach (var i in plan.Indicators)
        {
            var item = $"chỉ tiêu {i.Code}";
            yield return [item, "lead", i.Lead, Source(i.Provenance?.Lead)];
            if (i.Coordinators.Count > 0 || i.Provenance?.Coordinators is not null)
                yield return [item, "coordinators", Departments(i.Coordinators), Source(i.Provenance?.Coordinators)];
            yield return [item, "target", i.Target.Text ?? i.Target.ToString(), Source(i.Provenance?.Target)];
        }
        foreach (var t in plan.Tasks)
        {
            var item = $"nhiệm vụ {t.Code}";
            yield return [item, "lead", t.Lead, Source(t.Provenance?.Lead)];
            if (t.Coordinators.Count > 0 || t.Provenance?.Coordinators is not null)
                yield return [item, "coordinators", Departments(t.Coordinators), Source(t.Provenance?.Coordinators)];
            yield return [item, "timeframe", t.Timeframe, Source(t.Provenance?.Timeframe)];
        }
    }
}
