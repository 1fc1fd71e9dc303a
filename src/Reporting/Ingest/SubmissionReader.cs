using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChuyenDoiSo.Contracts;

namespace ChuyenDoiSo.Reporting.Ingest;

/// <summary>What reading one JSON message gave: the message when its shape is right, and the reasons when it is not.</summary>
public sealed record ReadSubmission(DepartmentReportSubmitted? Message, IReadOnlyList<RejectionReason> Reasons, string Raw, Guid? MessageId)
{
    public bool IsReadable => Message is not null && Reasons.Count == 0;
}

/// <summary>
/// Reads DepartmentReportSubmitted from JSON that may be wrong in any field: a value that is not a
/// number or a missing field becomes a reason naming the JSON path, never an exception. Used by the
/// CLI for files and by the raw-JSON path of the broker, so both reject the same things the same way.
/// </summary>
public static class SubmissionReader
{
    /// <summary>Reads a file or body holding one message or an array of them.</summary>
    public static IReadOnlyList<ReadSubmission> ReadMany(string json)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            return [new ReadSubmission(null, [new RejectionReason("malformed_json", e.Path ?? "$", $"not valid JSON: {FirstSentence(e.Message)}")], json, null)];
        }
        if (root is JsonArray array)
            return array.Select((node, i) => Read(node, $"$[{i}]")).ToList();
        return [Read(root, "$")];
    }

    public static ReadSubmission Read(string json, Guid? fallbackMessageId = null)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            return new ReadSubmission(null, [new RejectionReason("malformed_json", e.Path ?? "$", $"not valid JSON: {FirstSentence(e.Message)}")], json, fallbackMessageId);
        }
        return Read(node, "$", fallbackMessageId);
    }

    private static ReadSubmission Read(JsonNode? node, string root, Guid? fallbackMessageId = null)
    {
        var raw = node?.ToJsonString() ?? "null";
        var reasons = new List<RejectionReason>();
        if (node is not JsonObject o)
        {
            reasons.Add(new RejectionReason("wrong_type", root, $"expected a DepartmentReportSubmitted object, got {Kind(node)}"));
            return new ReadSubmission(null, reasons, raw, fallbackMessageId);
        }

        Guid? messageId = null;
        if (o["messageId"] is { } idNode)
        {
            if (idNode.GetValueKind() == JsonValueKind.String && Guid.TryParse(idNode.GetValue<string>(), out var id)) messageId = id;
            else reasons.Add(new RejectionReason("invalid_message_id", $"{root}.messageId", $"expected a UUID, got {idNode.ToJsonString()}"));
        }
        else if (fallbackMessageId is { } fallback) messageId = fallback;
        else reasons.Add(new RejectionReason("missing_field", $"{root}.messageId", "expected a UUID message id"));

        var planId = String(o, "planId", root, reasons, required: true);
        var department = String(o, "department", root, reasons, required: true);
        var period = String(o, "period", root, reasons, required: true);
        var submittedBy = String(o, "submittedBy", root, reasons, required: false);
        DateTimeOffset? submittedAt = null;
        if (String(o, "submittedAt", root, reasons, required: false) is { } at)
        {
            if (DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)) submittedAt = parsed;
            else reasons.Add(new RejectionReason("invalid_date", $"{root}.submittedAt", $"expected an ISO-8601 date and time with offset, got \"{at}\""));
        }

        var indicators = Items(o, "indicators", root, reasons, (item, path) => new IndicatorValue
        {
            Code = String(item, "code", path, reasons, required: true) ?? "",
            Value = Number(item, "value", path, reasons),
            Numerator = Number(item, "numerator", path, reasons),
            Denominator = Number(item, "denominator", path, reasons),
        });
        var tasks = Items(o, "tasks", root, reasons, (item, path) => new TaskProgress
        {
            Code = String(item, "code", path, reasons, required: true) ?? "",
            Status = String(item, "status", path, reasons, required: true) ?? "",
            Progress = Number(item, "progress", path, reasons),
            Note = String(item, "note", path, reasons, required: false),
        });
        var statistics = Items(o, "statistics", root, reasons, (item, path) => new StatisticValue
        {
            Code = String(item, "code", path, reasons, required: true) ?? "",
            Value = Number(item, "value", path, reasons),
        });
        Narrative? narrative = null;
        if (o["narrative"] is JsonObject n)
        {
            narrative = new Narrative
            {
                Results = String(n, "results", $"{root}.narrative", reasons, required: false),
                Difficulties = String(n, "difficulties", $"{root}.narrative", reasons, required: false),
                Proposals = String(n, "proposals", $"{root}.narrative", reasons, required: false),
            };
        }
        else if (o["narrative"] is { } other)
            reasons.Add(new RejectionReason("wrong_type", $"{root}.narrative", $"expected an object with results, difficulties and proposals, got {Kind(other)}"));

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

    private static List<T> Items<T>(JsonObject o, string name, string root, List<RejectionReason> reasons, Func<JsonObject, string, T> read)
    {
        var result = new List<T>();
        switch (o[name])
        {
            case null:
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var path = $"{root}.{name}[{i}]";
                    if (array[i] is JsonObject item) result.Add(read(item, path));
                    else reasons.Add(new RejectionReason("wrong_type", path, $"expected an object, got {Kind(array[i])}"));
                }
                break;
            case var other:
                reasons.Add(new RejectionReason("wrong_type", $"{root}.{name}", $"expected an array, got {Kind(other)}"));
                break;
        }
        return result;
    }

    private static string? String(JsonObject o, string name, string root, List<RejectionReason> reasons, bool required)
    {
        var node = o[name];
        if (node is null)
        {
            if (required) reasons.Add(new RejectionReason("missing_field", $"{root}.{name}", $"expected a string {name}"));
            return null;
        }
        if (node.GetValueKind() == JsonValueKind.String) return node.GetValue<string>();
        reasons.Add(new RejectionReason("wrong_type", $"{root}.{name}", $"expected a string, got {Kind(node)}"));
        return null;
    }

    private static decimal? Number(JsonObject o, string name, string root, List<RejectionReason> reasons)
    {
        var node = o[name];
        if (node is null) return null;
        if (node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<decimal>(out var value)) return value;
        reasons.Add(new RejectionReason("not_a_number", $"{root}.{name}", $"expected a number, got {node.ToJsonString()}"));
        return null;
    }

    private static string Kind(JsonNode? node) => node is null ? "null" : node.GetValueKind() switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string {node.ToJsonString()}",
        JsonValueKind.Number => $"the number {node.ToJsonString()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {node.ToJsonString()}",
        _ => "null",
    };

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
