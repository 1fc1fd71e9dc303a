using ChuyenDoiSo.Reporting.Compile;
using Dapper;
using Microsoft.Data.Sqlite;

namespace ChuyenDoiSo.Reporting.Ingest;

public sealed record ReceiptRow
{
    public long Id { get; init; }
    public string? MessageId { get; init; }
    public string Outcome { get; init; } = "";
    public DateTimeOffset ReceivedAt { get; init; }
    public string? ReasonsJson { get; init; }
}

public sealed record OutcomeCount
{
    public string Outcome { get; init; } = "";
    public long Count { get; init; }
}

public sealed record PeriodReceiptRow
{
    public string PlanId { get; init; } = "";
    public string Period { get; init; } = "";
    public string Department { get; init; } = "";
    public DateTimeOffset FirstReceivedAt { get; init; }
    public DateOnly FirstReceivedDate { get; init; }
}

/// <summary>What the operator and the CLI ask of the ingest tables.</summary>
public sealed class IngestQueries(SqliteConnection connection)
{
    public long LastReceiptId() => connection.ExecuteScalar<long?>(Sql.LastReceiptId) ?? 0;

    public IReadOnlyList<ReceiptRow> ReceiptsAfter(long id) => connection.Query<ReceiptRow>(Sql.ReceiptsAfter, new { id }).AsList();

    public long CountReceiptsAfter(long id) => connection.ExecuteScalar<long>(Sql.CountReceiptsAfter, new { id });

    public IReadOnlyList<OutcomeCount> OutcomeCounts() => connection.Query<OutcomeCount>(Sql.OutcomeCounts).AsList();

    public long SubmissionCount() => connection.ExecuteScalar<long>(Sql.SubmissionCount);

    public IReadOnlyList<PeriodReceiptRow> FirstReceipts() => connection.Query<PeriodReceiptRow>(Sql.FirstReceipts).AsList();

    public static IReadOnlyList<FirstReceiptRow> ForPeriod(IEnumerable<PeriodReceiptRow> rows, string planId, string period) =>
        rows.Where(r => r.PlanId == planId && r.Period == period)
            .Select(r => new FirstReceiptRow { Department = r.Department, FirstReceivedAt = r.FirstReceivedAt, FirstReceivedDate = r.FirstReceivedDate })
            .ToList();

    private static class Sql
    {
        public const string LastReceiptId = "SELECT MAX(id) FROM receipts";
        public const string ReceiptsAfter = """
            SELECT r.id AS Id, r.message_id AS MessageId, r.outcome AS Outcome, r.received_at AS ReceivedAt, j.reasons_json AS ReasonsJson
            FROM receipts r LEFT JOIN rejections j ON j.id = r.rejection_id
            WHERE r.id > @id
            ORDER BY r.id
            """;
        public const string CountReceiptsAfter = "SELECT COUNT(*) FROM receipts WHERE id > @id";
        public const string OutcomeCounts = "SELECT outcome AS Outcome, COUNT(*) AS Count FROM receipts GROUP BY outcome ORDER BY outcome";
        public const string SubmissionCount = "SELECT COUNT(*) FROM submissions";
        public const string FirstReceipts = """
            SELECT plan_id AS PlanId, period AS Period, department AS Department,
                   first_received_at AS FirstReceivedAt, first_received_date AS FirstReceivedDate
            FROM current_submissions
            """;
    }
}
