using System.Text.Json;
using System.Text.Json.Serialization;
using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Plans;

namespace ChuyenDoiSo.Reporting.Render;

/// <summary>The compiled report as JSON: what `compile --format json` prints and what is forwarded to the higher-level hub.</summary>
public static class JsonReportRenderer
{
    public sealed record ReportJson(
        string PlanId,
        string Commune,
        string Period,
        string Kind,
        DateOnly WindowStart,
        DateOnly CutOff,
        DateOnly DueDate,
        DateOnly AdjustedDueDate,
        IReadOnlyList<IndicatorJson> Indicators,
        IReadOnlyList<TaskJson> Tasks,
        IReadOnlyList<SubmissionJson> Submissions,
        IReadOnlyList<StatisticResult> Statistics,
        IReadOnlyList<ReportWarning> Warnings,
        IReadOnlyList<NarrativeJson> Narratives,
        // Absent when the office wrote none, so a report without review reads as before (and older readers skip it).
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<CommuneSection>? CommuneSections = null);

    public sealed record TargetJson(string Op, decimal? Value);

    public sealed record IndicatorJson(string Code, string Group, string Name, string Unit, TargetJson? Target, decimal? Value, decimal? PreviousValue, string Achieved, string Lead, decimal? Numerator, decimal? Denominator);

    public sealed record TaskJson(string Code, string Status, decimal? Progress, string Lead, string? ReportedBy);

    public sealed record SubmissionJson(string Department, string Status, DateTimeOffset? ReceivedAt, bool Expected);

    public sealed record NarrativeJson(string Section, string Department, string Text);

    public static ReportJson ToJson(CompiledReport report) => new(
        report.Plan.Id,
        report.Plan.Commune.FullName,
        report.Period.Period,
        report.Period.Kind.ToLabel(),
        report.Period.WindowStart,
        report.Period.CutOff,
        report.Period.DueDate,
        report.Period.AdjustedDueDate,
        report.Indicators.Select(i => new IndicatorJson(
            i.Indicator.Code, i.Indicator.Group, i.Indicator.Name, i.Indicator.Unit,
            new TargetJson(i.Indicator.Target.Op, i.Indicator.Target.Value),
            i.Value, i.PreviousValue, AchievedLabel(i.Achieved), i.Indicator.Lead, i.Numerator, i.Denominator)).ToList(),
        report.Tasks.Select(t => new TaskJson(t.Task.Code, t.Status, t.Progress, t.Task.Lead, t.ReportedBy)).ToList(),
        report.Submissions.Select(s => new SubmissionJson(s.Department.Code, s.Status, s.ReceivedAt, s.Expected)).ToList(),
        report.Statistics,
        report.Warnings,
        report.Narratives.Select(n => new NarrativeJson(n.Section, n.Department.Code, n.Text)).ToList(),
        report.CommuneSections.Count > 0 ? report.CommuneSections : null);

    public static string Render(CompiledReport report) => JsonSerializer.Serialize(ToJson(report), PlanJson.Indented);

    public static string AchievedLabel(Achievement achieved) => achieved switch
    {
        Achievement.Yes => "yes",
        Achievement.No => "no",
        _ => "not_reported",
    };
}
