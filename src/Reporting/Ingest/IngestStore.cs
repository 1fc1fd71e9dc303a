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
/// An update with the work that needs no database already done (content hash, values as JSON, instants as text):
/// consumers prepare in parallel, so the one writer's transaction only binds and inserts.
/// </summary>
public sealed record PreparedSubmission(
    IncomingSubmission Item,
    string? Key,
    string Hash,
    string ReceivedAt,
    string ReceivedDate,
    string IndicatorsJson,
    string TasksJson,
    string StatisticsJson);

/// <summary>
/// Stores updates with Dapper: the raw message and its normalised values in one transaction per batch,
/// an inbox keyed by message id (the same content twice is a duplicate, other content a conflict),
/// and a receipt per delivery for the audit trail.
/// </summary>
public sealed class IngestStore(HubDatabase database)
{
    public IReadOnlyList<IngestResult> Store(IReadOnlyList<IncomingSubmission> batch) => StorePrepared(batch.Select(Prepare).ToList());

    public IngestResult Store(IncomingSubmission item) => Store([item])[0];

    public static PreparedSubmission Prepare(IncomingSubmission item)
    {
        var message = item.Message;
        var store = message is not null && item.Reasons.Count == 0;
        return new PreparedSubmission(
            item,
            Key(item),
            message is not null ? ContentHash(message) : Hash(item.Raw),
            Utc(item.ReceivedAt),
            HubTime.LocalDate(item.ReceivedAt).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            store ? SubmissionValues.IndicatorsJson(message!) : "[]",
            store ? SubmissionValues.TasksJson(message!) : "[]",
            store ? SubmissionValues.StatisticsJson(message!) : "[]");
    }

    public IReadOnlyList<IngestResult> StorePrepared(IReadOnlyList<PreparedSubmission> batch)
    {
        using var connection = database.Open();
        // IMMEDIATE: take the write lock now, so the ids assigned below stay ours until commit.
        using var tx = connection.BeginTransaction(deferred: false);
        var results = new IngestResult[batch.Count];
        var known = connection.Query<StoredRow>(Sql.FindSubmissions, new { messageIds = batch.Select(b => b.Key).Where(k => k is not null).Distinct().ToList() }, tx)
            .ToDictionary(r => r.MessageId, StringComparer.Ordinal);

        var nextId = connection.ExecuteScalar<long>(Sql.MaxSubmissionId, transaction: tx) + 1;
        // The hot path: three prepared statements, parameters rebound per row (Dapper per row costs ~5x).
        using var insertSubmission = new PreparedInsert(connection, tx, Sql.InsertSubmission);
        using var upsertCurrent = new PreparedInsert(connection, tx, Sql.UpsertCurrent);
        using var insertReceipt = new PreparedInsert(connection, tx, Sql.InsertReceipt);
        for (var i = 0; i < batch.Count; i++)
        {
            var prepared = batch[i];
            var (item, key, hash, receivedAt) = (prepared.Item, prepared.Key, prepared.Hash, prepared.ReceivedAt);
            var messageId = key is null ? (Guid?)null : Guid.Parse(key);
            if (item.Reasons.Count > 0)
            {
                // A fault recorded for an update that is in fact stored (a redelivery after a lost ack) is a duplicate.
                if (key is not null && known.TryGetValue(key, out var storedAlready) && storedAlready.ContentHash == hash)
                {
                    insertReceipt.Run(key, "duplicate", receivedAt, storedAlready.Id, null);
                    results[i] = new IngestResult(messageId, IngestOutcome.Duplicate, [], storedAlready.Id);
                    continue;
                }
                // A rejected message redelivered is the same rejection, not a new one.
                if (key is not null && connection.QueryFirstOrDefault<long?>(Sql.FindRejection, new { messageId = key, hash }, tx) is { } existing)
                {
                    insertReceipt.Run(key, "duplicate", receivedAt, null, existing);
                    results[i] = new IngestResult(messageId, IngestOutcome.Duplicate, item.Reasons, null);
                    continue;
                }
                var rejectionId = InsertRejection(connection, tx, item, key, hash, item.Reasons);
                insertReceipt.Run(key, "rejected", receivedAt, null, rejectionId);
                results[i] = new IngestResult(messageId, IngestOutcome.Rejected, item.Reasons, null);
                continue;
            }

            if (known.TryGetValue(key!, out var stored))
            {
                if (stored.ContentHash == hash)
                {
                    insertReceipt.Run(key, "duplicate", receivedAt, stored.Id, null);
                    results[i] = new IngestResult(messageId, IngestOutcome.Duplicate, [], stored.Id);
                    continue;
                }
                if (connection.QueryFirstOrDefault<long?>(Sql.FindRejection, new { messageId = key, hash }, tx) is { } seen)
                {
                    insertReceipt.Run(key, "duplicate", receivedAt, null, seen);
                    results[i] = new IngestResult(messageId, IngestOutcome.Duplicate, [], null);
                    continue;
                }
                RejectionReason[] conflict = [new("conflict", "$.messageId", $"message id {key} was already stored with different content; send a new message id for a new update")];
                var rejectionId = InsertRejection(connection, tx, item, key, hash, conflict);
                insertReceipt.Run(key, "conflict", receivedAt, null, rejectionId);
                results[i] = new IngestResult(messageId, IngestOutcome.Conflict, conflict, null);
                continue;
            }

            var message = item.Message!;
            var submissionId = nextId++;
            known[key!] = new StoredRow { Id = submissionId, MessageId = key!, ContentHash = hash };
            insertSubmission.Run(
                submissionId, key, hash, message.PlanId, message.Department, message.Period,
                message.SubmittedAt is { } submittedAt ? Utc(submittedAt) : null, message.SubmittedBy,
                receivedAt, prepared.ReceivedDate, item.TransportUser,
                message.Narrative?.Results, message.Narrative?.Difficulties, message.Narrative?.Proposals, item.Raw,
                prepared.IndicatorsJson, prepared.TasksJson, prepared.StatisticsJson);
            upsertCurrent.Run(message.PlanId, message.Period, message.Department, submissionId, receivedAt, prepared.ReceivedDate);
            insertReceipt.Run(key, "accepted", receivedAt, submissionId, null);
            results[i] = new IngestResult(messageId, IngestOutcome.Accepted, [], submissionId);
        }
        tx.Commit();
        return results;
    }

    /// <summary>One parameterised statement, prepared once and run for many rows with positional values.</summary>
    private sealed class PreparedInsert : IDisposable
    {
        private readonly SqliteCommand _command;
        private readonly SqliteParameter[] _parameters;

        public PreparedInsert(SqliteConnection connection, SqliteTransaction tx, string sql)
        {
            _command = connection.CreateCommand();
            _command.Transaction = tx;
            _command.CommandText = sql;
            // Numbered parameters (?1, ?2, ...; one may appear twice): values bind by number.
            var count = System.Text.RegularExpressions.Regex.Matches(sql, @"\?(\d+)").Max(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            _parameters = Enumerable.Range(1, count).Select(n => _command.Parameters.Add(new SqliteParameter($"?{n}", null))).ToArray();
        }

        public void Run(params object?[] values)
        {
            if (values.Length != _parameters.Length) throw new ArgumentException($"expected {_parameters.Length} values, got {values.Length}", nameof(values));
            for (var i = 0; i < values.Length; i++) _parameters[i].Value = values[i] ?? DBNull.Value;
            _command.ExecuteNonQuery();
        }

        public void Dispose() => _command.Dispose();
    }

    private static string? Key(IncomingSubmission item) =>
        (item.Message?.MessageId is { } id && id != Guid.Empty ? id : item.MessageId)?.ToString();

    private static long InsertRejection(SqliteConnection connection, SqliteTransaction tx, IncomingSubmission item, string? key, string hash, IReadOnlyList<RejectionReason> reasons) =>
        connection.ExecuteScalar<long>(Sql.InsertRejection, new
        {
            messageId = key,
            planId = NullIfEmpty(item.Message?.PlanId),
            department = NullIfEmpty(item.Message?.Department),
            period = NullIfEmpty(item.Message?.Period),
            receivedAt = Utc(item.ReceivedAt),
            transportUser = item.TransportUser,
            contentHash = hash,
            reasonsJson = JsonSerializer.Serialize(reasons, PlanJson.Options),
            raw = item.Raw,
        }, tx);

    /// <summary>SHA-256 of the message's canonical JSON: the same update in any envelope or key order hashes alike.</summary>
    public static string ContentHash(DepartmentReportSubmitted message) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(message, HashOptions)));

    /// <summary>85 and 85.0 are the same number: decimals are written without trailing zeros before hashing.</summary>
    private static readonly JsonSerializerOptions HashOptions = new(PlanJson.Options) { Converters = { new CanonicalDecimalConverter() } };

    private sealed class CanonicalDecimalConverter : System.Text.Json.Serialization.JsonConverter<decimal>
    {
        public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDecimal();

        public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) =>
            writer.WriteRawValue(value.ToString("0.############################", System.Globalization.CultureInfo.InvariantCulture));
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>
    /// Instants go to SQLite as UTC text, so text order is time order. Dapper maps DateTimeOffset itself and
    /// skips a registered handler when writing, so the conversion is explicit.
    /// </summary>
    private static string Utc(DateTimeOffset instant) => DateTimeOffsetHandler.Format(instant);

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    private sealed record StoredRow
    {
        public long Id { get; init; }
        public string MessageId { get; init; } = "";
        public string ContentHash { get; init; } = "";
    }

    private static class Sql
    {
        public const string FindSubmissions = "SELECT id AS Id, message_id AS MessageId, content_hash AS ContentHash FROM submissions WHERE message_id IN @messageIds";
        public const string MaxSubmissionId = "SELECT COALESCE(MAX(id), 0) FROM submissions";
        public const string FindRejection = "SELECT id FROM rejections WHERE message_id = @messageId AND content_hash = @hash LIMIT 1";
        public const string InsertSubmission = """
            INSERT INTO submissions (id, message_id, content_hash, plan_id, department, period, submitted_at, submitted_by,
                                     received_at, received_date, transport_user, narrative_results, narrative_difficulties,
                                     narrative_proposals, raw_json, indicators_json, tasks_json, statistics_json)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)
            """;
        /// <summary>The newest update (by hub receive time, then id) becomes current; the earliest receipt is kept.</summary>
        public const string UpsertCurrent = """
            INSERT INTO current_submissions (plan_id, period, department, submission_id, received_at, first_received_at, first_received_date)
            VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)
            ON CONFLICT (plan_id, period, department) DO UPDATE SET
                submission_id = CASE WHEN excluded.received_at > current_submissions.received_at
                                       OR (excluded.received_at = current_submissions.received_at AND excluded.submission_id > current_submissions.submission_id)
                                     THEN excluded.submission_id ELSE current_submissions.submission_id END,
                received_at   = MAX(excluded.received_at, current_submissions.received_at),
                first_received_at   = MIN(excluded.first_received_at, current_submissions.first_received_at),
                first_received_date = MIN(excluded.first_received_date, current_submissions.first_received_date)
            """;
        public const string InsertRejection = """
            INSERT INTO rejections (message_id, plan_id, department, period, received_at, transport_user, content_hash, reasons_json, raw)
            VALUES (@messageId, @planId, @department, @period, @receivedAt, @transportUser, @contentHash, @reasonsJson, @raw)
            RETURNING id
            """;
        public const string InsertReceipt = """
            INSERT INTO receipts (message_id, outcome, received_at, submission_id, rejection_id)
            VALUES (?1, ?2, ?3, ?4, ?5)
            """;
    }
}
