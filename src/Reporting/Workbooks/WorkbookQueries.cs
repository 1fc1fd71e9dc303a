using Dapper;
using Microsoft.Data.Sqlite;

namespace ChuyenDoiSo.Reporting.Workbooks;

/// <summary>A department's stored update for one period: the raw message as it arrived.</summary>
public sealed record StoredUpdateRow
{
    public string Period { get; init; } = "";
    public string RawJson { get; init; } = "";
}

/// <summary>What a department's workbook is pre-filled from: its current (newest) update per period.</summary>
public sealed class WorkbookQueries(SqliteConnection connection)
{
    public IReadOnlyList<StoredUpdateRow> CurrentUpdates(string planId, string department) =>
        connection.Query<StoredUpdateRow>(Sql.CurrentUpdates, new { planId, department }).AsList();

    /// <summary>
    /// The update to pre-fill a workbook for <paramref name="period"/> with: the one for that period, else the one for the
    /// latest earlier period of <paramref name="calendar"/>; null when there is none (or it no longer reads).
    /// </summary>
    public static Contracts.DepartmentReportSubmitted? LastUpdate(IReadOnlyList<StoredUpdateRow> rows, IReadOnlyList<Calendar.ReportingPeriod> calendar, string period)
    {
        var order = calendar.Select((p, i) => (p.Period, i)).ToDictionary(x => x.Period, x => x.i, StringComparer.Ordinal);
        if (!order.TryGetValue(period, out var at)) return null;
        var row = rows.Where(r => order.TryGetValue(r.Period, out var i) && i <= at).MaxBy(r => order[r.Period]);
        return row is null ? null : Ingest.SubmissionReader.Read(row.RawJson).Message;
    }

    private static class Sql
    {
        public const string CurrentUpdates = """
            SELECT c.period AS Period, s.raw_json AS RawJson
            FROM current_submissions c JOIN submissions s ON s.id = c.submission_id
            WHERE c.plan_id = @planId AND c.department = @department
            """;
    }
}
