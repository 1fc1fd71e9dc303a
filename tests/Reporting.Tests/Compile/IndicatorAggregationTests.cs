using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Plans;

namespace ChuyenDoiSo.Reporting.Tests.Compile;

public sealed class IndicatorAggregationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 2, 0, 0, TimeSpan.Zero);

    // As in the 2026 default calendar: the Q1 window is 2026-01, 2026-02 and 2026-Q1, in that order.
    private static readonly IReadOnlyDictionary<string, int> Order = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["2026-01"] = 0,
        ["2026-02"] = 1,
        ["2026-Q1"] = 2,
        ["2026-04"] = 3,
        ["2026-05"] = 4,
        ["2026-H1"] = 5,
    };

    private static Indicator Indicator(string? aggregation, string unit = "hồ sơ") => new()
    {
        Code = "X",
        Group = "Chính quyền số",
        Name = "Chỉ tiêu thử",
        Unit = unit,
        Target = new IndicatorTarget { Op = ">=", Value = 80 },
        Aggregation = aggregation,
        Lead = "A",
    };

    private static IndicatorRow Row(string department, string period, decimal? value, decimal? numerator = null, decimal? denominator = null, int minutes = 0) => new()
    {
        Department = department,
        Period = period,
        ReceivedAt = T0.AddMinutes(minutes),
        Code = "X",
        Value = value,
        Numerator = numerator,
        Denominator = denominator,
    };

    [Fact]
    public void Aggregate_sumsValuesOverDepartmentsAndPeriods_forSum()
    {
        IndicatorRow[] rows = [Row("A", "2026-01", 10), Row("B", "2026-01", 5), Row("A", "2026-02", 20), Row("A", "2026-Q1", 30), Row("B", "2026-Q1", 7)];

        var result = IndicatorAggregation.Aggregate(Indicator("sum"), rows, Order);

        Assert.Equal(new AggregatedValue(72m, null, null), result);
    }

    [Fact]
    public void Aggregate_givesNothing_forNoRows()
    {
        Assert.Equal(new AggregatedValue(null, null, null), IndicatorAggregation.Aggregate(Indicator("sum"), [], Order));
        Assert.Equal(new AggregatedValue(null, null, null), IndicatorAggregation.Aggregate(Indicator("ratio", "%"), [], Order));
        Assert.Equal(new AggregatedValue(null, null, null), IndicatorAggregation.Aggregate(Indicator("latest"), [], Order));
    }

    [Fact]
    public void Aggregate_takesValueOfLatestPeriod_notLatestReceived_forLatest()
    {
        // The January value arrived last (a late report), but February's is the newer figure.
        IndicatorRow[] rows = [Row("A", "2026-02", 40, minutes: 1), Row("A", "2026-01", 35, minutes: 60), Row("A", "2026-Q1", 42, minutes: 2), Row("A", "2026-Q1", 41, minutes: 0)];

        var result = IndicatorAggregation.Aggregate(Indicator("latest"), rows, Order);

        Assert.Equal(new AggregatedValue(42m, null, null), result);
    }

    [Fact]
    public void Aggregate_takesLatestReceived_withinLatestPeriod_forLatest()
    {
        IndicatorRow[] rows = [Row("B", "2026-H1", 50, minutes: 10), Row("A", "2026-H1", 60, minutes: 5), Row("A", "2026-05", 99, minutes: 100)];

        var result = IndicatorAggregation.Aggregate(Indicator("latest"), rows, Order);

        Assert.Equal(50m, result.Value);
    }

    [Fact]
    public void Aggregate_computesRateFromSummedCounts_notAverageOfRates_forRatio()
    {
        // 1/2 = 50% and 99/100 = 99%: the average of rates would be 74.5; the rate of the sums is 100/102.
        IndicatorRow[] rows = [Row("A", "2026-01", 50, 1, 2), Row("B", "2026-02", 99, 99, 100)];

        var result = IndicatorAggregation.Aggregate(Indicator("ratio", "%"), rows, Order);

        Assert.Equal(new AggregatedValue(98.04m, 100m, 102m), result);
        Assert.NotEqual(74.5m, result.Value);
    }

    [Fact]
    public void Aggregate_fallsBackToLatestValue_forRatioWithoutCounts()
    {
        IndicatorRow[] rows = [Row("A", "2026-01", 60), Row("A", "2026-Q1", 75), Row("A", "2026-02", 70)];

        var result = IndicatorAggregation.Aggregate(Indicator("ratio", "%"), rows, Order);

        Assert.Equal(new AggregatedValue(75m, null, null), result);
    }

    [Fact]
    public void Aggregate_usesOnlyRowsWithCounts_forRatioWithSomeCounts()
    {
        IndicatorRow[] rows = [Row("A", "2026-01", 25, 1, 4), Row("B", "2026-Q1", 90), Row("A", "2026-02", 75, 3, 4)];

        var result = IndicatorAggregation.Aggregate(Indicator("ratio", "%"), rows, Order);

        Assert.Equal(new AggregatedValue(50m, 4m, 8m), result);
    }

    [Fact]
    public void Aggregate_treatsPercentageWithoutAggregationAsRatio_andOtherUnitsAsLatest()
    {
        IndicatorRow[] rows = [Row("A", "2026-01", 50, 1, 2), Row("A", "2026-Q1", 99, 99, 100)];

        Assert.Equal(98.04m, IndicatorAggregation.Aggregate(Indicator(null, "%"), rows, Order).Value);
        Assert.Equal(99m, IndicatorAggregation.Aggregate(Indicator(null, "hồ sơ"), rows, Order).Value);
    }

    [Theory]
    [InlineData(">=", "80", "80", "Yes")]
    [InlineData(">=", "80", "79.99", "No")]
    [InlineData(">", "80", "80", "No")]
    [InlineData(">", "80", "80.01", "Yes")]
    [InlineData("<=", "5", "5", "Yes")]
    [InlineData("<=", "5", "5.01", "No")]
    [InlineData("<", "5", "4.99", "Yes")]
    [InlineData("<", "5", "5", "No")]
    [InlineData("=", "100", "100", "Yes")]
    [InlineData("=", "100", "99.99", "No")]
    [InlineData("done", null, "100", "Yes")]
    [InlineData("done", null, "1", "Yes")]
    [InlineData("done", null, "60", "No")]
    [InlineData("done", null, "0", "No")]
    public void Judge_comparesValueWithTarget_forEachOp(string op, string? target, string value, string expected)
    {
        var result = IndicatorAggregation.Judge(new IndicatorTarget { Op = op, Value = target is null ? null : D(target) }, D(value));

        Assert.Equal(Enum.Parse<Achievement>(expected), result);
    }

    private static decimal D(string s) => decimal.Parse(s, System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData(">=")]
    [InlineData("<")]
    [InlineData("done")]
    public void Judge_givesNotReported_whenValueIsNull(string op)
    {
        Assert.Equal(Achievement.NotReported, IndicatorAggregation.Judge(new IndicatorTarget { Op = op, Value = 80 }, null));
    }
}
