using System.Globalization;
using ChuyenDoiSo.Reporting.Approval;
using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Plans;
using Microsoft.Data.Sqlite;

namespace ChuyenDoiSo.Reporting.Compile;

/// <summary>
/// Compiles a plan's report for one period from stored updates. A function of the database and the
/// catalog: it never reads the clock, so compiling the same data twice gives the same report.
/// </summary>
public static class ReportCompiler
{
    /// <summary>A stated rate may differ from its counts by this many points before it is flagged.</summary>
    public const decimal StatedRateTolerance = 0.5m;

    /// <summary>A period in words for official text ("quý I năm 2026"), never its label ("2026-Q1").</summary>
    private static string Words(PlanCatalog catalog, Plan plan, string label) =>
        catalog.FindPeriod(plan, label) is { } p ? p.Kind.ToVietnamese(p.Period, p.Year) : label;

    public static CompiledReport Compile(SqliteConnection connection, PlanCatalog catalog, Plan plan, string periodLabel)
    {
        var period = catalog.FindPeriod(plan, periodLabel)
            ?? throw new ArgumentException($"period \"{periodLabel}\" is not in plan {plan.Id}'s calendar; expected one of {string.Join(", ", catalog.CalendarFor(plan).Select(p => p.Period))}", nameof(periodLabel));
        var queries = new CompileQueries(connection);
        var settings = plan.EffectiveCalendar;
        var previous = ReportingCalendar.Previous(period, settings, catalog.Holidays);
        var next = ReportingCalendar.Next(period, settings, catalog.Holidays);

        var current = Window(queries, plan, period, catalog);
        var before = Window(queries, plan, previous, catalog);
        var warnings = new List<ReportWarning>();

        var indicatorRows = current.Indicators.ToLookup(r => r.Code, StringComparer.Ordinal);
        var previousRows = before.Indicators.ToLookup(r => r.Code, StringComparer.Ordinal);
        var indicators = new List<IndicatorResult>(plan.Indicators.Count);
        foreach (var indicator in plan.Indicators)
        {
            var rows = indicatorRows[indicator.Code].ToList();
            var value = IndicatorAggregation.Aggregate(indicator, rows, current.Order);
            var previousValue = IndicatorAggregation.Aggregate(indicator, previousRows[indicator.Code].ToList(), before.Order);
            indicators.Add(new IndicatorResult(indicator, value.Value, previousValue.Value, IndicatorAggregation.Judge(indicator.Target, value.Value), value.Numerator, value.Denominator));

            foreach (var row in rows.Where(r => r.StatedValue is not null && r.Value is not null && Math.Abs(r.StatedValue.Value - r.Value.Value) > StatedRateTolerance))
                warnings.Add(new ReportWarning("stated_rate_mismatch",
                    $"Chỉ tiêu {indicator.Code} ({DepartmentName(plan, row.Department)}, {Words(catalog, plan, row.Period)}): tỷ lệ báo cáo {F(row.StatedValue!.Value)}% khác tỷ lệ tính từ số liệu {F(row.Numerator ?? 0)}/{F(row.Denominator ?? 0)} = {F(row.Value!.Value)}%."));
            if (indicator.IsPercentage && value.Value is > 100m)
                warnings.Add(new ReportWarning("out_of_range", $"Chỉ tiêu {indicator.Code}: giá trị tổng hợp {F(value.Value.Value)}% vượt quá 100%."));
        }

        var taskRows = current.Tasks.ToLookup(r => r.Code, StringComparer.Ordinal);
        var tasks = new List<TaskResult>(plan.Tasks.Count);
        foreach (var task in plan.Tasks)
        {
            var timeframe = TimeframeParser.Parse(task.Timeframe, plan.Year);
            var latest = taskRows[task.Code]
                .OrderByDescending(r => current.Order.GetValueOrDefault(r.Period))
                .ThenByDescending(r => r.ReceivedAt)
                .FirstOrDefault();
            tasks.Add(latest is null
                ? new TaskResult(task, timeframe, "not_reported", null, null, null)
                : new TaskResult(task, timeframe, latest.Status, latest.Progress, latest.Note, latest.Department));
        }

        var statistics = current.Statistics
            .GroupBy(s => s.Code, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new StatisticResult(g.Key, g.Sum(s => s.Value)))
            .ToList();

        var submissions = SubmissionTimeliness.For(plan, period, queries.FirstReceipts(plan.Id, period.Period));
        foreach (var missing in submissions.Where(s => s.Expected && s.Status == SubmissionStatus.Missing))
            warnings.Add(new ReportWarning("department_silent", $"{missing.Department.Name} chưa gửi báo cáo {period.Kind.ToVietnamese(period.Period, period.Year)}."));

        var narratives = new List<NarrativeEntry>();
        foreach (var row in queries.Narratives(plan.Id, period.Period))
        {
            var department = plan.FindDepartment(row.Department);
            if (department is null) continue;
            if (!string.IsNullOrWhiteSpace(row.Results)) narratives.Add(new NarrativeEntry("results", department, row.Results.Trim()));
            if (!string.IsNullOrWhiteSpace(row.Difficulties)) narratives.Add(new NarrativeEntry("difficulties", department, row.Difficulties.Trim()));
            if (!string.IsNullOrWhiteSpace(row.Proposals)) narratives.Add(new NarrativeEntry("proposals", department, row.Proposals.Trim()));
        }

        // The office's edits at review: the newest per section, read through the approval store that keeps them.
        var edits = new ApprovalStore(connection).CurrentEdits(plan.Id, period.Period);
        var communeSections = ApprovalSections.All
            .Where(s => edits.TryGetValue(s, out var edit) && !string.IsNullOrWhiteSpace(edit.Text))
            .Select(s => new CommuneSection(s, edits[s].Text.Trim()))
            .ToList();

        var done = tasks.Where(t => t.Status == "done").Select(t => t.Task.Code).ToHashSet(StringComparer.Ordinal);
        var nextTasks = tasks.Where(t => !done.Contains(t.Task.Code) && t.Timeframe.Overlaps(next.IncrementStart, next.CutOff)).Select(t => t.Task).ToList();

        return new CompiledReport
        {
            Plan = plan,
            Period = period,
            PreviousPeriod = previous,
            NextPeriod = next,
            Indicators = indicators,
            Tasks = tasks,
            Submissions = submissions,
            Statistics = statistics,
            Warnings = warnings,
            Narratives = narratives,
            NextPeriodTasks = nextTasks,
            CommuneSections = communeSections,
        };
    }

    private sealed record WindowData(
        IReadOnlyList<IndicatorRow> Indicators,
        IReadOnlyList<TaskRow> Tasks,
        IReadOnlyList<StatisticRow> Statistics,
        IReadOnlyDictionary<string, int> Order);

    /// <summary>The updates inside a report's window: its own period and, for a cumulative report, every earlier report of its year.</summary>
    private static WindowData Window(CompileQueries queries, Plan plan, ReportingPeriod period, PlanCatalog catalog)
    {
        var year = catalog.CalendarFor(plan, period.Year);
        var periods = year.Where(p => p.IncrementStart >= period.WindowStart && p.CutOff <= period.CutOff).Select(p => p.Period).ToList();
        var order = year.Select((p, i) => (p.Period, i)).ToDictionary(x => x.Period, x => x.i, StringComparer.Ordinal);
        return new WindowData(queries.Indicators(plan.Id, periods), queries.Tasks(plan.Id, periods), queries.Statistics(plan.Id, periods), order);
    }

    private static string DepartmentName(Plan plan, string code) => plan.FindDepartment(code)?.Name ?? code;

    private static string F(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
