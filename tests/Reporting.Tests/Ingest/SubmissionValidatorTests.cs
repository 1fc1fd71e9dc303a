using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Ingest;
using ChuyenDoiSo.Reporting.Plans;

namespace ChuyenDoiSo.Reporting.Tests.Ingest;

// Codes from seeds/binh-chuong-2026.json: indicators 1 and 7 (%, lead TTPVHCC), 11 (%, lead VP, coordinator VHXH),
// 13 (system, lead VHXH); tasks III.5.b (lead TTPVHCC), III.1.a (lead VHXH, coordinator VP).
public sealed class SubmissionValidatorTests
{
    private static readonly PlanCatalog Catalog = PlanCatalog.LoadFolder(TestPaths.Seeds);

    private static DepartmentReportSubmitted Valid() => new()
    {
        MessageId = Guid.Parse("9a3e1c70-0000-4000-8000-000000000001"),
        PlanId = "binh-chuong-2026",
        Department = "TTPVHCC",
        Period = "2026-Q1",
        SubmittedAt = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(7)),
        SubmittedBy = "Nguyễn Văn A",
        Indicators = [new IndicatorValue { Code = "1", Value = 85m }, new IndicatorValue { Code = "7", Numerator = 3, Denominator = 10 }],
        Tasks = [new TaskProgress { Code = "III.5.b", Status = "in_progress", Progress = 50 }],
        Statistics = [new StatisticValue { Code = "dossiers_received", Value = 120 }],
        Narrative = new Narrative { Results = "Đã tiếp nhận 120 hồ sơ." },
    };

    private static IReadOnlyList<(string Code, string Field)> Reasons(DepartmentReportSubmitted message) =>
        SubmissionValidator.Validate(message, Catalog).Select(r => (r.Code, r.Field)).ToList();

    [Fact]
    public void Validate_givesNoReason_forValidMessage()
    {
        Assert.Empty(SubmissionValidator.Validate(Valid(), Catalog));
    }

    [Fact]
    public void Validate_acceptsCoordinator_forIndicatorAndTaskItCoordinates()
    {
        var message = Valid() with
        {
            Department = "VHXH",
            Indicators = [new IndicatorValue { Code = "11", Value = 40m }],
            Tasks = [new TaskProgress { Code = "III.1.a", Status = "done", Progress = 100 }],
        };

        Assert.Empty(SubmissionValidator.Validate(message, Catalog));
    }

    [Fact]
    public void Validate_givesUnknownPlan_whenPlanIdIsNotInCatalog()
    {
        var reasons = SubmissionValidator.Validate(Valid() with { PlanId = "no-such-plan-2026" }, Catalog);

        var reason = Assert.Single(reasons);
        Assert.Equal(("unknown_plan", "$.planId"), (reason.Code, reason.Field));
        Assert.Contains("no-such-plan-2026", reason.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_namesEachMissingField_whenBodyIsJsonOfAnotherShape()
    {
        // {"hello":"world"} published as application/json reads as an update with every field missing.
        var reasons = SubmissionValidator.Validate(new DepartmentReportSubmitted { MessageId = Guid.NewGuid() }, Catalog);

        Assert.Equal(
            [("missing_field", "$.planId"), ("missing_field", "$.department"), ("missing_field", "$.period")],
            reasons.Select(r => (r.Code, r.Field)));
        Assert.Contains("binh-chuong-2026", reasons[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_givesUnknownDepartment_whenDepartmentIsNotInPlan()
    {
        var message = Valid() with { Department = "PHONG_MA", Indicators = [], Tasks = [] };

        Assert.Equal([("unknown_department", "$.department")], Reasons(message));
    }

    [Theory]
    [InlineData("2026-03")] // March has no monthly report: the Q1 report replaces it
    [InlineData("2025-Q1")] // a real period, but of another year than the plan's
    [InlineData("2026-Q2")]
    [InlineData("2026-13")]
    [InlineData("Q1-2026")]
    public void Validate_givesPeriodNotInCalendar_whenPeriodIsNotOneOfThePlansReports(string period)
    {
        Assert.Equal([("period_not_in_calendar", "$.period")], Reasons(Valid() with { Period = period }));
    }

    [Theory]
    [InlineData("2026-01")]
    [InlineData("2026-H1")]
    [InlineData("2026-9M")]
    [InlineData("2026-FY")]
    public void Validate_acceptsPeriod_whenItIsInThePlansCalendar(string period)
    {
        Assert.Empty(Reasons(Valid() with { Period = period }));
    }

    [Fact]
    public void Validate_givesUnknownIndicator_whenCodeIsNotInPlan()
    {
        var message = Valid() with { Indicators = [new IndicatorValue { Code = "1" , Value = 90m }, new IndicatorValue { Code = "99", Value = 1m }] };

        Assert.Equal([("unknown_indicator", "$.indicators[1].code")], Reasons(message));
    }

    [Fact]
    public void Validate_givesUnknownTask_whenCodeIsNotInPlan()
    {
        var message = Valid() with { Tasks = [new TaskProgress { Code = "IX.9", Status = "done" }] };

        Assert.Equal([("unknown_task", "$.tasks[0].code")], Reasons(message));
    }

    [Theory]
    [InlineData(100.5)]
    [InlineData(-1)]
    [InlineData(250)]
    public void Validate_givesOutOfRange_whenPercentageValueIsOutside0To100(double value)
    {
        var message = Valid() with { Indicators = [new IndicatorValue { Code = "1", Value = (decimal)value }] };

        Assert.Equal([("out_of_range", "$.indicators[0].value")], Reasons(message));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    public void Validate_acceptsPercentage_atBoundsOf0And100(double value)
    {
        var message = Valid() with { Indicators = [new IndicatorValue { Code = "1", Value = (decimal)value }] };

        Assert.Empty(Reasons(message));
    }

    [Fact]
    public void Validate_givesOutOfRange_whenCountsMakeRateOver100()
    {
        var message = Valid() with { Indicators = [new IndicatorValue { Code = "7", Numerator = 11, Denominator = 10 }] };

        Assert.Equal([("out_of_range", "$.indicators[0].numerator")], Reasons(message));
    }

    [Fact]
    public void Validate_givesZeroDenominator_whenDenominatorIs0()
    {
        var message = Valid() with { Indicators = [new IndicatorValue { Code = "7", Numerator = 0, Denominator = 0 }] };

        Assert.Equal([("zero_denominator", "$.indicators[0].denominator")], Reasons(message));
    }

    [Fact]
    public void Validate_givesMissingField_whenNumeratorHasNoDenominator()
    {
        var message = Valid() with { Indicators = [new IndicatorValue { Code = "7", Numerator = 3 }] };

        Assert.Equal([("missing_field", "$.indicators[0].denominator")], Reasons(message));
    }

    [Fact]
    public void Validate_givesMissingField_whenIndicatorHasNeitherValueNorCounts()
    {
        var message = Valid() with { Indicators = [new IndicatorValue { Code = "7" }] };

        Assert.Equal([("missing_field", "$.indicators[0].value")], Reasons(message));
    }

    [Fact]
    public void Validate_givesNotResponsible_whenDepartmentNeitherLeadsNorCoordinatesIndicator()
    {
        // KT leads 17 and 18 only; indicator 1 is TTPVHCC's.
        var message = Valid() with { Department = "KT", Indicators = [new IndicatorValue { Code = "1", Value = 85m }], Tasks = [] };

        var reason = Assert.Single(SubmissionValidator.Validate(message, Catalog));
        Assert.Equal(("not_responsible", "$.indicators[0].code"), (reason.Code, reason.Field));
        Assert.Contains("TTPVHCC", reason.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_givesNotResponsible_whenDepartmentNeitherLeadsNorCoordinatesTask()
    {
        var message = Valid() with { Department = "CA", Indicators = [], Tasks = [new TaskProgress { Code = "III.5.b", Status = "done" }] };

        Assert.Equal([("not_responsible", "$.tasks[0].code")], Reasons(message));
    }

    [Theory]
    [InlineData("finished")]
    [InlineData("Done")]
    [InlineData("")]
    public void Validate_givesInvalidStatus_whenTaskStatusIsNotOneOfThree(string status)
    {
        var message = Valid() with { Tasks = [new TaskProgress { Code = "III.5.b", Status = status }] };

        Assert.Equal([("invalid_status", "$.tasks[0].status")], Reasons(message));
    }

    [Fact]
    public void Validate_givesOutOfRange_whenTaskProgressIsOver100()
    {
        var message = Valid() with { Tasks = [new TaskProgress { Code = "III.5.b", Status = "in_progress", Progress = 120 }] };

        Assert.Equal([("out_of_range", "$.tasks[0].progress")], Reasons(message));
    }

    [Fact]
    public void Validate_givesDuplicateCode_whenIndicatorAppearsTwice()
    {
        var message = Valid() with { Indicators = [new IndicatorValue { Code = "1", Value = 85m }, new IndicatorValue { Code = "1", Value = 86m }] };

        Assert.Equal([("duplicate_code", "$.indicators[1].code")], Reasons(message));
    }

    [Fact]
    public void Validate_collectsEveryReason_whenMessageHasManyFaults()
    {
        var message = Valid() with
        {
            Department = "KT",
            Period = "2026-03",
            Indicators =
            [
                new IndicatorValue { Code = "17", Value = 120m },
                new IndicatorValue { Code = "99", Value = 1m },
                new IndicatorValue { Code = "18", Numerator = 1, Denominator = 0 },
                new IndicatorValue { Code = "1", Value = 50m },
            ],
            Tasks =
            [
                new TaskProgress { Code = "IX.9", Status = "done" },
                new TaskProgress { Code = "IV.3", Status = "finished" },
            ],
        };

        Assert.Equal(
            [
                ("period_not_in_calendar", "$.period"),
                ("out_of_range", "$.indicators[0].value"),
                ("unknown_indicator", "$.indicators[1].code"),
                ("zero_denominator", "$.indicators[2].denominator"),
                ("not_responsible", "$.indicators[3].code"),
                ("unknown_task", "$.tasks[0].code"),
                ("invalid_status", "$.tasks[1].status"),
            ],
            Reasons(message));
    }

    [Fact]
    public void Validate_collectsUnknownDepartmentBesideOtherReasons_whenDepartmentIsUnknown()
    {
        var message = Valid() with { Department = "PHONG_MA", Period = "2025-Q1", Indicators = [new IndicatorValue { Code = "1", Value = 101m }] };

        Assert.Equal(
            [("unknown_department", "$.department"), ("period_not_in_calendar", "$.period"), ("out_of_range", "$.indicators[0].value")],
            Reasons(message));
    }
}
