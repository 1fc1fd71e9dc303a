using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Render;

namespace ChuyenDoiSo.Reporting.Approval;

/// <summary>The kinds of thing in a draft that need the office's decision before it goes to the signer.</summary>
public static class FindingKinds
{
    public const string DepartmentMissing = "department_missing";
    public const string DepartmentLate = "department_late";
    public const string DepartmentReturned = "department_returned";
    public const string IndicatorWithoutValue = "indicator_without_value";
    public const string CompileWarning = "compile_warning";
    public const string FarFromPrevious = "far_from_previous";
    public const string CountFell = "count_fell";
    public const string TaskOverdue = "task_overdue";
}

/// <summary>One thing to decide, with the department it concerns (whose update the office may send back) when there is one.</summary>
public sealed record ReviewFinding(string Kind, string Text, string? Department = null);

/// <summary>A department's standing in the draft: on time, late, missing, or sent back by the office and not yet corrected.</summary>
public sealed record ReviewDepartment(string Code, string Name, string Status, DateTimeOffset? ReceivedAt, bool Expected, ApprovalReturnRow? Returned);

/// <summary>
/// What the review page (and `drafts`) shows beside a draft: pure, from the compiled report and the office's returns, no
/// clock. Text is Vietnamese (the office reads it); kinds are <see cref="FindingKinds"/>.
/// </summary>
public static class ReviewFindings
{
    /// <summary>A value that moved by more than this share of the previous period's is worth a second look.</summary>
    public const decimal FarShare = 0.5m;

    /// <param name="latestReceipts">Each department's newest update for the period (the one counted), by code.</param>
    public static IReadOnlyList<ReviewDepartment> Departments(CompiledReport report, IReadOnlyList<ApprovalReturnRow> returns, IReadOnlyDictionary<string, DateTimeOffset> latestReceipts) =>
        report.Submissions.Where(s => s.Expected || s.ReceivedAt is not null)
            .Select(s => new ReviewDepartment(s.Department.Code, s.Department.Name, s.Status, s.ReceivedAt, s.Expected, StillReturned(s.Department.Code, returns, latestReceipts)))
            .ToList();

    /// <summary>The office's latest return of the department's update, while no newer version came; else null.</summary>
    public static ApprovalReturnRow? StillReturned(string department, IReadOnlyList<ApprovalReturnRow> returns, IReadOnlyDictionary<string, DateTimeOffset> latestReceipts) =>
        returns.LastOrDefault(r => r.Department == department) is { } returned
        && ApprovalWorkflow.IsStillReturned(returned.ReturnedAt, latestReceipts.TryGetValue(department, out var at) ? at : null)
            ? returned
            : null;

    /// <param name="latestReceipts">Each department's newest update for the period (the one counted), by code.</param>
    public static IReadOnlyList<ReviewFinding> For(CompiledReport report, IReadOnlyList<ApprovalReturnRow> returns, IReadOnlyDictionary<string, DateTimeOffset> latestReceipts)
    {
        var findings = new List<ReviewFinding>();
        var plan = report.Plan;
        foreach (var s in report.Submissions.Where(s => s.Expected || s.ReceivedAt is not null))
        {
            if (s.Status == SubmissionStatus.Missing && s.Expected)
                findings.Add(new(FindingKinds.DepartmentMissing, $"{s.Department.Name} chưa gửi báo cáo.", s.Department.Code));
            else if (s.Status == SubmissionStatus.Late)
                findings.Add(new(FindingKinds.DepartmentLate, $"{s.Department.Name} gửi báo cáo trễ hạn.", s.Department.Code));
            if (StillReturned(s.Department.Code, returns, latestReceipts) is { } returned)
                findings.Add(new(FindingKinds.DepartmentReturned, $"{s.Department.Name} đã bị trả lại, chưa gửi bản sửa: {returned.Comment}", s.Department.Code));
        }
        foreach (var i in report.Indicators)
        {
            var lead = i.Indicator.Lead;
            var name = $"Chỉ tiêu \"{i.Indicator.Name}\"";
            if (i.Value is not { } value)
            {
                findings.Add(new(FindingKinds.IndicatorWithoutValue, $"{name} chưa có số liệu ({ReportText.DepartmentName(plan, lead)} chủ trì).", lead));
                continue;
            }
            if (i.PreviousValue is not { } previous) continue;
            // A state the plan counts (systems in use, cumulative) does not go down; a flow summed per period may.
            if (i.Indicator.CountsThings && i.Indicator.EffectiveAggregation == Plans.Aggregation.Latest && value < previous)
                findings.Add(new(FindingKinds.CountFell, $"{name}: {ReportText.Number(value)} {i.Indicator.Unit}, giảm so với kỳ trước ({ReportText.Number(previous)}).", lead));
            else if (previous != 0 && Math.Abs(value - previous) > FarShare * Math.Abs(previous))
                findings.Add(new(FindingKinds.FarFromPrevious, $"{name}: {ReportText.Number(value)} {i.Indicator.Unit}, chênh lệch lớn so với kỳ trước ({ReportText.Number(previous)}).", lead));
        }
        foreach (var w in report.Warnings.Where(w => w.Code != "department_silent"))
            findings.Add(new(FindingKinds.CompileWarning, w.Message));
        foreach (var t in report.Tasks.Where(t => !t.Timeframe.Monthly && t.Timeframe.End < report.Period.CutOff && t.Status != "done"))
            findings.Add(new(FindingKinds.TaskOverdue,
                $"Nhiệm vụ \"{t.Task.Name}\" quá thời hạn ({t.Task.Timeframe}), chưa hoàn thành: {ReportText.TaskStatus(t.Status).ToLowerInvariant()}.", t.Task.Lead));
        return findings;
    }
}
