using ChuyenDoiSo.Reporting.Operations;
using ChuyenDoiSo.Reporting.Storage;
using Dapper;
using Microsoft.Data.Sqlite;

namespace ChuyenDoiSo.Reporting.Approval;

/// <summary>One report's approval as stored (never its draft's bytes, see <see cref="ApprovalStore.DraftPdf"/>).</summary>
public sealed record ApprovalRow
{
    public string PlanId { get; init; } = "";
    public string Period { get; init; } = "";
    public string State { get; init; } = "";
    public DateTimeOffset? DraftCompiledAt { get; init; }
    public string? ReadyBy { get; init; }
    public DateTimeOffset? ReadyAt { get; init; }
    public string? ApprovedBy { get; init; }
    public DateTimeOffset? ApprovedAt { get; init; }
    /// <summary>Reopened by the office after approval: the next approval issues a replacement (a new number naming the old).</summary>
    public bool Replacing { get; init; }
}

/// <summary>A department's update sent back with a comment.</summary>
public sealed record ApprovalReturnRow
{
    public long Id { get; init; }
    public string Department { get; init; } = "";
    public string Comment { get; init; } = "";
    public string ReturnedBy { get; init; } = "";
    public DateTimeOffset ReturnedAt { get; init; }
}

/// <summary>One edit of a commune section by the office.</summary>
public sealed record ApprovalEditRow
{
    public long Id { get; init; }
    public string Section { get; init; } = "";
    public string Text { get; init; } = "";
    public string EditedBy { get; init; } = "";
    public DateTimeOffset EditedAt { get; init; }
}

/// <summary>
/// A report awaiting approval: its draft is out, or its send time held it, and it is not approved. Overdue: its send time
/// passed and the ledger holds it as awaiting_approval.
/// </summary>
public sealed record AwaitingApprovalRow
{
    public string PlanId { get; init; } = "";
    public string Period { get; init; } = "";
    public string State { get; init; } = "";
    public bool Overdue { get; init; }
}

/// <summary>When each department's update now in force for a period was received.</summary>
public sealed record DepartmentReceiptRow
{
    public string Department { get; init; } = "";
    public DateTimeOffset ReceivedAt { get; init; }
}

/// <summary>
/// The approval tables (schema 0015): states, departments sent back, the office's edits. Each change is written with its
/// audit_log row in one transaction; whether it is allowed is <see cref="ApprovalWorkflow"/>'s to say; instants come from the caller.
/// </summary>
public sealed class ApprovalStore(SqliteConnection connection)
{
    /// <summary>The audit_log target of a report: "plan/period".</summary>
    public static string Target(string planId, string period) => $"{planId}/{period}";

    public ApprovalRow? Find(string planId, string period) => connection.QuerySingleOrDefault<ApprovalRow>(Sql.Find, new { planId, period });

    /// <summary>Whether the signer approved the period: a report that needs approval is never sent without it.</summary>
    public bool IsApproved(string planId, string period) => Find(planId, period)?.State == ApprovalStates.Approved;

    public IReadOnlyList<ApprovalRow> All(string? planId) => connection.Query<ApprovalRow>(Sql.All, new { planId }).AsList();

    public byte[]? DraftPdf(string planId, string period) => connection.QuerySingleOrDefault<byte[]?>(Sql.DraftPdf, new { planId, period });

    /// <summary>
    /// Keeps the newest draft of a period not yet approved; the first one opens the row in state draft. False when the
    /// period is approved (locked): the draft is not touched.
    /// </summary>
    public bool SaveDraft(string planId, string period, byte[] pdf, DateTimeOffset at, string actor)
    {
        using var tx = connection.BeginTransaction();
        var existing = connection.QuerySingleOrDefault<string?>(Sql.State, new { planId, period }, tx);
        if (existing == ApprovalStates.Approved)
        {
            tx.Commit();
            return false;
        }
        connection.Execute(Sql.UpsertDraft, new { planId, period, pdf, at = DateTimeOffsetHandler.Format(at) }, tx);
        if (existing is null) new AuditLog(connection).Record(at, actor, "draft_compiled", Target(planId, period), null, transaction: tx);
        tx.Commit();
        return true;
    }

    public long Return(string planId, string period, string department, string comment, string user, DateTimeOffset at, string state)
    {
        using var tx = connection.BeginTransaction();
        var id = connection.ExecuteScalar<long>(Sql.InsertReturn, new { planId, period, department, comment, user, at = DateTimeOffsetHandler.Format(at) }, tx);
        connection.Execute(Sql.SetState, new { planId, period, state }, tx);
        new AuditLog(connection).Record(at, user, "department_returned", Target(planId, period), $"{department}: {comment}", transaction: tx);
        tx.Commit();
        return id;
    }

    /// <summary>
    /// Keeps an edit of a commune section; false when the period is approved (locked): checked in the same write transaction,
    /// so an edit racing the approval never lands after it and changes what a replacement report would print.
    /// </summary>
    public bool Edit(string planId, string period, string section, string text, string user, DateTimeOffset at, string state)
    {
        using var tx = connection.BeginTransaction(deferred: false);
        if (connection.QuerySingleOrDefault<string?>(Sql.State, new { planId, period }, tx) == ApprovalStates.Approved)
        {
            tx.Commit();
            return false;
        }
        connection.Execute(Sql.InsertEdit, new { planId, period, section, text, user, at = DateTimeOffsetHandler.Format(at) }, tx);
        connection.Execute(Sql.SetState, new { planId, period, state }, tx);
        new AuditLog(connection).Record(at, user, "section_edited", Target(planId, period), section, transaction: tx);
        tx.Commit();
        return true;
    }

    public void MarkReady(string planId, string period, string user, DateTimeOffset at)
    {
        using var tx = connection.BeginTransaction();
        connection.Execute(Sql.MarkReady, new { planId, period, user, at = DateTimeOffsetHandler.Format(at) }, tx);
        new AuditLog(connection).Record(at, user, "marked_ready", Target(planId, period), null, transaction: tx);
        tx.Commit();
    }

    /// <summary>Approves once: false when another approval came first (the row was approved between reading and writing).</summary>
    public bool Approve(string planId, string period, string user, DateTimeOffset at)
    {
        using var tx = connection.BeginTransaction(deferred: false);
        var approved = connection.Execute(Sql.Approve, new { planId, period, user, at = DateTimeOffsetHandler.Format(at) }, tx) == 1;
        if (approved) new AuditLog(connection).Record(at, user, "approved", Target(planId, period), null, transaction: tx);
        tx.Commit();
        return approved;
    }

    /// <summary>
    /// The office reopens an approved report for a replacement: back to draft, marked replacing; false when it is not
    /// approved (nothing to replace, or reopened already).
    /// </summary>
    public bool Reopen(string planId, string period, string user, string reason, DateTimeOffset at)
    {
        using var tx = connection.BeginTransaction(deferred: false);
        var reopened = connection.Execute(Sql.Reopen, new { planId, period }, tx) == 1;
        if (reopened) new AuditLog(connection).Record(at, user, "reopened", Target(planId, period), reason, transaction: tx);
        tx.Commit();
        return reopened;
    }

    /// <summary>The replacement is issued: the period is an ordinary approved one again.</summary>
    public void ReplacementIssued(string planId, string period) => connection.Execute(Sql.ReplacementIssued, new { planId, period });

    /// <summary>A refused action, recorded as well: who tried what.</summary>
    public void Refused(string planId, string period, string user, string action, string why, DateTimeOffset at) =>
        new AuditLog(connection).Record(at, user, action + "_refused", Target(planId, period), why);

    public IReadOnlyList<ApprovalReturnRow> Returns(string planId, string period) => connection.Query<ApprovalReturnRow>(Sql.Returns, new { planId, period }).AsList();

    public IReadOnlyList<ApprovalEditRow> Edits(string planId, string period) => connection.Query<ApprovalEditRow>(Sql.Edits, new { planId, period }).AsList();

    /// <summary>The newest edit of each section edited, by section (<see cref="ApprovalSections"/>): the text printed in the report.</summary>
    public IReadOnlyDictionary<string, ApprovalEditRow> CurrentEdits(string planId, string period) =>
        Edits(planId, period).GroupBy(e => e.Section).ToDictionary(g => g.Key, g => g.MaxBy(e => e.Id)!);

    public IReadOnlyList<DepartmentReceiptRow> Receipts(string planId, string period) => connection.Query<DepartmentReceiptRow>(Sql.Receipts, new { planId, period }).AsList();

    /// <summary>The drafts not approved whose period has a counted update received after the draft was compiled.</summary>
    public IReadOnlyList<ApprovalRow> Stale() => connection.Query<ApprovalRow>(Sql.Stale).AsList();

    /// <summary>Every (department, period) of a plan whose latest return came after its counted update: still "returned".</summary>
    public IReadOnlyList<(string Department, string Period)> StillReturned(string planId) =>
        connection.Query<(string, string)>(Sql.StillReturned, new { planId }).AsList();

    /// <summary>When each department's counted update for the period came, by code.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> LatestReceipts(string planId, string period) =>
        Receipts(planId, period).ToDictionary(r => r.Department, r => r.ReceivedAt, StringComparer.Ordinal);

    /// <summary>The reports awaiting approval (the dashboard's banner lists them), overdue ones flagged; by plan and period.</summary>
    public IReadOnlyList<AwaitingApprovalRow> Awaiting() => connection.Query<AwaitingApprovalRow>(Sql.Awaiting).AsList();

    /// <summary>
    /// How many reports await approval (their draft is out, or the send time held them) and how many of them are overdue
    /// (the send time passed with nothing sent: the ledger holds them as awaiting_approval): the gauges, from the banner's list.
    /// </summary>
    public (long Awaiting, long Overdue) Counts()
    {
        var awaiting = Awaiting();
        return (awaiting.Count, awaiting.Count(a => a.Overdue));
    }

    private static class Sql
    {
        // A report held at the send time without a stored draft (the hub was down at the cut-off) awaits approval all the same.
        public const string Awaiting = """
            SELECT plan_id AS PlanId, period AS Period, MIN(state) AS State, MAX(overdue) AS Overdue FROM (
                SELECT plan_id, period, state, 0 AS overdue FROM approvals WHERE state <> 'approved'
                UNION ALL
                SELECT d.plan_id, d.period, COALESCE(a.state, 'draft'), 1 FROM deliveries d
                LEFT JOIN approvals a ON a.plan_id = d.plan_id AND a.period = d.period
                WHERE d.status = 'awaiting_approval' AND COALESCE(a.state, 'draft') <> 'approved')
            GROUP BY plan_id, period
            ORDER BY plan_id, period
            """;
        private const string Columns = """
            plan_id AS PlanId, period AS Period, state AS State, draft_compiled_at AS DraftCompiledAt, ready_by AS ReadyBy,
            ready_at AS ReadyAt, approved_by AS ApprovedBy, approved_at AS ApprovedAt, replacing AS Replacing
            """;
        public const string Find = "SELECT " + Columns + " FROM approvals WHERE plan_id = @planId AND period = @period";
        public const string All = "SELECT " + Columns + " FROM approvals WHERE @planId IS NULL OR plan_id = @planId ORDER BY plan_id, draft_compiled_at, period";
        // Instants are stored in one fixed-width UTC form (HubDatabase.Format), so they compare as text; an update at the
        // draft's very instant may have missed it, so it counts too.
        public const string Stale = "SELECT " + Columns + """
             FROM approvals a WHERE a.state <> 'approved' AND EXISTS (
                SELECT 1 FROM current_submissions c WHERE c.plan_id = a.plan_id AND c.period = a.period AND c.received_at >= a.draft_compiled_at)
            ORDER BY a.plan_id, a.period
            """;
        // The same rule as ApprovalWorkflow.IsStillReturned: returned until an update received after the return.
        public const string StillReturned = """
            SELECT r.department, r.period FROM approval_returns r
            WHERE r.plan_id = @planId
              AND r.id = (SELECT MAX(x.id) FROM approval_returns x WHERE x.plan_id = r.plan_id AND x.period = r.period AND x.department = r.department)
              AND NOT EXISTS (SELECT 1 FROM current_submissions c
                              WHERE c.plan_id = r.plan_id AND c.period = r.period AND c.department = r.department AND c.received_at > r.returned_at)
            ORDER BY r.period, r.department
            """;
        public const string Reopen = """
            UPDATE approvals SET state = 'draft', replacing = 1, ready_by = NULL, ready_at = NULL
            WHERE plan_id = @planId AND period = @period AND state = 'approved'
            """;
        public const string ReplacementIssued = "UPDATE approvals SET replacing = 0 WHERE plan_id = @planId AND period = @period AND state = 'approved'";
        public const string State = "SELECT state FROM approvals WHERE plan_id = @planId AND period = @period";
        public const string DraftPdf = "SELECT draft_pdf FROM approvals WHERE plan_id = @planId AND period = @period";
        public const string UpsertDraft = """
            INSERT INTO approvals (plan_id, period, state, draft_pdf, draft_compiled_at) VALUES (@planId, @period, 'draft', @pdf, @at)
            ON CONFLICT (plan_id, period) DO UPDATE SET draft_pdf = excluded.draft_pdf, draft_compiled_at = excluded.draft_compiled_at
            WHERE approvals.state <> 'approved'
            """;
        public const string SetState = "UPDATE approvals SET state = @state WHERE plan_id = @planId AND period = @period AND state <> 'approved'";
        public const string MarkReady = """
            UPDATE approvals SET state = 'ready', ready_by = @user, ready_at = @at WHERE plan_id = @planId AND period = @period AND state = 'draft'
            """;
        public const string Approve = """
            UPDATE approvals SET state = 'approved', approved_by = @user, approved_at = @at WHERE plan_id = @planId AND period = @period AND state <> 'approved'
            """;
        public const string InsertReturn = """
            INSERT INTO approval_returns (plan_id, period, department, comment, returned_by, returned_at)
            VALUES (@planId, @period, @department, @comment, @user, @at) RETURNING id
            """;
        public const string Returns = """
            SELECT id AS Id, department AS Department, comment AS Comment, returned_by AS ReturnedBy, returned_at AS ReturnedAt
            FROM approval_returns WHERE plan_id = @planId AND period = @period ORDER BY id
            """;
        public const string InsertEdit = """
            INSERT INTO approval_edits (plan_id, period, section, text, edited_by, edited_at) VALUES (@planId, @period, @section, @text, @user, @at)
            """;
        public const string Edits = """
            SELECT id AS Id, section AS Section, text AS Text, edited_by AS EditedBy, edited_at AS EditedAt
            FROM approval_edits WHERE plan_id = @planId AND period = @period ORDER BY id
            """;
        public const string Receipts = """
            SELECT department AS Department, received_at AS ReceivedAt FROM current_submissions WHERE plan_id = @planId AND period = @period ORDER BY department
            """;
    }
}
