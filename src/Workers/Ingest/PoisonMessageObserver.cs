using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Ingest;
using MassTransit;

namespace ChuyenDoiSo.Workers.Ingest;

/// <summary>
/// When a message cannot be consumed at all (not JSON, not a report, still failing after retries)
/// MassTransit moves it to the error queue with the reason in its headers; this records a rejection
/// with the reasons the reader finds, so the operator sees it beside the others.
/// </summary>
public sealed class PoisonMessageObserver(IngestStore store, TimeProvider clock, Operations.HubMetrics metrics, ILogger<PoisonMessageObserver> logger) : IReceiveObserver
{
    public Task PreReceive(ReceiveContext context) => Task.CompletedTask;

    public Task PostReceive(ReceiveContext context) => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType)
        where T : class => Task.CompletedTask;

    /// <summary>Called once retries are exhausted and the message is on its way to the error queue.</summary>
    public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception)
        where T : class => Record(context.ReceiveContext, exception);

    public Task ReceiveFault(ReceiveContext context, Exception exception) => Record(context, exception);

    private Task Record(ReceiveContext context, Exception exception) => RecordRejection(store, clock, metrics, logger, context, exception);

    /// <summary>Records a rejection for a message the consumer never stored, with the reasons the reader finds.</summary>
    public static Task RecordRejection(IngestStore store, TimeProvider clock, Operations.HubMetrics metrics, ILogger logger, ReceiveContext context, Exception exception)
    {
        // A cancelled consume or a dropped connection is the transport's trouble, not the message's: it comes back.
        if (exception is OperationCanceledException || exception.GetType().Namespace?.StartsWith("RabbitMQ.Client", StringComparison.Ordinal) == true)
            return Task.CompletedTask;
        try
        {
            var read = DepartmentMessageBody.Read(context, context.InputAddress.Scheme == "loopback" && context.TransportHeaders.Get<string>(DepartmentReportConsumer.RawJsonHeader) is { } header ? header : null);
            // What the sender got wrong, when the reader finds it; else the hub's own fault (an overflow, a timeout, a locked
            // database), said as such: never "missing field" reasons read off an envelope, never under the bus's own id.
            var reasons = read.Reasons.Count > 0
                ? read.Reasons
                : [new RejectionReason("fault", "$", OneLine($"the hub could not process this update ({exception.GetType().Name}: {exception.Message}); it is kept for re-drive, nothing is wrong with the message as far as the hub can tell"))];
            string? user = context.TryGetPayload<RabbitMqBasicConsumeContext>(out var r) ? r.Properties.UserId : null;
            // Counted like the consumer's outcomes, so /metrics shows poison beside the other rejections.
            metrics.Ingested(store.Store(new IncomingSubmission(read.Message is { } m && read.Reasons.Count == 0 ? m : read.Message, read.MessageId, read.Raw, clock.GetUtcNow(), user, reasons)));
            logger.LogWarning("Moved unprocessable message {MessageId} to the error queue: {Reasons}", read.MessageId, string.Join("; ", reasons.Select(x => $"{x.Field}: {x.Message}")));
        }
        catch (Exception e)
        {
            logger.LogError(e, "Could not record a rejection for an unprocessable message");
        }
        return Task.CompletedTask;
    }

    private static string OneLine(string text) => text.Length > 300 ? text[..300].ReplaceLineEndings(" ") + "…" : text.ReplaceLineEndings(" ");
}
