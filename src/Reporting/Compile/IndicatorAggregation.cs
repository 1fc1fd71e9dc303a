using ChuyenDoiSo.Reporting.Plans;

namespace ChuyenDoiSo.Reporting.Compile;

/// <summary>An indicator's value over a window, with the counts behind it when it is a rate.</summary>
public sealed record AggregatedValue(decimal? Value, decimal? Numerator, decimal? Denominator);

/// <summary>
/// How values add up (DOMAIN.md): flows are summed over the window, stocks take the latest value,
/// rates come from summed numerators and denominators — never an average of rates. Pure.
/// </summary>
public static class IndicatorAggregation
{
    /// <param name="rows">Current values of one indicator across departments and the window's periods.</param>
    /// <param name="periodOrder">Position of each period label in time; later is larger.</param>
    public static AggregatedValue Aggregate(Indicator indicator, IReadOnlyList<IndicatorRow> rows, IReadOnlyDictionary<string, int> periodOrder)
    {
        if (rows.Count == 0) return new AggregatedValue(null, null, null);
        switch (indicator.EffectiveAggregation)
        {
            case Aggregation.Sum:
                return new AggregatedValue(rows.Sum(r => r.Value ?? 0m), null, null);
            case Aggregation.Ratio:
                var counted = rows.Where(r => r.Numerator is not null && r.Denominator is not null).ToList();
                if (counted.Count > 0)
                {
                    var numerator = counted.Sum(r => r.Numerator!.Value);
                    var denominator = counted.Sum(r => r.Denominator!.Value);
                    return new AggregatedValue(denominator == 0 ? null : Math.Round(numerator / denominator * 100m, 2), numerator, denominator);
                }
                return new AggregatedValue(Latest(rows, periodOrder).Value, null, null);
            default:
                return new AggregatedValue(Latest(rows, periodOrder).Value, null, null);
        }
    }

    /// <summary>The value of the latest period; within it, the lead's over a coordinator's is not assumed — the latest received wins.</summary>
    private static IndicatorRow Latest(IReadOnlyList<IndicatorRow> rows, IReadOnlyDictionary<string, int> periodOrder) =>
        rows.OrderByDescending(r => periodOrder.GetValueOrDefault(r.Period))
            .ThenByDescending(r => r.ReceivedAt)
            .ThenBy(r => r.Department, StringComparer.Ordinal)
            .First();

    public static Achievement Judge(IndicatorTarget target, decimal? value) =>
        value is null ? Achievement.NotReported : target.IsMetBy(value.Value) ? Achievement.Yes : Achievement.No;
}
