using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Plans;

namespace ChuyenDoiSo.Reporting.Compile;

/// <summary>Which departments reported on time, late or not at all. Pure.</summary>
public static class SubmissionTimeliness
{
    /// <summary>Departments expected for a period: leads of the plan's indicators and of the tasks active in its window.</summary>
    public static IReadOnlySet<string> Expected(Plan plan, ReportingPeriod period) =>
        plan.Indicators.Select(i => i.Lead)
            .Concat(plan.Tasks.Where(t => TimeframeParser.Parse(t.Timeframe, plan.Year).Overlaps(period.WindowStart, period.CutOff)).Select(t => t.Lead))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// One row per expected department and per department that reported anyway. Judged by the day the hub
    /// first received an update (local time) against the departments' adjusted deadline.
    /// </summary>
    public static IReadOnlyList<SubmissionResult> For(Plan plan, ReportingPeriod period, IReadOnlyList<FirstReceiptRow> receipts)
    {
        var expected = Expected(plan, period);
        var byDepartment = receipts.ToDictionary(r => r.Department, StringComparer.Ordinal);
        var result = new List<SubmissionResult>();
        foreach (var department in plan.Departments)
        {
            var isExpected = expected.Contains(department.Code);
            if (byDepartment.TryGetValue(department.Code, out var receipt))
                result.Add(new SubmissionResult(department, Status(period, receipt.FirstReceivedDate), receipt.FirstReceivedAt, isExpected));
            else if (isExpected)
                result.Add(new SubmissionResult(department, SubmissionStatus.Missing, null, true));
        }
        return result;
    }

    public static string Status(ReportingPeriod period, DateOnly firstReceived) =>
        firstReceived <= period.DepartmentDueDate ? SubmissionStatus.OnTime : SubmissionStatus.Late;
}
