using System.Text;
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
            var raw = Encoding.UTF8.GetString(context.GetBody());
            Guid? messageId = context.TransportHeaders.Get<string>("MessageId") is { } id && Guid.TryParse(id, out var g) ? g : null;
            if (messageId is null && context.TryGetPayload<RabbitMqBasicConsumeContext>(out var rabbit) && Guid.TryParse(rabbit.Properties.MessageId, out var amqp)) messageId = amqp;
            var read = SubmissionReader.Read(raw, messageId);
            var reasons = read.Reasons.Count > 0
                ? read.Reasons
                : [new RejectionReason("unprocessable", "$", $"{exception.GetType().Name}: {exception.Message}")];
            string? user = context.TryGetPayload<RabbitMqBasicConsumeContext>(out var r) ? r.Properties.UserId : null;
            // Counted like the consumer's outcomes, so /metrics shows poison beside the other rejections.
            metrics.Ingested(store.Store(new IncomingSubmission(read.Message, messageId, raw, clock.GetUtcNow(), user, reasons)));
            logger.LogWarning("Moved unprocessable message {MessageId} to the error queue: {Reasons}", messageId, string.Join("; ", reasons.Select(x => $"{x.Field}: {x.Message}")));
        }
        catch (Exception e)
        {
            logger.LogError(e, "Could not record a rejection for an unprocessable message");
        }
        return Task.CompletedTask;
    }
}
