using ChuyenDoiSo.Reporting.Storage;
using Dapper;
using Microsoft.Data.Sqlite;

namespace ChuyenDoiSo.Reporting.Compile;

/// <summary>One indicator value from the current (not superseded) update of a department for a period.</summary>
public sealed record IndicatorRow
{
    public string Department { get; init; } = "";
    public string Period { get; init; } = "";
    public DateTimeOffset ReceivedAt { get; init; }
    public string Code { get; init; } = "";
    public decimal? Value { get; init; }
    public decimal? Numerator { get; init; }
    public decimal? Denominator { get; init; }
    public decimal? StatedValue { get; init; }
}

public sealed record TaskRow
{
    public string Department { get; init; } = "";
    public string Period { get; init; } = "";
    public DateTimeOffset ReceivedAt { get; init; }
    public string Code { get; init; } = "";
    public string Status { get; init; } = "";
    public decimal? Progress { get; init; }
    public string? Note { get; init; }
}

public sealed record StatisticRow
{
    public string Department { get; init; } = "";
    public string Period { get; init; } = "";
    public string Code { get; init; } = "";
    public decimal Value { get; init; }
}

public sealed record NarrativeRow
{
    public string Department { get; init; } = "";
    public DateTimeOffset ReceivedAt { get; init; }
    public string? Results { get; init; }
    public string? Difficulties { get; init; }
    public string? Proposals { get; init; }
}

/// <summary>When a department first reported for a period, as an instant and as a local date.</summary>
public sealed record FirstReceiptRow
{
    public string Department { get; init; } = "";
    public DateTimeOffset FirstReceivedAt { get; init; }
    public DateOnly FirstReceivedDate { get; init; }
}

/// <summary>The Dapper queries compilation runs. "Current" is the newest update per department and period.</summary>
public sealed class CompileQueries(SqliteConnection connection)
{
    public IReadOnlyList<IndicatorRow> Indicators(string planId, IReadOnlyList<string> periods) =>
        connection.Query<IndicatorRow>(Sql.Indicators, new { planId, periods }).AsList();

    public IReadOnlyList<TaskRow> Tasks(string planId, IReadOnlyList<string> periods) =>
        connection.Query<TaskRow>(Sql.Tasks, new { planId, periods }).AsList();

    public IReadOnlyList<StatisticRow> Statistics(string planId, IReadOnlyList<string> periods) =>
        connection.Query<StatisticRow>(Sql.Statistics, new { planId, periods }).AsList();

    public IReadOnlyList<NarrativeRow> Narratives(string planId, string period) =>
        connection.Query<NarrativeRow>(Sql.Narratives, new { planId, periods = new[] { period } }).AsList();

    public IReadOnlyList<FirstReceiptRow> FirstReceipts(string planId, string period) =>
        connection.Query<FirstReceiptRow>(Sql.FirstReceipts, new { planId, period }).AsList();

    /// <summary>
    /// Values are read through REAL, whose 15 significant digits hold every value the reader accepts (NumberLimits)
    /// exactly. A stored value beyond 10^15 (accepted before those limits) reads as not reported, so a sum over any
    /// window stays far inside decimal's range and the compile cannot overflow.
    /// </summary>
    private static class Sql
    {
        private const string Current = """
            WITH current AS (
                SELECT s.id, s.department, s.period, s.received_at, s.narrative_results, s.narrative_difficulties, s.narrative_proposals,
                       s.indicators_json, s.tasks_json, s.statistics_json
                FROM current_submissions c JOIN submissions s ON s.id = c.submission_id
                WHERE c.plan_id = @planId AND c.period IN @periods)
            """;

        public const string Indicators = Current + """

            SELECT Department, Period, ReceivedAt, Code,
                   iif(abs(Value) < 1e15, Value, NULL) AS Value, iif(abs(Numerator) < 1e15, Numerator, NULL) AS Numerator,
                   iif(abs(Denominator) < 1e15, Denominator, NULL) AS Denominator, iif(abs(StatedValue) < 1e15, StatedValue, NULL) AS StatedValue
            FROM (SELECT c.department AS Department, c.period AS Period, c.received_at AS ReceivedAt, i.value ->> '$.code' AS Code,
                         CAST(i.value ->> '$.value' AS REAL) AS Value, CAST(i.value ->> '$.numerator' AS REAL) AS Numerator,
                         CAST(i.value ->> '$.denominator' AS REAL) AS Denominator, CAST(i.value ->> '$.statedValue' AS REAL) AS StatedValue
                  FROM current c, json_each(c.indicators_json) i)
            """;

        public const string Tasks = Current + """

            SELECT c.department AS Department, c.period AS Period, c.received_at AS ReceivedAt, t.value ->> '$.code' AS Code,
                   t.value ->> '$.status' AS Status, iif(abs(CAST(t.value ->> '$.progress' AS REAL)) < 1e15, CAST(t.value ->> '$.progress' AS REAL), NULL) AS Progress, t.value ->> '$.note' AS Note
            FROM current c, json_each(c.tasks_json) t
            """;

        public const string Statistics = Current + """

            SELECT c.department AS Department, c.period AS Period, st.value ->> '$.code' AS Code, CAST(st.value ->> '$.value' AS REAL) AS Value
            FROM current c, json_each(c.statistics_json) st
            WHERE abs(CAST(st.value ->> '$.value' AS REAL)) < 1e15
            """;

        public const string Narratives = Current + """

            SELECT department AS Department, received_at AS ReceivedAt, narrative_results AS Results,
                   narrative_difficulties AS Difficulties, narrative_proposals AS Proposals
            FROM current
            ORDER BY department
            """;

        public const string FirstReceipts = """
            SELECT department AS Department, first_received_at AS FirstReceivedAt, first_received_date AS FirstReceivedDate
            FROM current_submissions
            WHERE plan_id = @planId AND period = @period
            """;
    }
}
