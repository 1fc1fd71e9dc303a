using ChuyenDoiSo.Reporting.Approval;
using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Plans;

namespace ChuyenDoiSo.Reporting.Tests.Approval;

/// <summary>What the review page lists for a decision, from a compiled report and the office's returns: pure, no clock.</summary>
public sealed class ReviewFindingsTests
{
    private static readonly Lazy<PlanCatalog> Catalog = new(() => PlanCatalog.LoadFolder(TestPaths.Seeds));
    private static readonly DateTimeOffset At = new(2026, 11, 10, 3, 0, 0, TimeSpan.Zero);

    private static CompiledReport Report(Func<Plan, IReadOnlyList<IndicatorResult>> indicators, Func<Plan, IReadOnlyList<TaskResult>>? tasks = null, IReadOnlyList<ReportWarning>? warnings = null)
    {
        var plan = Catalog.Value.Find("binh-chuong-2026")!;
        var calendar = Catalog.Value.CalendarFor(plan);
        var index = calendar.ToList().FindIndex(p => p.Period == "2026-11");
        SubmissionResult S(string code, string status, DateTimeOffset? at, bool expected = true) => new(plan.FindDepartment(code)!, status, at, expected);
        return new CompiledReport
        {
            Plan = plan,
            Period = calendar[index],
            PreviousPeriod = calendar[index - 1],
            Indicators = indicators(plan),
            Tasks = tasks?.Invoke(plan) ?? [],
            Submissions = [S("VHXH", SubmissionStatus.Missing, null), S("KT", SubmissionStatus.Late, At), S("TTPVHCC", SubmissionStatus.OnTime, At.AddDays(-2)), S("CA", SubmissionStatus.Missing, null, expected: false)],
            Statistics = [],
            Warnings = warnings ?? [],
            Narratives = [],
            NextPeriodTasks = [],
        };
    }

    private static IndicatorResult Value(Plan plan, string code, decimal? value, decimal? previous) =>
        new(plan.FindIndicator(code)!, value, previous, Achievement.No, null, null);

    [Fact]
    public void Departments_missingAndLate_areListed_notOnesNotExpected_andAReturnLastsUntilANewerUpdate()
    {
        var report = Report(plan => []);
        var returns = new List<ApprovalReturnRow>
        {
            new() { Id = 1, Department = "TTPVHCC", Comment = "kiểm tra chỉ tiêu 1", ReturnedBy = "vanphong", ReturnedAt = At },
            new() { Id = 2, Department = "KT", Comment = "thiếu số liệu", ReturnedBy = "vanphong", ReturnedAt = At.AddHours(-1) },
        };
        // TTPVHCC's counted update came before it was sent back; KT sent a new one after.
        var latest = new Dictionary<string, DateTimeOffset> { ["TTPVHCC"] = At.AddDays(-2), ["KT"] = At };

        var findings = ReviewFindings.For(report, returns, latest);

        Assert.Equal(
            [(FindingKinds.DepartmentMissing, "VHXH"), (FindingKinds.DepartmentLate, "KT"), (FindingKinds.DepartmentReturned, "TTPVHCC")],
            findings.Select(f => (f.Kind, f.Department)));
        Assert.Contains("kiểm tra chỉ tiêu 1", findings[2].Text, StringComparison.Ordinal);
        var departments = ReviewFindings.Departments(report, returns, latest);
        Assert.Equal(["VHXH", "KT", "TTPVHCC"], departments.Select(d => d.Code));
        Assert.Equal([null, null, 1L], departments.Select(d => d.Returned?.Id));
    }

    [Fact]
    public void Indicators_withoutValue_farFromThePreviousPeriod_andACountThatFell_areListed_withTheirLead()
    {
        var report = Report(plan => [Value(plan, "1", null, 60m), Value(plan, "2", 95m, 40m), Value(plan, "3", 62m, 60m), Value(plan, "13", 3m, 5m), Value(plan, "4", 70m, 0m)]);

        var findings = ReviewFindings.For(report, [], new Dictionary<string, DateTimeOffset>()).Where(f => f.Kind is not (FindingKinds.DepartmentMissing or FindingKinds.DepartmentLate)).ToList();

        Assert.Equal([FindingKinds.IndicatorWithoutValue, FindingKinds.FarFromPrevious, FindingKinds.CountFell], findings.Select(f => f.Kind));
        Assert.Contains("chưa có số liệu (Trung tâm Phục vụ hành chính công chủ trì)", findings[0].Text, StringComparison.Ordinal);
        Assert.Contains("95", findings[1].Text, StringComparison.Ordinal);
        Assert.Contains("3 hệ thống, giảm so với kỳ trước (5)", findings[2].Text, StringComparison.Ordinal);
        Assert.Equal("VHXH", findings[2].Department);
        // No English, no codes in what the office reads.
        Assert.All(findings, f => Assert.DoesNotContain("indicator", f.Text, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Tasks_pastTheirTimeframeNotDone_andCompileWarnings_areListed_theSilentDepartmentOnlyOnce()
    {
        var report = Report(
            plan => [],
            plan =>
            [
                Task(plan, "III.1.a", "Quý I năm 2026", "in_progress"),
                Task(plan, "III.1.b", "Quý I năm 2026", "done"),
                Task(plan, "III.1.c", "Năm 2026", "not_started"),
                Task(plan, "III.2.a", "Hằng tháng", "in_progress"),
            ],
            [new ReportWarning("out_of_range", "Giá trị tổng hợp vượt quá 100%."), new ReportWarning("department_silent", "Phòng Văn hóa- Xã hội chưa gửi báo cáo tháng 11 năm 2026.")]);

        var findings = ReviewFindings.For(report, [], new Dictionary<string, DateTimeOffset>());

        var overdue = Assert.Single(findings, f => f.Kind == FindingKinds.TaskOverdue);
        Assert.Contains("Quý I năm 2026", overdue.Text, StringComparison.Ordinal);
        Assert.Contains("đang thực hiện", overdue.Text, StringComparison.Ordinal);
        Assert.Equal("Giá trị tổng hợp vượt quá 100%.", Assert.Single(findings, f => f.Kind == FindingKinds.CompileWarning).Text);
        // The compiler's "department silent" warning is the missing department's finding already, not a second one.
        Assert.Single(findings, f => f.Text.Contains("Phòng Văn hóa- Xã hội chưa gửi", StringComparison.Ordinal));
    }

    private static TaskResult Task(Plan plan, string code, string timeframe, string status)
    {
        var task = plan.FindTask(code)! with { Timeframe = timeframe };
        return new TaskResult(task, TimeframeParser.Parse(timeframe, plan.Year), status, null, null, task.Lead);
    }
}
