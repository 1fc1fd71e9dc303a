using System.Text.Json;
using ChuyenDoiSo.Contracts;

namespace ChuyenDoiSo.Reporting.Ingest;

/// <summary>
/// An update's values as stored in its own row (submissions.indicators_json, tasks_json, statistics_json):
/// JSON arrays that compilation unpacks with json_each. Indicators sent with counts store the rate computed
/// from them as "value" and the sender's own figure as "statedValue", kept to flag disagreement.
/// </summary>
public static class SubmissionValues
{
    public static string IndicatorsJson(DepartmentReportSubmitted message) => Write(message.Indicators, static (w, v) =>
    {
        var counted = v.Numerator is { } n && v.Denominator is { } d && d != 0 ? n / d * 100m : (decimal?)null;
        w.WriteString("code", v.Code);
        Number(w, "value", counted ?? v.Value);
        Number(w, "numerator", v.Numerator);
        Number(w, "denominator", v.Denominator);
        Number(w, "statedValue", counted is null ? null : v.Value);
    });

    public static string TasksJson(DepartmentReportSubmitted message) => Write(message.Tasks, static (w, t) =>
    {
        w.WriteString("code", t.Code);
        w.WriteString("status", t.Status);
        Number(w, "progress", t.Progress);
        w.WriteString("note", t.Note);
    });

    public static string StatisticsJson(DepartmentReportSubmitted message) => Write(message.Statistics, static (w, s) =>
    {
        w.WriteString("code", s.Code);
        Number(w, "value", s.Value);
    });

    private static string Write<T>(IReadOnlyList<T> items, Action<Utf8JsonWriter, T> write)
    {
        if (items.Count == 0) return "[]";
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var item in items)
            {
                writer.WriteStartObject();
                write(writer, item);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Number(Utf8JsonWriter writer, string name, decimal? value)
    {
        if (value is { } v) writer.WriteNumber(name, v);
        else writer.WriteNull(name);
    }
}
