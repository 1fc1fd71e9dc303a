using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ChuyenDoiSo.Contracts;

namespace ChuyenDoiSo.Reporting.Ingest;

/// <summary>What reading one JSON message gave: the message when its shape is right, and the reasons when it is not.</summary>
public sealed record ReadSubmission(DepartmentReportSubmitted? Message, IReadOnlyList<RejectionReason> Reasons, string Raw, Guid? MessageId)
{
    public bool IsReadable => Message is not null && Reasons.Count == 0;
}

/// <summary>
/// The one entry point for a department's message, whatever carried it (a file for `ingest` and `publish`, a body on
/// either bus): the bytes as received, read with System.Text.Json's document reader (duplicate keys refused) and
/// checked field by field. Anything a sender can put in a message (not JSON, invalid UTF-8, a lone surrogate escape, a
/// number the hub cannot hold, a non-canonical id, a date without offset) becomes a reason naming the JSON path, never
/// an exception.
/// </summary>
public static partial class SubmissionReader
{
    /// <summary>Only to find an array file's items, each then read strictly on its own: one bad item spoils only itself.</summary>
    private static readonly JsonDocumentOptions Splitting = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    private static readonly JsonDocumentOptions Strict = new()
    {
        AllowDuplicateProperties = false,
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>Reads a file or body holding one message or an array of them.</summary>
    public static IReadOnlyList<ReadSubmission> ReadMany(string json) => ReadMany(Encoding.UTF8.GetBytes(json));

    /// <summary>Reads a file or body holding one message or an array of them; each array item is judged alone.</summary>
    public static IReadOnlyList<ReadSubmission> ReadMany(ReadOnlyMemory<byte> utf8)
    {
        var bytes = WithoutBom(utf8);
        if (!TryParse(bytes, Splitting, out var document, out var failure))
            return [new ReadSubmission(null, [failure!], Text(bytes.Span), null)];
        using (document)
        {
            var root = document!.RootElement;
            if (root.ValueKind != JsonValueKind.Array) return [Read(bytes, null)];
            var results = new List<ReadSubmission>(root.GetArrayLength());
            var i = 0;
            foreach (var item in root.EnumerateArray())
            {
                var path = $"$[{i++}]";
                var itemBytes = JsonMarshal.GetRawUtf8Value(item).ToArray();
                results.Add(TryParse(itemBytes, Strict, out var single, out var itemFailure)
                    ? ReadAndDispose(single!, path, itemBytes.Length)
                    : new ReadSubmission(null, [itemFailure! with { Field = itemFailure.Field == "$" ? path : path + itemFailure.Field[1..] }], Text(itemBytes), null));
            }
            if (results.Count == 0)
                results.Add(new ReadSubmission(null, [new RejectionReason("wrong_type", "$", "an empty array; expected a message object or an array of them")], "[]", null));
            return results;
        }
    }

    private static ReadSubmission ReadAndDispose(JsonDocument document, string root, int size)
    {
        using (document) return Read(document.RootElement, root, null, size);
    }

    public static ReadSubmission Read(string json, Guid? fallbackMessageId = null) =>
        Read(Encoding.UTF8.GetBytes(json), fallbackMessageId?.ToString("D"));

    /// <summary>
    /// Reads one message body. <paramref name="transportMessageId"/> is the carrier's id (AMQP message_id), used when the
    /// body has no messageId, and held to the same rules.
    /// </summary>
    public static ReadSubmission Read(ReadOnlyMemory<byte> utf8, string? transportMessageId)
    {
        var bytes = WithoutBom(utf8);
        if (!TryParse(bytes, Strict, out var document, out var failure))
            return new ReadSubmission(null, [failure!], Text(bytes.Span), ParseId(transportMessageId));
        using (document) return Read(document!.RootElement, "$", transportMessageId, bytes.Length);
    }

    private static bool TryParse(ReadOnlyMemory<byte> bytes, JsonDocumentOptions options, out JsonDocument? document, out RejectionReason? failure)
    {
        document = null;
        failure = null;
        if (bytes.Length > SubmissionLimits.MaxMessageBytes * 4L)
        {
            // Far beyond one message: not worth parsing (an array file's items are limited one by one).
            failure = new RejectionReason("too_large", "$", $"{bytes.Length:N0} bytes; a message may have at most {SubmissionLimits.MaxMessageBytes:N0}");
            return false;
        }
        try
        {
            document = JsonDocument.Parse(bytes, options);
            return true;
        }
        catch (JsonException e)
        {
            var path = e.Path is { Length: > 0 } p ? p : "$";
            var what = e.Message.Contains("Duplicate property", StringComparison.Ordinal)
                ? $"a property appears twice ({FirstSentence(e.Message)}); expected each property once"
                : $"not valid JSON: {FirstSentence(e.Message)}";
            failure = new RejectionReason(e.Message.Contains("Duplicate property", StringComparison.Ordinal) ? "duplicate_property" : "malformed_json", path, OneLine(what));
            return false;
        }
    }

    private static ReadSubmission Read(JsonElement element, string root, string? transportMessageId, int? size)
    {
        // The bytes as sent (GetRawText would throw on invalid UTF-8); bytes that are not UTF-8 become U+FFFD in the record.
        var raw = Text(JsonMarshal.GetRawUtf8Value(element));
        var reasons = new List<RejectionReason>();
        var bytes = size ?? Encoding.UTF8.GetByteCount(raw);
        if (bytes > SubmissionLimits.MaxMessageBytes)
        {
            reasons.Add(new RejectionReason("too_large", root, $"{bytes:N0} bytes; a message may have at most {SubmissionLimits.MaxMessageBytes:N0}"));
            return new ReadSubmission(null, reasons, raw, ParseId(transportMessageId));
        }
        if (element.ValueKind != JsonValueKind.Object)
        {
            reasons.Add(new RejectionReason("wrong_type", root, $"expected a DepartmentReportSubmitted object, got {Kind(element)}"));
            return new ReadSubmission(null, reasons, raw, ParseId(transportMessageId));
        }

        // A name that is not UTF-8 (a property the hub would otherwise ignore, or a field it would then miss) is not text either.
        InvalidNames(element, root, reasons);

        Guid? messageId = null;
        if (Present(element, "messageId", out var idElement))
        {
            if (String(idElement, $"{root}.messageId", reasons) is { } text)
            {
                messageId = CanonicalId(text);
                if (messageId is null) reasons.Add(InvalidId($"{root}.messageId", text));
            }
        }
        else if (transportMessageId is not null)
        {
            messageId = CanonicalId(transportMessageId);
            if (messageId is null) reasons.Add(InvalidId($"{root}.messageId", transportMessageId, "the AMQP message_id"));
        }
        else reasons.Add(new RejectionReason("missing_field", $"{root}.messageId", "expected a UUID message id, such as 6f1c2a52-0f8e-4b0e-9d7a-2d6a3c1f9b10"));

        var planId = Field(element, "planId", root, reasons, required: true);
        var department = Field(element, "department", root, reasons, required: true);
        var period = Field(element, "period", root, reasons, required: true);
        var submittedBy = Field(element, "submittedBy", root, reasons, required: false);
        DateTimeOffset? submittedAt = null;
        if (Field(element, "submittedAt", root, reasons, required: false) is { } at)
        {
            if (TryParseInstant(at, out var parsed)) submittedAt = parsed;
            else reasons.Add(new RejectionReason("invalid_date", $"{root}.submittedAt", $"expected an ISO-8601 date and time with an offset, such as 2026-03-02T09:00:00+07:00, got {TextLimits.Quote(at)}"));
        }

        var indicators = Items(element, "indicators", root, reasons, (item, path) => new IndicatorValue
        {
            Code = Field(item, "code", path, reasons, required: true) ?? "",
            Value = Number(item, "value", path, reasons),
            Numerator = Number(item, "numerator", path, reasons),
            Denominator = Number(item, "denominator", path, reasons),
        });
        var tasks = Items(element, "tasks", root, reasons, (item, path) => new TaskProgress
        {
            Code = Field(item, "code", path, reasons, required: true) ?? "",
            Status = Field(item, "status", path, reasons, required: true) ?? "",
            Progress = Number(item, "progress", path, reasons),
            Note = Field(item, "note", path, reasons, required: false),
        });
        var statistics = Items(element, "statistics", root, reasons, (item, path) => new StatisticValue
        {
            Code = Field(item, "code", path, reasons, required: true) ?? "",
            Value = Number(item, "value", path, reasons),
        });
        Narrative? narrative = null;
        if (Present(element, "narrative", out var n))
        {
            if (n.ValueKind == JsonValueKind.Object)
            {
                narrative = new Narrative
                {
                    Results = Field(n, "results", $"{root}.narrative", reasons, required: false),
                    Difficulties = Field(n, "difficulties", $"{root}.narrative", reasons, required: false),
                    Proposals = Field(n, "proposals", $"{root}.narrative", reasons, required: false),
                };
            }
            else reasons.Add(new RejectionReason("wrong_type", $"{root}.narrative", $"expected an object with results, difficulties and proposals, got {Kind(n)}"));
        }

        var message = new DepartmentReportSubmitted
        {
            MessageId = messageId ?? Guid.Empty,
            PlanId = planId ?? "",
            Department = department ?? "",
            Period = period ?? "",
            SubmittedAt = submittedAt,
            SubmittedBy = submittedBy,
            Indicators = indicators,
            Tasks = tasks,
            Statistics = statistics,
            Narrative = narrative,
        };
        return new ReadSubmission(message, reasons, raw, messageId);
    }

    /// <summary>A message id as the hub accepts it: a UUID in canonical form (lower-case hex, hyphens, no braces), not the zero UUID.</summary>
    public static Guid? CanonicalId(string text) =>
        CanonicalIdRegex().IsMatch(text) && Guid.TryParseExact(text, "D", out var id) && id != Guid.Empty ? id : null;

    /// <summary>
    /// An instant as the hub accepts it (submittedAt, --received-at): ISO 8601 date and time with an offset (Z or ±hh:mm),
    /// seconds and fractions optional; nothing else (no date alone, no local time, no other calendar's spelling).
    /// </summary>
    public static bool TryParseInstant(string text, out DateTimeOffset instant)
    {
        instant = default;
        return InstantRegex().IsMatch(text) &&
               DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out instant);
    }

    private static RejectionReason InvalidId(string path, string text, string what = "messageId") =>
        new("invalid_message_id", path, Guid.TryParse(text, out var g) && g == Guid.Empty
            ? $"{what} is the zero UUID; expected a new random UUID per update"
            : $"expected {what} as a UUID in canonical form (lower-case, with hyphens, such as 6f1c2a52-0f8e-4b0e-9d7a-2d6a3c1f9b10), got {TextLimits.Quote(text)}");

    private static Guid? ParseId(string? text) => text is null ? null : CanonicalId(text);

    private static bool Present(JsonElement o, string name, out JsonElement value) =>
        o.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    private static List<T> Items<T>(JsonElement o, string name, string root, List<RejectionReason> reasons, Func<JsonElement, string, T> read)
    {
        var result = new List<T>();
        if (!Present(o, name, out var value)) return result;
        if (value.ValueKind != JsonValueKind.Array)
        {
            reasons.Add(new RejectionReason("wrong_type", $"{root}.{name}", $"expected an array, got {Kind(value)}"));
            return result;
        }
        var count = value.GetArrayLength();
        if (count > SubmissionLimits.MaxItems)
        {
            reasons.Add(new RejectionReason("too_many", $"{root}.{name}", $"{count:N0} items; at most {SubmissionLimits.MaxItems} are accepted"));
            return result;
        }
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            var path = $"{root}.{name}[{i++}]";
            if (item.ValueKind == JsonValueKind.Object) result.Add(read(item, path));
            else reasons.Add(new RejectionReason("wrong_type", path, $"expected an object, got {Kind(item)}"));
        }
        return result;
    }

    private static string? Field(JsonElement o, string name, string root, List<RejectionReason> reasons, bool required)
    {
        if (!Present(o, name, out var node))
        {
            if (required) reasons.Add(new RejectionReason("missing_field", $"{root}.{name}", $"expected a string {name}"));
            return null;
        }
        return String(node, $"{root}.{name}", reasons);
    }

    private static void InvalidNames(JsonElement node, string path, List<RejectionReason> reasons)
    {
        if (node.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in node.EnumerateObject())
            {
                if (!System.Text.Unicode.Utf8.IsValid(JsonMarshal.GetRawUtf8PropertyName(property)))
                    reasons.Add(new RejectionReason("invalid_text", path, "a property name is not valid Unicode text (bytes that are not UTF-8)"));
                else InvalidNames(property.Value, $"{path}.{property.Name}", reasons);
            }
        }
        else if (node.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in node.EnumerateArray()) InvalidNames(item, $"{path}[{i++}]", reasons);
        }
    }

    private static string? String(JsonElement node, string path, List<RejectionReason> reasons)
    {
        if (node.ValueKind != JsonValueKind.String)
        {
            reasons.Add(new RejectionReason("wrong_type", path, $"expected a string, got {Kind(node)}"));
            return null;
        }
        try
        {
            return node.GetString();
        }
        catch (InvalidOperationException e)
        {
            // Invalid UTF-8 bytes, or an escape naming a lone or reversed surrogate: not text.
            reasons.Add(new RejectionReason("invalid_text", path, $"not valid Unicode text ({FirstSentence(e.Message)})"));
            return null;
        }
    }

    private static decimal? Number(JsonElement o, string name, string root, List<RejectionReason> reasons)
    {
        if (!Present(o, name, out var node)) return null;
        var path = $"{root}.{name}";
        if (node.ValueKind != JsonValueKind.Number)
        {
            reasons.Add(new RejectionReason("not_a_number", path, $"expected a number, got {Kind(node)}"));
            return null;
        }
        var raw = node.GetRawText();
        if (NumberLimits.CheckLiteral(raw, out var value) is { } problem)
        {
            reasons.Add(new RejectionReason("out_of_range", path, $"{Shorten(raw)} is {problem}"));
            return null;
        }
        return value;
    }

    private static string Kind(JsonElement node) => node.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string {QuoteJson(node)}",
        JsonValueKind.Number => $"the number {Shorten(node.GetRawText())}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {node.GetRawText()}",
        _ => "null",
    };

    private static string QuoteJson(JsonElement node)
    {
        try
        {
            return TextLimits.Quote(node.GetString());
        }
        catch (InvalidOperationException)
        {
            return "(not valid Unicode text)";
        }
    }

    private static string Shorten(string raw) => raw.Length <= SubmissionLimits.QuoteChars ? raw : $"{raw[..SubmissionLimits.QuoteChars]}… ({raw.Length:N0} characters)";

    private static ReadOnlyMemory<byte> WithoutBom(ReadOnlyMemory<byte> bytes) =>
        bytes.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? bytes[3..] : bytes;

    /// <summary>The body as text for the rejection record; bytes that are not UTF-8 become U+FFFD.</summary>
    private static string Text(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return OneLine(cut > 0 ? message[..cut] : message);
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex CanonicalIdRegex();

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,7})?)?(Z|[+-][0-9]{2}:[0-9]{2})\z", RegexOptions.CultureInvariant)]
    private static partial Regex InstantRegex();
}
