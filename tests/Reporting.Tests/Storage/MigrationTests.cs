using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Operations;
using ChuyenDoiSo.Reporting.Storage;
using Dapper;

namespace ChuyenDoiSo.Reporting.Tests.Storage;

/// <summary>An existing database upgraded in place keeps every value it held.</summary>
public sealed class MigrationTests : IDisposable
{
    // The last version with one row per indicator, task and statistic in child tables.
    private readonly TestDatabase _db = new(through: 6);

    public void Dispose() => _db.Dispose();

    [Fact]
    public void Migrate_movesChildRowsIntoJsonAndKeepsFirstReceipts_whenUpgradingFromChildTables()
    {
        using (var connection = _db.Open())
        {
            connection.Execute("""
                INSERT INTO submissions (id, message_id, content_hash, plan_id, department, period, received_at, received_date, raw_json)
                VALUES (1, 'm1', 'h1', 'p', 'A', '2026-01', '2026-01-10T01:00:00.0000000Z', '2026-01-10', '{}'),
                       (2, 'm2', 'h2', 'p', 'A', '2026-01', '2026-01-11T01:00:00.0000000Z', '2026-01-11', '{}'),
                       (3, 'm3', 'h3', 'p', 'B', '2026-01', '2026-01-12T20:00:00.0000000Z', '2026-01-13', '{}');
                INSERT INTO submission_indicators (submission_id, code, value, numerator, denominator, stated_value)
                VALUES (1, '1', 50, NULL, NULL, NULL), (2, '1', 75, 3, 4, 70), (2, '2', 12.5, NULL, NULL, NULL), (3, '1', 10, NULL, NULL, NULL);
                INSERT INTO submission_tasks (submission_id, code, status, progress, note) VALUES (2, 'T1', 'in_progress', 40, 'ghi chú');
                INSERT INTO submission_statistics (submission_id, code, value) VALUES (2, 'dossiers_received', 120);
                INSERT INTO current_submissions (plan_id, period, department, submission_id, received_at)
                VALUES ('p', '2026-01', 'A', 2, '2026-01-11T01:00:00.0000000Z'), ('p', '2026-01', 'B', 3, '2026-01-12T20:00:00.0000000Z');
                """);
        }

        Assert.Contains("0007_submission_values_as_json.sql", _db.Database.Migrate());

        using var upgraded = _db.Open();
        var queries = new CompileQueries(upgraded);
        var indicators = queries.Indicators("p", ["2026-01"]).OrderBy(r => r.Department).ThenBy(r => r.Code)
            .Select(r => (r.Department, r.Code, r.Value, r.Numerator, r.Denominator, r.StatedValue)).ToList();
        Assert.Equal(
            [("A", "1", 75m, 3m, 4m, 70m), ("A", "2", 12.5m, null, null, null), ("B", "1", 10m, null, null, null)],
            indicators);
        var task = Assert.Single(queries.Tasks("p", ["2026-01"]));
        Assert.Equal(("T1", "in_progress", 40m, "ghi chú"), (task.Code, task.Status, task.Progress, task.Note));
        var statistic = Assert.Single(queries.Statistics("p", ["2026-01"]));
        Assert.Equal(("dossiers_received", 120m), (statistic.Code, statistic.Value));
        // On time or late is decided by the first update, which is no longer the current one for A.
        var firsts = queries.FirstReceipts("p", "2026-01").OrderBy(r => r.Department).Select(r => (r.Department, r.FirstReceivedDate)).ToList();
        Assert.Equal([("A", new DateOnly(2026, 1, 10)), ("B", new DateOnly(2026, 1, 13))], firsts);
        Assert.Equal(0L, upgraded.ExecuteScalar<long>("SELECT COUNT(*) FROM sqlite_schema WHERE name IN ('submission_indicators', 'submission_tasks', 'submission_statistics')"));
    }

    [Fact]
    public void OneAuditLog_movesPortalLoginsAndOperatorActionsIntoAuditLog_inOrder_andDropsTheirTables()
    {
        using var before = new TestDatabase(through: 16);
        using (var connection = before.Open())
            connection.Execute("""
                INSERT INTO audit_log (at, actor, action, target, detail) VALUES ('2026-11-01T01:00:00.0000000Z', 'cli:root', 'user_added', 'vanphong', 'office');
                INSERT INTO portal_logins (at, user_name, remote_address, outcome) VALUES ('2026-11-01T02:00:00.0000000Z', 'p.KT', '10.0.0.5', 'failure');
                INSERT INTO operator_actions (at, operator, remote_address, action, target, messages, detail)
                VALUES ('2026-11-01T03:00:00.0000000Z', 'ops', '10.0.0.9', 'redrive', 'group:abc', 4, 'cause');
                INSERT INTO portal_logins (at, user_name, remote_address, outcome) VALUES ('2026-11-01T04:00:00.0000000Z', 'p.KT', '10.0.0.5', 'success');
                """);
        before.Database.Migrate();

        using var migrated = before.Open();
        Assert.Equal(
            [("cli:root", "user_added", "vanphong", null), ("p.KT", "portal_login_failure", "portal", "10.0.0.5"), ("ops", "redrive", "group:abc", "10.0.0.9"), ("p.KT", "portal_login_success", "portal", "10.0.0.5")],
            migrated.Query<(string, string, string, string?)>("SELECT actor, action, target, remote_address FROM audit_log ORDER BY id"));
        var action = Assert.Single(new OperationsQueries(migrated).RecentActions(10));
        Assert.Equal(("ops", 4L, "cause"), (action.Operator, action.Messages, action.Detail));
        Assert.Equal(0L, migrated.ExecuteScalar<long>("SELECT COUNT(*) FROM sqlite_master WHERE name IN ('portal_logins', 'operator_actions')"));
    }
}
