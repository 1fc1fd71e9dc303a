using Dapper;
using Microsoft.Data.Sqlite;

namespace ChuyenDoiSo.Reporting.Rollup;

/// <summary>What the roll-up, the CLI and the demo ask of the commune-report tables.</summary>
public sealed class RollupQueries(SqliteConnection connection)
{
    /// <summary>Each commune's current report for a period, with its first arrival and how many distinct reports it sent.</summary>
    public IReadOnlyList<StoredCommuneReport> Current(string period) =>
        connection.Query<CurrentRow>(Sql.Current, new { period })
            .Select(r => new StoredCommuneReport(r.CommuneId, r.ReportJson, r.FirstReceivedAt, r.ReceivedAt, (int)r.Sends))
            .ToList();

    public IReadOnlyList<Ingest.OutcomeCount> OutcomeCounts() => connection.Query<Ingest.OutcomeCount>(Sql.OutcomeCounts).AsList();

    public long LastReceiptId() => connection.ExecuteScalar<long?>(Sql.LastReceiptId) ?? 0;

    public long CountReceiptsAfter(long id) => connection.ExecuteScalar<long>(Sql.CountReceiptsAfter, new { id });

    private sealed record CurrentRow
    {
        public string CommuneId { get; init; } = "";
        public string ReportJson { get; init; } = "";
        public DateTimeOffset FirstReceivedAt { get; init; }
        public DateTimeOffset ReceivedAt { get; init; }
        public long Sends { get; init; }
    }

    private static class Sql
    {
        public const string Current = """
            SELECT c.commune_id AS CommuneId, r.report_json AS ReportJson, r.received_at AS ReceivedAt,
                   f.first_received_at AS FirstReceivedAt, f.sends AS Sends
            FROM current_commune_reports c
            JOIN commune_reports r ON r.id = c.report_id
            JOIN (SELECT commune_id, MIN(received_at) AS first_received_at, COUNT(*) AS sends
                  FROM commune_reports WHERE period = @period GROUP BY commune_id) f ON f.commune_id = c.commune_id
            WHERE c.period = @period
            ORDER BY c.commune_id
            """;
        public const string OutcomeCounts = "SELECT outcome AS Outcome, COUNT(*) AS Count FROM commune_receipts GROUP BY outcome ORDER BY outcome";
        public const string LastReceiptId = "SELECT MAX(id) FROM commune_receipts";
        public const string CountReceiptsAfter = "SELECT COUNT(*) FROM commune_receipts WHERE id > @id";
    }
}
