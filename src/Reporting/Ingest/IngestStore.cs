using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Storage;
using Dapper;
using Microsoft.Data.Sqlite;

namespace ChuyenDoiSo.Reporting.Ingest;

/// <summary>One update as received: the message (null when unreadable), why it is rejected (if it is), and transport facts.</summary>
public sealed record IncomingSubmission(
    DepartmentReportSubmitted? Message,
    Guid? MessageId,
    string Raw,
    DateTimeOffset ReceivedAt,
    string? TransportUser,
    IReadOnlyList<RejectionReason> Reasons);

public enum IngestOutcome
{
    Accepted,
    Duplicate,
    Conflict,
    Rejected,
}

public sealed record IngestResult(Guid? MessageId, IngestOutcome Outcome, IReadOnlyList<RejectionReason> Reasons, long? SubmissionId);

/// <summary>
/// Stores updates with Dapper: the raw message and its normalised values in one transaction per batch,
/// an inbox keyed by message id (the same content twice is a duplicate, other content a conflict),
/// and a receipt per delivery for the audit trail.
/// </summary>
public sealed class IngestStore(HubDatabase database)
{
    public IReadOnlyList<IngestResult> Store(IReadOnlyList<IncomingSubmission> batch)
    {
        using var connection = database.Open();
        using var tx = connection.BeginTransaction(deferred: false);
        var results = new List<IngestResult>(batch.Count);
        foreach (var item in batch) results.Add(StoreOne(connection, tx, item));
        tx.Commit();
        return results;
    }

    public IngestResult Store(IncomingSubmission item) => Store([item])[0];

    private static IngestResult StoreOne(SqliteConnection connection, SqliteTransaction tx, IncomingSubmission item)
    {
        var messageId = item.Message?.MessageId is { } id && id != Guid.Empty ? id : item.MessageId;
        var key = messageId?.ToString();
        var hash = item.Message is not null ? ContentHash(item.Message) : Hash(item.Raw);
        var receivedAt = item.ReceivedAt;

        if (item.Reasons.Count > 0)
        {
            // A rejected message redelivered is the same rejection, not a new one.
            if (key is not null && connection.QueryFirstOrDefault<long?>(Sql.FindRejection, new { messageId = key, hash }, tx) is { } existing)
            {
                connection.Execute(Sql.InsertReceipt, new { messageId = key, outcome = "duplicate", receivedAt, submissionId = (long?)null, rejectionId = existing }, tx);
                return new IngestResult(messageId, IngestOutcome.Duplicate, item.Reasons, null);
            }
            var rejectionId = InsertRejection(connection, tx, item, key, hash, item.Reasons);
            connection.Execute(Sql.InsertReceipt, new { messageId = key, outcome = "rejected", receivedAt, submissionId = (long?)null, rejectionId }, tx);
            return new IngestResult(messageId, IngestOutcome.Rejected, item.Reasons, null);
        }

        var message = item.Message!;
        var stored = connection.QueryFirstOrDefault<StoredRow>(Sql.FindSubmission, new { messageId = key }, tx);
        if (stored is not null)
        {
            if (stored.ContentHash == hash)
            {
                connection.Execute(Sql.InsertReceipt, new { messageId = key, outcome = "duplicate", receivedAt, submissionId = stored.Id, rejectionId = (long?)null }, tx);
                return new IngestResult(messageId, IngestOutcome.Duplicate, [], stored.Id);
            }
            RejectionReason[] conflict = [new("conflict", "$.messageId", $"message id {key} was already stored with different content; send a new message id for a new update")];
            var rejectionId = InsertRejection(connection, tx, item, key, hash, conflict);
            connection.Execute(Sql.InsertReceipt, new { messageId = key, outcome = "conflict", receivedAt, submissionId = (long?)null, rejectionId }, tx);
            return new IngestResult(messageId, IngestOutcome.Conflict, conflict, null);
        }

        var submissionId = connection.ExecuteScalar<long>(Sql.InsertSubmission, new
        {
            messageId = key,
            contentHash = hash,
            planId = message.PlanId,
            department = message.Department,
            period = message.Period,
            submittedAt = message.SubmittedAt,
            submittedBy = message.SubmittedBy,
            receivedAt,
            receivedDate = HubTime.LocalDate(receivedAt),
            transportUser = item.TransportUser,
            results = message.Narrative?.Results,
            difficulties = message.Narrative?.Difficulties,
            proposals = message.Narrative?.Proposals,
            raw = item.Raw,
        }, tx);
        foreach (var v in message.Indicators)
        {
            var counted = v.Numerator is { } n && v.Denominator is { } d && d != 0 ? n / d * 100m : (decimal?)null;
            connection.Execute(Sql.InsertIndicator, new
            {
                submissionId,
                code = v.Code,
                value = counted ?? v.Value,
                numerator = v.Numerator,
                denominator = v.Denominator,
                statedValue = counted is null ? null : v.Value,
            }, tx);
        }
        foreach (var t in message.Tasks)
            connection.Execute(Sql.InsertTask, new { submissionId, code = t.Code, status = t.Status, progress = t.Progress, note = t.Note }, tx);
        foreach (var s in message.Statistics)
            connection.Execute(Sql.InsertStatistic, new { submissionId, code = s.Code, value = s.Value }, tx);
        connection.Execute(Sql.InsertReceipt, new { messageId = key, outcome = "accepted", receivedAt, submissionId, rejectionId = (long?)null }, tx);
        return new IngestResult(messageId, IngestOutcome.Accepted, [], submissionId);
    }

    private static long InsertRejection(SqliteConnection connection, SqliteTransaction tx, IncomingSubmission item, string? key, string hash, IReadOnlyList<RejectionReason> reasons) =>
        connection.ExecuteScalar<long>(Sql.InsertRejection, new
        {
            messageId = key,
            planId = NullIfEmpty(item.Message?.PlanId),
            department = NullIfEmpty(item.Message?.Department),
            period = NullIfEmpty(item.Message?.Period),
            receivedAt = item.ReceivedAt,
            transportUser = item.TransportUser,
            contentHash = hash,
            reasonsJson = JsonSerializer.Serialize(reasons, PlanJson.Options),
            raw = item.Raw,
        }, tx);

    /// <summary>SHA-256 of the message's canonical JSON: the same update in any envelope or key order hashes alike.</summary>
    public static string ContentHash(DepartmentReportSubmitted message) => Hash(JsonSerializer.Serialize(message, PlanJson.Options));

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    private sealed record StoredRow
{
    public long Id { get; init; }
    public string ContentHash { get; init; } = "";
}

    private static class Sql
    {
        public const string FindSubmission = "SELECT id AS Id, content_hash AS ContentHash FROM submissions WHERE message_id = @messageId";
        public const string FindRejection = "SELECT id FROM rejections WHERE message_id = @messageId AND content_hash = @hash LIMIT 1";
        public const string InsertSubmission = """
            INSERT INTO submissions (message_id, content_hash, plan_id, department, period, submitted_at, submitted_by,
                                     received_at, received_date, transport_user, narrative_results, narrative_difficulties,
                                     narrative_proposals, raw_json)
            VALUES (@messageId, @contentHash, @planId, @department, @period, @submittedAt, @submittedBy,
                    @receivedAt, @receivedDate, @transportUser, @results, @difficulties, @proposals, @raw)
            RETURNING id
            """;
        public const string InsertIndicator = """
            INSERT INTO submission_indicators (submission_id, code, value, numerator, denominator, stated_value)
            VALUES (@submissionId, @code, @value, @numerator, @denominator, @statedValue)
            """;
        public const string InsertTask = """
            INSERT INTO submission_tasks (submission_id, code, status, progress, note)
            VALUES (@submissionId, @code, @status, @progress, @note)
            """;
        public const string InsertStatistic = "INSERT INTO submission_statistics (submission_id, code, value) VALUES (@submissionId, @code, @value)";
        public const string InsertRejection = """
            INSERT INTO rejections (message_id, plan_id, department, period, received_at, transport_user, content_hash, reasons_json, raw)
            VALUES (@messageId, @planId, @department, @period, @receivedAt, @transportUser, @contentHash, @reasonsJson, @raw)
            RETURNING id
            """;
        public const string InsertReceipt = """
            INSERT INTO receipts (message_id, outcome, received_at, submission_id, rejection_id)
            VALUES (@messageId, @outcome, @receivedAt, @submissionId, @rejectionId)
            """;
    }
}
