using ChuyenDoiSo.Reporting.Storage;
using Dapper;

namespace ChuyenDoiSo.Reporting.Deliver;

public sealed record DeliveryRow
{
    public long Id { get; init; }
    public string PlanId { get; init; } = "";
    public string Period { get; init; } = "";
    public string Recipient { get; init; } = "";
    public string Channel { get; init; } = "";
    public DateTimeOffset DueAt { get; init; }
    public string Status { get; init; } = "";
    public long Attempts { get; init; }
    public string MessageId { get; init; } = "";
    public DateTimeOffset? SentAt { get; init; }
    public string? LastError { get; init; }
}

/// <summary>The delivery ledger: one row per plan, period, recipient and channel; opened before a send and closed after.</summary>
public sealed class DeliveryLedger(HubDatabase database)
{
    /// <summary>The send time came and the report, which needs approval, was not approved: nothing left (schema 0015).</summary>
    public const string AwaitingApproval = "awaiting_approval";

    /// <summary>
    /// Records that a report due on a channel was held for approval: the row is created, or an unsent one marked; a row
    /// already sent stays as it is (false). Approval later claims the row with <see cref="Begin"/> like any unsent one.
    /// </summary>
    public bool Hold(string planId, string period, string recipient, string channel, DateTimeOffset dueAt, string messageId)
    {
        using var connection = database.Open();
        using var tx = connection.BeginTransaction(deferred: false);
        connection.Execute(Sql.Insert, new { planId, period, recipient, channel, dueAt = DateTimeOffsetHandler.Format(dueAt), messageId }, tx);
        var held = connection.Execute(Sql.MarkAwaiting, new { planId, period, recipient, channel }, tx) == 1;
        tx.Commit();
        return held;
    }

    /// <summary>
    /// Claims a delivery for sending: creates the row, or takes an existing one that is not sent (or any, to resend).
    /// Returns null when it was already sent and no resend is asked.
    /// </summary>
    public DeliveryRow? Begin(string planId, string period, string recipient, string channel, DateTimeOffset dueAt, string messageId, bool resend)
    {
        using var connection = database.Open();
        using var tx = connection.BeginTransaction(deferred: false);
        connection.Execute(Sql.Insert, new { planId, period, recipient, channel, dueAt = DateTimeOffsetHandler.Format(dueAt), messageId }, tx);
        var row = connection.QuerySingle<DeliveryRow>(Sql.Find, new { planId, period, recipient, channel }, tx);
        if (row.Status == "sent" && !resend)
        {
            tx.Commit();
            return null;
        }
        connection.Execute(Sql.MarkSending, new { row.Id }, tx);
        tx.Commit();
        return row with { Status = "sending", Attempts = row.Attempts + 1 };
    }

    public void Sent(long id, DateTimeOffset at)
    {
        using var connection = database.Open();
        connection.Execute(Sql.MarkSent, new { id, sentAt = DateTimeOffsetHandler.Format(at) });
    }

    public void Failed(long id, string error, bool permanent)
    {
        using var connection = database.Open();
        connection.Execute(Sql.MarkFailed, new { id, error, status = permanent ? "failed" : "pending" });
    }

    public IReadOnlyList<DeliveryRow> All()
    {
        using var connection = database.Open();
        return connection.Query<DeliveryRow>(Sql.All).AsList();
    }

    /// <summary>One plan's (or body's) rows, or one period's of it: the unique key's index answers it.</summary>
    public IReadOnlyList<DeliveryRow> For(string planId, string? period = null)
    {
        using var connection = database.Open();
        return connection.Query<DeliveryRow>(Sql.ForPlan, new { planId, period }).AsList();
    }

    /// <summary>Deliveries left open by a crash (sending) or waiting for another try (pending).</summary>
    public IReadOnlyList<DeliveryRow> Unfinished()
    {
        using var connection = database.Open();
        return connection.Query<DeliveryRow>(Sql.Unfinished).AsList();
    }

    /// <summary>Whether a reminder was already sent (recorded after the server accepted it).</summary>
    public bool ReminderSent(string planId, string period, string department, int offsetDays)
    {
        using var connection = database.Open();
        return connection.ExecuteScalar<long>(Sql.HasReminder, new { planId, period, department, offsetDays }) > 0;
    }

    /// <summary>Records a reminder; false when it was already sent.</summary>
    public bool RecordReminder(string planId, string period, string department, int offsetDays, string recipient, DateTimeOffset at)
    {
        using var connection = database.Open();
        return connection.Execute(Sql.InsertReminder, new { planId, period, department, offsetDays, recipient, sentAt = DateTimeOffsetHandler.Format(at) }) == 1;
    }

    public string? State(string key)
    {
        using var connection = database.Open();
        return connection.QueryFirstOrDefault<string>(Sql.GetState, new { key });
    }

    /// <summary>Sets a state value once; returns the value that holds afterwards.</summary>
    public string InitState(string key, string value)
    {
        using var connection = database.Open();
        connection.Execute(Sql.InitState, new { key, value });
        return connection.QuerySingle<string>(Sql.GetState, new { key });
    }

    private static class Sql
    {
        private const string Columns = """
            id AS Id, plan_id AS PlanId, period AS Period, recipient AS Recipient, channel AS Channel, due_at AS DueAt,
            status AS Status, attempts AS Attempts, message_id AS MessageId, sent_at AS SentAt, last_error AS LastError
            """;
        public const string Insert = """
            INSERT INTO deliveries (plan_id, period, recipient, channel, due_at, status, attempts, message_id)
            VALUES (@planId, @period, @recipient, @channel, @dueAt, 'pending', 0, @messageId)
            ON CONFLICT (plan_id, period, recipient, channel) DO NOTHING
            """;
        public const string Find = "SELECT " + Columns + " FROM deliveries WHERE plan_id = @planId AND period = @period AND recipient = @recipient AND channel = @channel";
        public const string MarkSending = "UPDATE deliveries SET status = 'sending', attempts = attempts + 1 WHERE id = @Id";
        public const string MarkAwaiting = """
            UPDATE deliveries SET status = 'awaiting_approval'
            WHERE plan_id = @planId AND period = @period AND recipient = @recipient AND channel = @channel AND status <> 'sent'
            """;
        public const string MarkSent = "UPDATE deliveries SET status = 'sent', sent_at = @sentAt, last_error = NULL WHERE id = @id";
        public const string MarkFailed = "UPDATE deliveries SET status = @status, last_error = @error WHERE id = @id AND status <> 'sent'";
        public const string All = "SELECT " + Columns + " FROM deliveries ORDER BY due_at, plan_id, period, channel";
        public const string ForPlan = "SELECT " + Columns + " FROM deliveries WHERE plan_id = @planId AND (@period IS NULL OR period = @period) ORDER BY due_at, period, channel";
        public const string Unfinished = "SELECT " + Columns + " FROM deliveries WHERE status IN ('sending', 'pending') ORDER BY due_at";
        public const string InsertReminder = """
            INSERT INTO reminders (plan_id, period, department, offset_days, sent_at, recipient)
            VALUES (@planId, @period, @department, @offsetDays, @sentAt, @recipient)
            ON CONFLICT DO NOTHING
            """;
        public const string HasReminder = "SELECT COUNT(*) FROM reminders WHERE plan_id = @planId AND period = @period AND department = @department AND offset_days = @offsetDays";
        public const string GetState = "SELECT value FROM hub_state WHERE key = @key";
        public const string InitState = "INSERT INTO hub_state (key, value) VALUES (@key, @value) ON CONFLICT (key) DO NOTHING";
    }
}
