using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Portal;

namespace ChuyenDoiSo.Workers.Tests.Portal;

/// <summary>The portal's pure parts: which items a department's form lists, form → message, validation by field, open periods.</summary>
public sealed class PortalFormTests
{
    private static readonly PlanCatalog Catalog = PlanCatalog.LoadFolder(TestPaths.Seeds);
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Form_listsExactlyWhatTheValidatorLetsEveryDepartmentReport_forEverySeedPlan()
    {
        foreach (var plan in Catalog.Plans)
            foreach (var department in plan.Departments)
            {
                var form = DepartmentForm.For(plan, department, Catalog.CalendarFor(plan)[0], null);
                Assert.Equal(plan.Indicators.Where(i => i.Lead == department.Code || i.Coordinators.Contains(department.Code)).Select(i => i.Code), form.Indicators.Select(i => i.Indicator.Code));
                Assert.Equal(plan.Tasks.Where(t => t.Lead == department.Code || t.Coordinators.Contains(department.Code)).Select(t => t.Code), form.Tasks.Select(t => t.Task.Code));
                Assert.All(form.Indicators, i => Assert.Equal(i.Indicator.Lead == department.Code ? FormRole.Lead : FormRole.Coordinator, i.Role));
            }
    }

    [Fact]
    public void ToMessage_takesTheDepartmentFromTheCaller_andSendsTheFilledRowsOnly()
    {
        var plan = Catalog.Find("binh-chuong-2026")!;
        var fields = new Dictionary<string, string>
        {
            ["ind.12.numerator"] = "45", ["ind.12.denominator"] = "50", ["ind.16.value"] = "",
            ["task.III.1.a.status"] = "done", ["task.III.1.a.progress"] = "100",
            ["stat.dossiers_received"] = "1.200", ["narrative.results"] = "Kết quả",
        };

        var (message, problems) = DepartmentForm.ToMessage(plan, "VHXH", "2026-11", fields, Guid.NewGuid(), Now, "VHXH");

        Assert.Equal("VHXH", message.Department);
        var indicator = Assert.Single(message.Indicators);
        Assert.Equal(("12", 45m, 50m), (indicator.Code, indicator.Numerator!.Value, indicator.Denominator!.Value));
        Assert.Equal("done", Assert.Single(message.Tasks).Status);
        Assert.Equal(1.2m, Assert.Single(message.Statistics).Value);
        Assert.Empty(problems);
        Assert.Equal("Kết quả", message.Narrative!.Results);
    }

    [Theory]
    [InlineData("ind.1.value", "40", "ind.1.value", "neither leads nor coordinates indicator 1 ")]
    [InlineData("ind.12.value", "abc", "ind.12.value", "không phải là số")]
    [InlineData("ind.12.numerator", "60", "ind.12.denominator", "expected a denominator beside the numerator")]
    [InlineData("ind.12.value", "120", "ind.12.value", "expected 0–100")]
    [InlineData("task.III.1.a.progress", "50", "task.III.1.a.status", "Hãy chọn trạng thái")]
    [InlineData("task.X.9.status", "done", "task.X.9.status", "unknown task")]
    [InlineData("stat.dossiers_received", "2,5", "stat.dossiers_received", "expected a whole number")]
    public void Validate_putsEachProblemOnTheFieldItCameFrom(string field, string value, string expectedField, string expectedText)
    {
        var plan = Catalog.Find("binh-chuong-2026")!;
        var (message, formProblems) = DepartmentForm.ToMessage(plan, "VHXH", "2026-11", new Dictionary<string, string> { [field] = value }, Guid.NewGuid(), Now, "VHXH");

        var problems = DepartmentForm.Validate(message, formProblems, Catalog, Now);

        Assert.Contains(problems, p => p.Field == expectedField && p.Message.Contains(expectedText, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_refusesAnEmptyForm()
    {
        var plan = Catalog.Find("binh-chuong-2026")!;
        var (message, formProblems) = DepartmentForm.ToMessage(plan, "VHXH", "2026-11", new Dictionary<string, string>(), Guid.NewGuid(), Now, "VHXH");

        Assert.Contains(DepartmentForm.Validate(message, formProblems, Catalog, Now), p => p.Field == "form");
    }

    [Theory]
    // today, sent (period:accepted), expected periods in order (! = overdue)
    [InlineData("2026-12-02", "", "!2026-01,!2026-02,!2026-Q1,!2026-04,!2026-05,!2026-H1,!2026-07,!2026-08,!2026-9M,!2026-10,!2026-11,2026-FY")]
    [InlineData("2026-12-02", "2026-01,2026-02,2026-Q1,2026-04,2026-05,2026-H1,2026-07,2026-08,2026-9M,2026-10", "!2026-11,2026-FY")]
    [InlineData("2026-12-02", "2026-01,2026-02,2026-Q1,2026-04,2026-05,2026-H1,2026-07,2026-08,2026-9M,2026-10,2026-11", "2026-FY")]
    // A period opens the day after the previous report's cut-off (its increment's first day).
    [InlineData("2026-01-05", "", "2026-01")]
    [InlineData("2026-01-13", "", "!2026-01,2026-02")]
    public void OpenPeriods_listOverdueFirst_thenByTheDepartmentsDeadline(string today, string sent, string expected)
    {
        var plan = Catalog.Find("binh-chuong-2026")!;
        var summaries = sent.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => new SentSummary(p, 1, 0, Now, new DateOnly(2026, 1, 1))).ToList();

        var open = PortalPeriods.Open(Catalog.CalendarFor(plan), DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture), summaries);

        Assert.Equal(expected, string.Join(',', open.Select(o => (o.Overdue ? "!" : "") + o.Period.Period)));
    }

    [Fact]
    public void OpenPeriods_useTheDepartmentsHolidayAdjustedDeadline()
    {
        var plan = Catalog.Find("binh-chuong-2026")!;
        var calendar = Catalog.CalendarFor(plan);

        var open = PortalPeriods.Open(calendar, new DateOnly(2026, 1, 1), []);

        Assert.All(open, o => Assert.Equal(o.Period.DepartmentDueDate, o.Deadline));
        Assert.All(open, o => Assert.False(o.Overdue));
    }
}
