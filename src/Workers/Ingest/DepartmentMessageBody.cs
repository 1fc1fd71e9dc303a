using System.Text;
using System.Text.Json;
using ChuyenDoiSo.Reporting.Ingest;
using MassTransit;

namespace ChuyenDoiSo.Workers.Ingest;

/// <summary>
/// The department's own message in a received body, for <see cref="SubmissionReader"/>: the body itself when it is plain
/// JSON (what departments publish), the "message" inside when it is a MassTransit envelope (a .NET sender, or the
/// in-process bus), or the file's JSON that `ingest` handed over. Its id falls back to the AMQP message_id, never to
/// an envelope's id that MassTransit made up.
/// </summary>
public static class DepartmentMessageBody
{
    /// <param name="typed">The message MassTransit deserialised, used only for its own envelope (a typed .NET publish, whose
    /// serializer writes numbers its own way): its id is the message's, never the envelope's.</param>
    public static ReadSubmission Read(ReceiveContext context, string? rawJson, Contracts.DepartmentReportSubmitted? typed = null)
    {
        if (rawJson is not null) return SubmissionReader.Read(Encoding.UTF8.GetBytes(rawJson), null);
        var body = context.GetBody();
        string? transportId = null;
        if (context.TryGetPayload<RabbitMqBasicConsumeContext>(out var rabbit) && rabbit.Properties.MessageId is { Length: > 0 } amqp) transportId = amqp;
        if (context.ContentType?.MediaType is "application/vnd.masstransit+json" && Envelope(body) is { } inner)
        {
            if (typed is null) return SubmissionReader.Read(inner, null);
            return new ReadSubmission(typed, [], Encoding.UTF8.GetString(inner), typed.MessageId == Guid.Empty ? null : typed.MessageId);
        }
        return SubmissionReader.Read(body, transportId);
    }

    private static byte[]? Envelope(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("message", out var message)
                ? Encoding.UTF8.GetBytes(message.GetRawText())
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
