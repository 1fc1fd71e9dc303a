using ChuyenDoiSo.Reporting.Storage;
using Dapper;
using Microsoft.Data.Sqlite;

namespace ChuyenDoiSo.Reporting.Operations;

/// <summary>One reason code across all rejections: how many updates it stopped, and the newest example.</summary>
public sealed record RejectionGroupRow
{
    public string Code { get; init; } = "";
    public long Count { get; init; }
    public DateTimeOffset LastReceivedAt { get; init; }
    public string? Example { get; init; }
}

/// <summary>One rejected update with every reason (JSON array of {code, field, message}).</summary>
public sealed record RejectionRow
{
    public long Id { get; init; }
    public string? MessageId { get; init; }
    public string? PlanId { get; init; }
    public string? Department { get; init; }
    public string? Period { get; init; }
    public DateTimeOffset ReceivedAt { get; init; }
    public string? TransportUser { get; init; }
    public string ReasonsJson { get; init; } = "[]";
    /// <summary>
    /// The same content was stored after all (a fault that a re-drive or a redelivery then got through): kept for the
    /// record, but nothing is outstanding. A conflict (same id, other content) is never this.
    /// </summary>
    public bool StoredLater { get; init; }
}

/// <summary>One entry of the audit log of operator actions.</summary>
public sealed record OperatorActionRow
{
    public long Id { get; init; }
    public DateTimeOffset At { get; init; }
    public string Operator { get; init; } = "";
    public string? RemoteAddress { get; init; }
    public string Action { get; init; } = "";
    public string Target { get; init; } = "";
    public long Messages { get; init; }
    public string? Detail { get; init; }
}

/// <summary>What the operator's dashboard asks of the database: rejections grouped by reason, and the audit log.</summary>
public sealed class OperationsQueries(SqliteConnection connection)
{
    public IReadOnlyList<RejectionGroupRow> RejectionsByReason() => connection.Query<RejectionGroupRow>(Sql.RejectionsByReason).AsList();

    public IReadOnlyList<RejectionRow> RecentRejections(int limit) => connection.Query<RejectionRow>(Sql.RecentRejections, new { limit }).AsList();

    /// <summary>A re-drive or discard in the one audit log, its message count and detail as JSON in detail.</summary>
    public long RecordAction(DateTimeOffset at, string @operator, string? remoteAddress, string action, string target, long messages, string? detail) =>
        action is "redrive" or "discard"
            ? new AuditLog(connection).Record(at, @operator, action, target, System.Text.Json.JsonSerializer.Serialize(new { messages, detail }), remoteAddress)
            : throw new ArgumentOutOfRangeException(nameof(action), action, "expected redrive or discard");

    public IReadOnlyList<OperatorActionRow> RecentActions(int limit) => connection.Query<OperatorActionRow>(Sql.RecentActions, new { limit }).AsList();

    private static class Sql
    {
        // A rejection with two reasons of the same code counts once for that code.
        public const string RejectionsByReason = """
            SELECT code AS Code, COUNT(DISTINCT id) AS Count, MAX(received_at) AS LastReceivedAt, MAX(message) AS Example
            FROM (SELECT j.id, json_extract(r.value, '$.code') AS code, j.received_at, json_extract(r.value, '$.message') AS message
                  FROM rejections j, json_each(j.reasons_json) r)
            GROUP BY code
            ORDER BY COUNT(DISTINCT id) DESC, code
            """;
        public const string RecentRejections = """
            SELECT id AS Id, message_id AS MessageId, plan_id AS PlanId, department AS Department, period AS Period,
                   received_at AS ReceivedAt, transport_user AS TransportUser, reasons_json AS ReasonsJson,
                   EXISTS (SELECT 1 FROM submissions s WHERE s.message_id = j.message_id AND s.content_hash = j.content_hash) AS StoredLater
            FROM rejections j
            ORDER BY received_at DESC, id DESC
            LIMIT @limit
            """;
        public const string RecentActions = """
            SELECT id AS Id, at AS At, actor AS Operator, remote_address AS RemoteAddress, action AS Action,
                   target AS Target, CAST(json_extract(detail, '$.messages') AS INTEGER) AS Messages, json_extract(detail, '$.detail') AS Detail
            FROM audit_log
            WHERE action IN ('redrive', 'discard')
            ORDER BY id DESC
            LIMIT @limit
            """;
    }
}
