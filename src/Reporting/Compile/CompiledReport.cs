using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Plans;

namespace ChuyenDoiSo.Reporting.Compile;

/// <summary>
/// One compiled report (báo cáo tổng hợp) for a plan and a period: what the renderers print and the
/// JSON output carries. A pure value: compiling twice over the same data gives an equal report.
/// </summary>
public sealed record CompiledReport
{
    public required Plan Plan { get; init; }
    public required ReportingPeriod Period { get; init; }
    public required ReportingPeriod PreviousPeriod { get; init; }
    public ReportingPeriod? NextPeriod { get; init; }
    public required IReadOnlyList<IndicatorResult> Indicators { get; init; }
    public required IReadOnlyList<TaskResult> Tasks { get; init; }
    public required IReadOnlyList<SubmissionResult> Submissions { get; init; }
    public required IReadOnlyList<StatisticResult> Statistics { get; init; }
    public required IReadOnlyList<ReportWarning> Warnings { get; init; }
    public required IReadOnlyList<NarrativeEntry> Narratives { get; init; }
    /// <summary>Tasks active in the next period that are not done (nhiệm vụ trọng tâm kỳ tới).</summary>
    public required IReadOnlyList<PlanTask> NextPeriodTasks { get; init; }
    /// <summary>
    /// The commune's own sections as the office wrote them at review (plans with `approval: required`): the newest edit of
    /// each, in the order of <see cref="Approval.ApprovalSections.All"/>; none blank. Empty when the office edited nothing.
    /// </summary>
    public IReadOnlyList<CommuneSection> CommuneSections { get; init; } = [];

    /// <summary>The office's text of one section (<see cref="Approval.ApprovalSections"/>), or null when it wrote none.</summary>
    public string? CommuneSection(string section) => CommuneSections.FirstOrDefault(s => s.Section == section)?.Text;
}

/// <summary>Whether an indicator met its target: yes, no, or not reported.</summary>
public enum Achievement
{
    NotReported,
    Yes,
    No,
}

public sealed record IndicatorResult(
    Indicator Indicator,
    decimal? Value,
    decimal? PreviousValue,
    Achievement Achieved,
    decimal? Numerator,
    decimal? Denominator);

public sealed record TaskResult(
    PlanTask Task,
    Timeframe Timeframe,
    /// <summary>not_started, in_progress, done, or not_reported.</summary>
    string Status,
    decimal? Progress,
    string? Note,
    string? ReportedBy);

/// <summary>Timeliness of a department: on_time, late or missing, judged by when the hub received its first update.</summary>
public sealed record SubmissionResult(
    Department Department,
    string Status,
    DateTimeOffset? ReceivedAt,
    bool Expected);

public sealed record StatisticResult(string Code, decimal Value);

public sealed record ReportWarning(string Code, string Message);

/// <summary>One of the commune's own sections (results, difficulties, proposals, next_tasks) in the office's words.</summary>
public sealed record CommuneSection(string Section, string Text);

/// <summary>A narrative section (results, difficulties, proposals) from one department.</summary>
public sealed record NarrativeEntry(string Section, Department Department, string Text);

public static class SubmissionStatus
{
    public const string OnTime = "on_time";
    public const string Late = "late";
    public const string Missing = "missing";
}
