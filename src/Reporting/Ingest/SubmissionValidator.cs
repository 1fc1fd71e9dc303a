using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Plans;

namespace ChuyenDoiSo.Reporting.Ingest;

/// <summary>
/// Checks a department's update against its plan. Pure: every reason names the JSON path and what
/// was expected, and all reasons are collected, not just the first.
/// </summary>
public static class SubmissionValidator
{
    public static readonly IReadOnlySet<string> TaskStatuses = new HashSet<string>(StringComparer.Ordinal) { "not_started", "in_progress", "done" };

    public static IReadOnlyList<RejectionReason> Validate(DepartmentReportSubmitted message, PlanCatalog catalog)
    {
        var reasons = new List<RejectionReason>();
        void Add(string code, string field, string text) => reasons.Add(new RejectionReason(code, field, text));

        if (message.MessageId == Guid.Empty) Add("missing_field", "$.messageId", "expected a non-empty UUID message id");
        if (string.IsNullOrEmpty(message.PlanId))
        {
            // Not an update at all (plain JSON of another shape reads as one with every field missing): say what is missing.
            Add("missing_field", "$.planId", $"expected the plan id, one of {string.Join(", ", catalog.Plans.Select(p => p.Id))}");
            if (string.IsNullOrEmpty(message.Department)) Add("missing_field", "$.department", "expected the department code");
            if (string.IsNullOrEmpty(message.Period)) Add("missing_field", "$.period", "expected the period, e.g. 2026-01 or 2026-Q1");
            return reasons;
        }
        var plan = catalog.Find(message.PlanId);
        if (plan is null)
        {
            Add("unknown_plan", "$.planId", $"unknown plan \"{message.PlanId}\"; expected one of {string.Join(", ", catalog.Plans.Select(p => p.Id))}");
            return reasons;
        }

        var department = plan.FindDepartment(message.Department);
        if (department is null)
            Add("unknown_department", "$.department", $"unknown department \"{message.Department}\" in plan {plan.Id}; expected one of {string.Join(", ", plan.Departments.Select(d => d.Code))}");

        var period = catalog.FindPeriod(plan, message.Period);
        if (period is null || period.Year != plan.Year)
            Add("period_not_in_calendar", "$.period", $"period \"{message.Period}\" is not in plan {plan.Id}'s calendar; expected one of {string.Join(", ", catalog.CalendarFor(plan).Select(p => p.Period))}");

        var seenIndicators = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < message.Indicators.Count; i++)
        {
            var value = message.Indicators[i];
            var path = $"$.indicators[{i}]";
            if (!seenIndicators.Add(value.Code)) Add("duplicate_code", $"{path}.code", $"indicator \"{value.Code}\" appears more than once");
            var indicator = plan.FindIndicator(value.Code);
            if (indicator is null)
            {
                Add("unknown_indicator", $"{path}.code", $"unknown indicator \"{value.Code}\" in plan {plan.Id}");
                continue;
            }
            if (department is not null && !indicator.IsReportableBy(department.Code))
                Add("not_responsible", $"{path}.code", $"department {department.Code} neither leads nor coordinates indicator {indicator.Code} (lead: {indicator.Lead})");
            CheckValue(indicator, value, path, Add);
        }

        var seenTasks = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < message.Tasks.Count; i++)
        {
            var progress = message.Tasks[i];
            var path = $"$.tasks[{i}]";
            if (!seenTasks.Add(progress.Code)) Add("duplicate_code", $"{path}.code", $"task \"{progress.Code}\" appears more than once");
            var task = plan.FindTask(progress.Code);
            if (task is null) Add("unknown_task", $"{path}.code", $"unknown task \"{progress.Code}\" in plan {plan.Id}");
            else if (department is not null && !task.IsReportableBy(department.Code))
                Add("not_responsible", $"{path}.code", $"department {department.Code} neither leads nor coordinates task {task.Code} (lead: {task.Lead})");
            if (!TaskStatuses.Contains(progress.Status))
                Add("invalid_status", $"{path}.status", $"unknown status \"{progress.Status}\"; expected not_started, in_progress or done");
            if (progress.Progress is < 0 or > 100)
                Add("out_of_range", $"{path}.progress", $"expected a percentage 0–100, got {progress.Progress}");
        }

        var seenStatistics = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < message.Statistics.Count; i++)
        {
            var statistic = message.Statistics[i];
            var path = $"$.statistics[{i}]";
            if (string.IsNullOrWhiteSpace(statistic.Code)) Add("missing_field", $"{path}.code", "expected a statistic code such as dossiers_received");
            else if (!seenStatistics.Add(statistic.Code)) Add("duplicate_code", $"{path}.code", $"statistic \"{statistic.Code}\" appears more than once");
            if (statistic.Value is null) Add("missing_field", $"{path}.value", "expected a number");
            else if (statistic.Value < 0) Add("out_of_range", $"{path}.value", $"expected a count of 0 or more, got {statistic.Value}");
        }
        return reasons;
    }

    private static void CheckValue(Indicator indicator, IndicatorValue value, string path, Action<string, string, string> add)
    {
        var hasCounts = value.Numerator is not null || value.Denominator is not null;
        if (value.Value is null && !hasCounts)
        {
            add("missing_field", $"{path}.value", $"expected value, or numerator and denominator, for indicator {indicator.Code}");
            return;
        }
        if (hasCounts)
        {
            if (value.Numerator is null) add("missing_field", $"{path}.numerator", "expected a numerator beside the denominator");
            if (value.Denominator is null) add("missing_field", $"{path}.denominator", "expected a denominator beside the numerator");
            else if (value.Denominator == 0) add("zero_denominator", $"{path}.denominator", "denominator is 0; expected a positive count");
            else if (value.Denominator < 0) add("out_of_range", $"{path}.denominator", $"expected a positive count, got {value.Denominator}");
            if (value.Numerator < 0) add("out_of_range", $"{path}.numerator", $"expected a count of 0 or more, got {value.Numerator}");
            if (value.Numerator is { } n && value.Denominator is { } d && d > 0 && n > d && indicator.IsPercentage)
                add("out_of_range", $"{path}.numerator", $"numerator {n} exceeds denominator {d}: the rate would be over 100%");
        }
        if (value.Value is { } v && indicator.IsPercentage && v is < 0 or > 100)
            add("out_of_range", $"{path}.value", $"indicator {indicator.Code} is a percentage; expected 0–100, got {v}");
        else if (value.Value is < 0)
            add("out_of_range", $"{path}.value", $"expected 0 or more, got {value.Value}");
    }
}
