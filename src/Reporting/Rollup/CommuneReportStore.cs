using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Ingest;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Storage;
using Dapper;

namespace ChuyenDoiSo.Reporting.Rollup;

/// <summary>A commune report as received: the message (null when unreadable), why it is rejected (if it is), and transport facts.</summary>
public sealed record IncomingCommuneReport(
    CommuneReportSubmitted? Message,
    Guid? MessageId,
    string Raw,
    DateTimeOffset ReceivedAt,
    string? TransportUser,
    IReadOnlyList<RejectionReason> Reasons);

public sealed record CommuneIngestResult(Guid? MessageId, IngestOutcome Outcome, IReadOnlyList<RejectionReason> Reasons, long? ReportId);

/// <summary>Checks a commune report against the body that receives it. Pure.</summary>
public static class CommuneReportValidator
{
    public static IReadOnlyList<RejectionReason> Validate(CommuneReportSubmitted message, HigherBody body, HolidayCalendar holidays)
    {
        var reasons = new List<RejectionReason>();
        if (message.MessageId == Guid.Empty)
            reasons.Add(new("missing_message_id", "$.messageId", "expected a message id (a UUID), so a re-delivery is stored once"));
        if (!body.Communes.Contains(message.PlanId, StringComparer.Ordinal))
            reasons.Add(new("unknown_commune", "$.planId", $"commune \"{message.PlanId}\" is not one {body.Name} expects ({body.Communes.Count} communes in seeds/higher/{body.Id}.json)"));
        if (body.FindPeriod(holidays, message.Period) is null)
            reasons.Add(new("unknown_period", "$.period", $"period \"{message.Period}\" is not in {body.Year}'s reporting calendar; expected one of {string.Join(", ", body.CalendarFor(holidays).Select(p => p.Period))}"));
        try
        {
            var report = RollupCompiler.ParseReport(message.ReportJson);
            if (report is null)
                reasons.Add(new("invalid_report", "$.reportJson", "expected the compiled report as JSON, got null"));
            else
            {
                if (report.PlanId != message.PlanId)
                    reasons.Add(new("report_mismatch", "$.reportJson.planId", $"the report is plan \"{report.PlanId}\", the message says \"{message.PlanId}\""));
                if (report.Period != message.Period)
                    reasons.Add(new("report_mismatch", "$.reportJson.period", $"the report is period \"{report.Period}\", the message says \"{message.Period}\""));
            }
        }
        catch (JsonException e)
        {
            reasons.Add(new("invalid_report", "$.reportJson" + (e.Path is { Length: > 1 } p ? p[1..] : ""), $"expected the compiled report in the hub's JSON format: {e.Message.Split(" Path:")[0]}"));
        }
        return reasons;
    }
}

/// <summary>
/// Stores commune reports with Dapper, as ingest stores department updates: an inbox keyed by message id and content
/// (the same report twice is a duplicate), the latest compiled report per commune and period current, every delivery
/// receipted and every rejection kept with its reasons.
/// </summary>
/// <remarks>
/// A commune hub forwards every report of a plan and period under one message id (see DeliveryService.ForwardMessageId),
/// so a corrected re-send arrives with the id of the first. Under that id, a report compiled later for the same commune
/// and period is a re-send and replaces the earlier one; anything else reusing the id is a conflict.
/// </remarks>
public sealed class CommuneReportStore(HubDatabase database)
{
    public CommuneIngestResult Store(IncomingCommuneReport item)
    {
        using var connection = database.Open();
        using var tx = connection.BeginTransaction(deferred: false);
        var key = (item.Message?.MessageId is { } id && id != Guid.Empty ? id : item.MessageId)?.ToString();
        var messageId = key is null ? (Guid?)null : Guid.Parse(key);
        var hash = item.Message is not null ? ContentHash(item.Message) : Hash(item.Raw);
        var known = key is null ? [] : connection.Query<StoredRow>(Sql.FindReports, new { messageId = key }, tx).AsList();
        CommuneIngestResult result;

        if (known.FirstOrDefault(k => k.ContentHash == hash) is { } same)
        {
            Receipt(key, "duplicate", same.Id, null);
            result = new CommuneIngestResult(messageId, IngestOutcome.Duplicate, [], same.Id);
        }
        else if (key is not null && connection.QueryFirstOrDefault<long?>(Sql.FindRejection, new { messageId = key, hash }, tx) is { } rejected)
        {
            Receipt(key, "duplicate", null, rejected);
            result = new CommuneIngestResult(messageId, IngestOutcome.Duplicate, item.Reasons, null);
        }
        else if (item.Reasons.Count > 0)
        {
            Receipt(key, "rejected", null, Reject(item.Reasons));
            result = new CommuneIngestResult(messageId, IngestOutcome.Rejected, item.Reasons, null);
        }
        else
        {
            var message = item.Message!;
            var compiledAt = DateTimeOffsetHandler.Format(message.CompiledAt);
            // string.CompareOrdinal on UTC ISO text is time order.
            if (known.Count > 0 && !known.All(k => k.CommuneId == message.PlanId && k.Period == message.Period && string.CompareOrdinal(compiledAt, k.CompiledAt) > 0))
            {
                RejectionReason[] conflict = [new("conflict", "$.messageId", $"message id {key} was already stored with a different report that is not an earlier one of {message.PlanId} {message.Period}; send a new message id for a new report")];
                Receipt(key, "conflict", null, Reject(conflict));
                result = new CommuneIngestResult(messageId, IngestOutcome.Conflict, conflict, null);
            }
            else
            {
                var reportId = connection.ExecuteScalar<long>(Sql.InsertReport, new
                {
                    messageId = key,
                    contentHash = hash,
                    communeId = message.PlanId,
                    communeName = message.Commune,
                    period = message.Period,
                    kind = message.Kind,
                    compiledAt,
                    receivedAt = DateTimeOffsetHandler.Format(item.ReceivedAt),
                    receivedDate = HubTime.LocalDate(item.ReceivedAt).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                    transportUser = item.TransportUser,
                    reportJson = message.ReportJson,
                    raw = item.Raw,
                }, tx);
                connection.Execute(Sql.UpsertCurrent, new { communeId = message.PlanId, period = message.Period, reportId, compiledAt, receivedAt = DateTimeOffsetHandler.Format(item.ReceivedAt) }, tx);
                Receipt(key, "accepted", reportId, null);
                result = new CommuneIngestResult(messageId, IngestOutcome.Accepted, [], reportId);
            }
        }
        tx.Commit();
        return result;

        void Receipt(string? k, string outcome, long? reportId, long? rejectionId) =>
            connection.Execute(Sql.InsertReceipt, new { messageId = k, outcome, receivedAt = DateTimeOffsetHandler.Format(item.ReceivedAt), reportId, rejectionId }, tx);

        long Reject(IReadOnlyList<RejectionReason> reasons) =>
            connection.ExecuteScalar<long>(Sql.InsertRejection, new
            {
                messageId = key,
                communeId = string.IsNullOrEmpty(item.Message?.PlanId) ? null : item.Message.PlanId,
                period = string.IsNullOrEmpty(item.Message?.Period) ? null : item.Message.Period,
                receivedAt = DateTimeOffsetHandler.Format(item.ReceivedAt),
                transportUser = item.TransportUser,
                contentHash = hash,
                reasonsJson = JsonSerializer.Serialize(reasons, PlanJson.Options),
                raw = item.Raw,
            }, tx);
    }

    /// <summary>SHA-256 of commune, period and report: the same report forwarded again (a new CompiledAt) hashes alike.</summary>
    public static string ContentHash(CommuneReportSubmitted message) => Hash($"{message.PlanId}\n{message.Period}\n{message.ReportJson}");

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private sealed record StoredRow
    {
        public long Id { get; init; }
        public string ContentHash { get; init; } = "";
        public string CommuneId { get; init; } = "";
        public string Period { get; init; } = "";
        public string CompiledAt { get; init; } = "";
    }

    private static class Sql
    {
        public const string FindReports = """
            SELECT id AS Id, content_hash AS ContentHash, commune_id AS CommuneId, period AS Period, compiled_at AS CompiledAt
            FROM commune_reports WHERE message_id = @messageId
            """;
        public const string FindRejection = "SELECT id FROM commune_rejections WHERE message_id = @messageId AND content_hash = @hash LIMIT 1";
        public const string InsertReport = """
            INSERT INTO commune_reports (message_id, content_hash, commune_id, commune_name, period, kind, compiled_at, received_at,
                                         received_date, transport_user, report_json, raw_json)
            VALUES (@messageId, @contentHash, @communeId, @communeName, @period, @kind, @compiledAt, @receivedAt,
                    @receivedDate, @transportUser, @reportJson, @raw)
            RETURNING id
            """;
        public const string UpsertCurrent = """
            INSERT INTO current_commune_reports (commune_id, period, report_id, compiled_at, received_at)
            VALUES (@communeId, @period, @reportId, @compiledAt, @receivedAt)
            ON CONFLICT (period, commune_id) DO UPDATE
                SET report_id = excluded.report_id, compiled_at = excluded.compiled_at, received_at = excluded.received_at
                WHERE excluded.compiled_at > current_commune_reports.compiled_at
                   OR (excluded.compiled_at = current_commune_reports.compiled_at AND excluded.received_at > current_commune_reports.received_at)
            """;
        public const string InsertRejection = """
            INSERT INTO commune_rejections (message_id, commune_id, period, received_at, transport_user, content_hash, reasons_json, raw)
            VALUES (@messageId, @communeId, @period, @receivedAt, @transportUser, @contentHash, @reasonsJson, @raw)
            RETURNING id
            """;
        public const string InsertReceipt = """
            INSERT INTO commune_receipts (message_id, outcome, received_at, report_id, rejection_id)
            VALUES (@messageId, @outcome, @receivedAt, @reportId, @rejectionId)
            """;
    }
}
