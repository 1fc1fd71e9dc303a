using Dapper;
using Microsoft.Data.Sqlite;
using ChuyenDoiSo.Reporting.Storage;

namespace ChuyenDoiSo.Reporting.Operations;

/// <summary>One audit log row.</summary>
public sealed record AuditRow
{
    public DateTimeOffset At { get; init; }
    public required string Actor { get; init; }
    public required string Action { get; init; }
    public required string Target { get; init; }
    public string? Detail { get; init; }
    public string? RemoteAddress { get; init; }
}

/// <summary>
/// The audit_log table, the hub's one audit log: who did what to whom, when and from where (users, logins to the portal
/// and the review pages, reviews and approvals, the dashboard's re-drive and discard); the instant comes from the caller.
/// </summary>
public sealed class AuditLog(SqliteConnection connection)
{
    /// <summary>Writes one row; returns its id (rows are in the order they were written).</summary>
    public long Record(DateTimeOffset at, string actor, string action, string target, string? detail, string? remoteAddress = null, SqliteTransaction? transaction = null) =>
        connection.ExecuteScalar<long>(Sql.Insert, new { at = DateTimeOffsetHandler.Format(at), actor, action, target, detail, remoteAddress }, transaction);

    public IReadOnlyList<AuditRow> For(string target) => connection.Query<AuditRow>(Sql.ForTarget, new { target }).AsList();

    private static class Sql
    {
        public const string Insert = """
            INSERT INTO audit_log (at, actor, action, target, detail, remote_address) VALUES (@at, @actor, @action, @target, @detail, @remoteAddress)
            RETURNING id
            """;

        public const string ForTarget = """
            SELECT at AS At, actor AS Actor, action AS Action, target AS Target, detail AS Detail, remote_address AS RemoteAddress
            FROM audit_log WHERE target = @target ORDER BY id
            """;
    }
}
