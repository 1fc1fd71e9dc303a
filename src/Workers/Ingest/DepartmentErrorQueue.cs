using ChuyenDoiSo.Reporting.Ingest;
using MassTransit;
using MassTransit.RabbitMqTransport;
using RabbitMQ.Client;

namespace ChuyenDoiSo.Workers.Ingest;

/// <summary>
/// Moves a message the hub cannot use to &lt;queue&gt;_error (faults) or &lt;queue&gt;_skipped (not a report), with the
/// reason in MassTransit's headers. MassTransit's own move copies every AMQP property, the department's user_id
/// included, and RabbitMQ refuses a user_id that is not the publishing connection's user: the move fails, the
/// channel closes and the message comes back for ever. This move drops user_id (kept as a header) and otherwise
/// keeps the message as it came.
/// </summary>
public static class DepartmentErrorQueue
{
    public const string TransportUserHeader = "Hub-Transport-User";

    /// <summary>
    /// Who sent a message, as the broker validated it: the AMQP user_id, except on a message the hub itself re-drove
    /// from the error queue (user_id = the hub's user), where the header keeps the original sender's validated user.
    /// A department cannot publish with the hub's user_id, so it cannot use the header to pass as another.
    /// </summary>
    public static string? TransportUser(IReadOnlyBasicProperties properties, string? hubUser)
    {
        var user = properties.UserId;
        if (hubUser is null || user != hubUser || (properties.Headers is { } h && h.TryGetValue(TransportUserHeader, out var v) ? v : null) is not { } original) return user;
        var sender = original switch
        {
            byte[] bytes => System.Text.Encoding.UTF8.GetString(bytes),
            string text => text,
            _ => null,
        };
        // Empty: the message came without a validated user; it stays without one.
        return string.IsNullOrEmpty(sender) ? null : sender;
    }

    public static async Task<bool> MoveAsync(ReceiveContext context, string suffix, string reason, Exception? exception, string? hubUser)
    {
        if (!context.TryGetPayload(out ChannelContext? channel) || !context.TryGetPayload(out RabbitMqBasicConsumeContext? consume))
            return false;
        var name = $"{context.InputAddress.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "department-reports"}{suffix}";
        await channel.Channel.ExchangeDeclareAsync(name, ExchangeType.Fanout, durable: true, autoDelete: false);
        await channel.Channel.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false);
        await channel.Channel.QueueBindAsync(name, name, "");

        var properties = new BasicProperties(consume.Properties) { UserId = null };
        var headers = properties.Headers = new Dictionary<string, object?>(properties.Headers ?? new Dictionary<string, object?>());
        // Always the validated sender, never a header the publisher set: a message without user_id gets an empty one, and
        // a re-driven message that fails again keeps the department it carried, not the hub's user that re-drove it.
        headers[TransportUserHeader] = TransportUser(consume.Properties, hubUser) ?? "";
        headers["MT-Reason"] = reason;
        headers["MT-Host-MachineName"] = Environment.MachineName;
        headers["MT-Fault-Timestamp"] = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        if (exception is not null)
        {
            headers["MT-Fault-ExceptionType"] = exception.GetType().FullName;
            headers["MT-Fault-Message"] = exception.Message;
            headers["MT-Fault-StackTrace"] = exception.StackTrace;
        }
        await channel.BasicPublishAsync(name, consume.RoutingKey, true, properties, context.GetBody(), true, CancellationToken.None);
        return true;
    }
}

/// <summary>The error pipe for faults: our move on RabbitMQ, MassTransit's own elsewhere.</summary>
public sealed class DepartmentErrorFilter(string? hubUser) : IFilter<ExceptionReceiveContext>
{
    public void Probe(ProbeContext context) => context.CreateFilterScope("departmentErrorQueue");

    public async Task Send(ExceptionReceiveContext context, IPipe<ExceptionReceiveContext> next)
    {
        if (!await DepartmentErrorQueue.MoveAsync(context, "_error", "fault", context.Exception, hubUser))
            await next.Send(context);
    }
}

/// <summary>
/// The dead-letter pipe for messages no consumer takes (not JSON, a MassTransit envelope of another type): poison
/// too, so they go to the error queue with the reason, and leave a rejection record.
/// </summary>
public sealed class DepartmentSkippedFilter(IngestStore store, TimeProvider clock, Operations.HubMetrics metrics, ILogger logger, string? hubUser) : IFilter<ReceiveContext>
{
    public void Probe(ProbeContext context) => context.CreateFilterScope("departmentSkippedQueue");

    public async Task Send(ReceiveContext context, IPipe<ReceiveContext> next)
    {
        var reason = new InvalidDataException("not a DepartmentReportSubmitted the hub can read (not JSON, or a message of another type)");
        await PoisonMessageObserver.RecordRejection(store, clock, metrics, logger, context, reason);
        if (!await DepartmentErrorQueue.MoveAsync(context, "_error", "fault", reason, hubUser))
            await next.Send(context);
    }
}
