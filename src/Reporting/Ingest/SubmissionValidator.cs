using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Plans;

namespace ChuyenDoiSo.Reporting.Ingest;

/// <summary>
/// Checks a department's update against its plan. Pure: every reason names the JSON path and what
/// was expected, and all reasons are collected, not just the first.
/// </summary>
public static partial class SubmissionValidator
{
    public static readonly IReadOnlySet<string> TaskStatuses = new HashSet<string>(StringComparer.Ordinal) { "not_started", "in_progress", "done" };

    /// <summary>
    /// The administrative-procedure statistics (thủ tục hành chính) every commune reports, whatever its plan lists;
    /// beside them a plan's own statistic codes (its <c>statistics</c>) are accepted. All count dossiers.
    /// </summary>
    public static readonly IReadOnlySet<string> StandardStatistics = new HashSet<string>(StringComparer.Ordinal)
    {
        "dossiers_received", "dossiers_resolved", "dossiers_early", "dossiers_on_time", "dossiers_early_or_on_time",
        "dossiers_overdue", "dossiers_in_progress", "dossiers_online", "payments_online",
    };

    /// <param name="now">
    /// When the hub received the update (its clock, or a paper report's --received-at, which `ingest` holds to the clock), for
    /// "not sent after it arrived" (submittedAt); null skips that check (no clock here).
    /// </param>
    public static IReadOnlyList<RejectionReason> Validate(DepartmentReportSubmitted message, PlanCatalog catalog, DateTimeOffset? now = null)
    {
        var reasons = new List<RejectionReason>();
        void Add(string code, string field, string text) => reasons.Add(new RejectionReason(code, field, text));
        bool Text(string? value, string field, int max, bool multiLine)
        {
            if (value is null || TextLimits.Check(value, max, multiLine) is not { } problem) return true;
            Add(value.Length > max ? "too_long" : "invalid_text", field, $"{TextLimits.Quote(value)}: {problem}");
            return false;
        }
        void Count(int count, string field)
        {
            if (count > SubmissionLimits.MaxItems) Add("too_many", field, $"{count:N0} items; at most {SubmissionLimits.MaxItems} are accepted");
        }

        if (message.MessageId == Guid.Empty) Add("invalid_message_id", "$.messageId", "expected a UUID message id other than the zero UUID");
        var identifiers = Text(message.PlanId, "$.planId", SubmissionLimits.MaxCodeChars, false)
                          & Text(message.Department, "$.department", SubmissionLimits.MaxCodeChars, false)
                          & Text(message.Period, "$.period", SubmissionLimits.MaxCodeChars, false);
        Text(message.SubmittedBy, "$.submittedBy", SubmissionLimits.MaxSubmittedByChars, false);
        Text(message.Narrative?.Results, "$.narrative.results", SubmissionLimits.MaxNarrativeChars, true);
        Text(message.Narrative?.Difficulties, "$.narrative.difficulties", SubmissionLimits.MaxNarrativeChars, true);
        Text(message.Narrative?.Proposals, "$.narrative.proposals", SubmissionLimits.MaxNarrativeChars, true);
        Count(message.Indicators.Count, "$.indicators");
        Count(message.Tasks.Count, "$.tasks");
        Count(message.Statistics.Count, "$.statistics");
        if (now is { } clock && message.SubmittedAt is { } at && at > clock + SubmissionLimits.ClockSkew)
            Add("in_future", "$.submittedAt", $"{at.ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture)} is after the update was received ({clock.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)}) by more than {SubmissionLimits.ClockSkew.TotalMinutes:0} minutes");
        if (!identifiers || reasons.Count > 0 && reasons.Any(r => r.Code == "too_many")) return reasons;
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
            Add("unknown_plan", "$.planId", $"unknown plan {TextLimits.Quote(message.PlanId)}; expected one of {string.Join(", ", catalog.Plans.Select(p => p.Id))}");
            return reasons;
        }

        var department = plan.FindDepartment(message.Department);
        if (department is null)
            Add("unknown_department", "$.department", $"unknown department {TextLimits.Quote(message.Department)} in plan {plan.Id}; expected one of {string.Join(", ", plan.Departments.Select(d => d.Code))}");

        // Only the plan's own year is looked up: a label of another year (0000-01, 9999-FY) never reaches the calendar.
        var period = PeriodRegex().IsMatch(message.Period) && ReportingCalendarYear(message.Period) == plan.Year ? catalog.FindPeriod(plan, message.Period) : null;
        if (period is null)
            Add("period_not_in_calendar", "$.period", $"period {TextLimits.Quote(message.Period)} is not in plan {plan.Id}'s calendar; expected one of {string.Join(", ", catalog.CalendarFor(plan).Select(p => p.Period))}");

        var seenIndicators = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < message.Indicators.Count; i++)
        {
            var value = message.Indicators[i];
            var path = $"$.indicators[{i}]";
            if (!Text(value.Code, $"{path}.code", SubmissionLimits.MaxCodeChars, false)) continue;
            if (!seenIndicators.Add(value.Code)) Add("duplicate_code", $"{path}.code", $"indicator {TextLimits.Quote(value.Code)} appears more than once");
            var indicator = plan.FindIndicator(value.Code);
            if (indicator is null)
            {
                Add("unknown_indicator", $"{path}.code", $"unknown indicator {TextLimits.Quote(value.Code)} in plan {plan.Id}");
                continue;
            }
            if (!Representable(value.Value, $"{path}.value", Add) | !Representable(value.Numerator, $"{path}.numerator", Add) | !Representable(value.Denominator, $"{path}.denominator", Add))
                continue;
            if (department is not null && !indicator.IsReportableBy(department.Code))
                Add("not_responsible", $"{path}.code", $"department {department.Code} neither leads nor coordinates indicator {indicator.Code} (lead: {indicator.Lead})");
            CheckValue(indicator, value, path, Add);
        }

        var seenTasks = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < message.Tasks.Count; i++)
        {
            var progress = message.Tasks[i];
            var path = $"$.tasks[{i}]";
            Text(progress.Note, $"{path}.note", SubmissionLimits.MaxNoteChars, true);
            if (!Text(progress.Code, $"{path}.code", SubmissionLimits.MaxCodeChars, false) | !Text(progress.Status, $"{path}.status", SubmissionLimits.MaxCodeChars, false)) continue;
            if (!seenTasks.Add(progress.Code)) Add("duplicate_code", $"{path}.code", $"task {TextLimits.Quote(progress.Code)} appears more than once");
            var task = plan.FindTask(progress.Code);
            if (task is null) Add("unknown_task", $"{path}.code", $"unknown task {TextLimits.Quote(progress.Code)} in plan {plan.Id}");
            else if (department is not null && !task.IsReportableBy(department.Code))
                Add("not_responsible", $"{path}.code", $"department {department.Code} neither leads nor coordinates task {task.Code} (lead: {task.Lead})");
            if (!TaskStatuses.Contains(progress.Status))
                Add("invalid_status", $"{path}.status", $"unknown status {TextLimits.Quote(progress.Status)}; expected not_started, in_progress or done");
            if (!Representable(progress.Progress, $"{path}.progress", Add)) { }
            else if (progress.Progress is < 0 or > 100)
                Add("out_of_range", $"{path}.progress", $"expected a percentage 0–100, got {progress.Progress}");
        }

        var seenStatistics = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < message.Statistics.Count; i++)
        {
            var statistic = message.Statistics[i];
            var path = $"$.statistics[{i}]";
            var known = plan.Statistics.FirstOrDefault(s => s.Code == statistic.Code);
            if (string.IsNullOrWhiteSpace(statistic.Code)) Add("missing_field", $"{path}.code", "expected a statistic code such as dossiers_received");
            else if (!Text(statistic.Code, $"{path}.code", SubmissionLimits.MaxCodeChars, false)) { }
            else if (!seenStatistics.Add(statistic.Code)) Add("duplicate_code", $"{path}.code", $"statistic {TextLimits.Quote(statistic.Code)} appears more than once");
            else if (known is null && !StandardStatistics.Contains(statistic.Code))
                Add("unknown_statistic", $"{path}.code", $"unknown statistic {TextLimits.Quote(statistic.Code)} in plan {plan.Id}; expected one of {string.Join(", ", StandardStatistics.Concat(plan.Statistics.Select(s => s.Code)).Distinct().Order(StringComparer.Ordinal))}");
            if (statistic.Value is null) Add("missing_field", $"{path}.value", "expected a number");
            else if (!Representable(statistic.Value, $"{path}.value", Add)) { }
            else if (statistic.Value < 0) Add("out_of_range", $"{path}.value", $"expected a count of 0 or more, got {statistic.Value}");
            else if ((known is null || Units.CountsThings(known.Unit)) && !NumberLimits.IsWhole(statistic.Value.Value))
                Add("not_whole", $"{path}.value", $"statistic {statistic.Code} counts things ({known?.Unit ?? "hồ sơ"}); expected a whole number, got {statistic.Value}");
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
            if (value.Numerator is { } wn && !NumberLimits.IsWhole(wn)) add("not_whole", $"{path}.numerator", $"a numerator counts things; expected a whole number, got {wn}");
            if (value.Denominator is { } wd && !NumberLimits.IsWhole(wd)) add("not_whole", $"{path}.denominator", $"a denominator counts things; expected a whole number, got {wd}");
            if (value.Numerator is { } n && value.Denominator is { } d && d > 0 && n > d && indicator.IsPercentage)
                add("out_of_range", $"{path}.numerator", $"numerator {n} exceeds denominator {d}: the rate would be over 100%");
        }
        if (value.Value is { } v && indicator.IsPercentage && v is < 0 or > 100)
            add("out_of_range", $"{path}.value", $"indicator {indicator.Code} is a percentage; expected 0–100, got {v}");
        else if (value.Value is < 0)
            add("out_of_range", $"{path}.value", $"expected 0 or more, got {value.Value}");
        else if (value.Value is { } whole && indicator.CountsThings && !NumberLimits.IsWhole(whole))
            add("not_whole", $"{path}.value", $"indicator {indicator.Code} counts things ({indicator.Unit}); expected a whole number, got {whole}");
    }

    /// <summary>A number within what the hub holds exactly (<see cref="NumberLimits"/>); else a reason.</summary>
    private static bool Representable(decimal? value, string path, Action<string, string, string> add)
    {
        if (value is not { } v || NumberLimits.Check(v) is not { } problem) return true;
        add("out_of_range", path, $"{v.ToString(System.Globalization.CultureInfo.InvariantCulture)} is {problem}");
        return false;
    }

    private static int ReportingCalendarYear(string period) => Calendar.ReportingCalendar.TryParseYear(period, out var year) ? year : -1;

    [System.Text.RegularExpressions.GeneratedRegex("^[0-9]{4}-(0[1-9]|1[0-2]|Q1|H1|9M|FY)\\z", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex PeriodRegex();
}
