using ChuyenDoiSo.Reporting.Storage;
using Dapper;
using Microsoft.Data.Sqlite;

namespace ChuyenDoiSo.Reporting.Portal;

/// <summary>One version a department sent for a period: stored (accepted) or rejected, and whether it is the one that counts.</summary>
public sealed record VersionRow
{
    public string? MessageId { get; init; }
    /// <summary>accepted or rejected.</summary>
    public string Outcome { get; init; } = "";
    public string ReceivedAt { get; init; } = "";
    public string? SubmittedBy { get; init; }
    public string? TransportUser { get; init; }
    public bool Counts { get; init; }
    public string? ReasonsJson { get; init; }
}

/// <summary>The hub's receipt for one message id: its outcome, and for an accepted one what it was for.</summary>
public sealed record PortalReceiptRow
{
    public string Outcome { get; init; } = "";
    public string ReceivedAt { get; init; } = "";
    public string? PlanId { get; init; }
    public string? Department { get; init; }
    public string? Period { get; init; }
    public string? ReasonsJson { get; init; }
    public string? FirstReceivedDate { get; init; }
    public bool Counts { get; init; }
}

/// <summary>What the portal asks of the database: a department's versions, receipts, password generations and the login log.</summary>
public sealed class PortalQueries(SqliteConnection connection)
{
    public const int MaxUserNameChars = 200;

    public IReadOnlyList<SentSummary> Sent(string planId, string department)
    {
        var rows = connection.Query<(string Period, long Versions, long Rejected, string? Current, string? First)>(Sql.Sent, new { planId, department });
        return rows.Select(r => new SentSummary(r.Period, (int)r.Versions, (int)r.Rejected,
            r.Current is null ? null : new DateTimeOffsetHandler().Parse(r.Current),
            r.First is null ? null : new DateOnlyHandler().Parse(r.First))).ToList();
    }

    /// <summary>Every version, newest first: the accepted ones (one of them counts) and the rejected ones.</summary>
    public IReadOnlyList<VersionRow> Versions(string planId, string department, string period) =>
        connection.Query<VersionRow>(Sql.Versions, new { planId, department, period }).AsList();

    /// <summary>The first receipt for a message id, with the owner of what it stored or refused; null while there is none.</summary>
    public PortalReceiptRow? Receipt(string messageId) => connection.QueryFirstOrDefault<PortalReceiptRow>(Sql.Receipt, new { messageId });

    public int Generation(string planId, string department) =>
        connection.ExecuteScalar<int?>(Sql.Generation, new { planId, department }) ?? 0;

    public IReadOnlyDictionary<(string Plan, string Department), int> Generations() =>
        connection.Query<(string Plan, string Department, long Generation)>(Sql.Generations).ToDictionary(r => (r.Plan, r.Department), r => (int)r.Generation);

    /// <summary>Counts the department's password generation up by one; returns the new one.</summary>
    public int Rotate(string planId, string department, DateTimeOffset at) =>
        connection.ExecuteScalar<int>(Sql.Rotate, new { planId, department, at = DateTimeOffsetHandler.Format(at) });

    /// <summary>A portal login in the one audit log: action portal_login_&lt;outcome&gt; (success, failure, lockout, locked) on target "portal".</summary>
    public void RecordLogin(DateTimeOffset at, string userName, string? remoteAddress, string outcome) =>
        new Operations.AuditLog(connection).Record(at, userName.Length > MaxUserNameChars ? userName[..MaxUserNameChars] : userName,
            LoginAction + outcome, LoginTarget, null, remoteAddress);

    public const string LoginTarget = "portal";
    public const string LoginAction = "portal_login_";

    private static class Sql
    {
        public const string Sent = """
            SELECT p.period, COUNT(s.id) AS versions,
                   (SELECT COUNT(*) FROM rejections r WHERE r.plan_id = @planId AND r.department = @department AND r.period = p.period) AS rejected,
                   c.received_at AS current, c.first_received_date AS first
            FROM (SELECT period FROM submissions WHERE plan_id = @planId AND department = @department
                  UNION SELECT period FROM rejections WHERE plan_id = @planId AND department = @department AND period IS NOT NULL) p
            LEFT JOIN submissions s ON s.plan_id = @planId AND s.department = @department AND s.period = p.period
            LEFT JOIN current_submissions c ON c.plan_id = @planId AND c.department = @department AND c.period = p.period
            GROUP BY p.period
            """;
        public const string Versions = """
            SELECT s.message_id AS MessageId, 'accepted' AS Outcome, s.received_at AS ReceivedAt, s.submitted_by AS SubmittedBy,
                   s.transport_user AS TransportUser, (c.submission_id IS NOT NULL) AS Counts, NULL AS ReasonsJson
            FROM submissions s
            LEFT JOIN current_submissions c ON c.submission_id = s.id
            WHERE s.plan_id = @planId AND s.department = @department AND s.period = @period
            UNION ALL
            SELECT r.message_id, 'rejected', r.received_at, NULL, r.transport_user, 0, r.reasons_json
            FROM rejections r
            WHERE r.plan_id = @planId AND r.department = @department AND r.period = @period
            ORDER BY ReceivedAt DESC
            """;
        public const string Receipt = """
            SELECT x.outcome AS Outcome, x.received_at AS ReceivedAt,
                   COALESCE(s.plan_id, r.plan_id) AS PlanId, COALESCE(s.department, r.department) AS Department,
                   COALESCE(s.period, r.period) AS Period, r.reasons_json AS ReasonsJson,
                   c.first_received_date AS FirstReceivedDate, (c.submission_id = s.id) AS Counts
            FROM receipts x
            LEFT JOIN submissions s ON s.id = x.submission_id
            LEFT JOIN rejections r ON r.id = x.rejection_id
            LEFT JOIN current_submissions c ON c.plan_id = s.plan_id AND c.period = s.period AND c.department = s.department
            WHERE x.message_id = @messageId
            ORDER BY x.id
            LIMIT 1
            """;
        public const string Generation = "SELECT generation FROM department_credentials WHERE plan_id = @planId AND department = @department";
        public const string Generations = "SELECT plan_id, department, generation FROM department_credentials";
        public const string Rotate = """
            INSERT INTO department_credentials (plan_id, department, generation, rotated_at) VALUES (@planId, @department, 1, @at)
            ON CONFLICT (plan_id, department) DO UPDATE SET generation = generation + 1, rotated_at = excluded.rotated_at
            RETURNING generation
            """;
    }
}
