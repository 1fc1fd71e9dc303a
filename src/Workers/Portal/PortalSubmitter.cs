using System.Text.Json;
using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Portal;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Broker;
using ChuyenDoiSo.Workers.Ingest;
using ChuyenDoiSo.Workers.Wiring;
using MassTransit;

namespace ChuyenDoiSo.Workers.Portal;

/// <summary>
/// Sends a department's update the way its own client would, then waits for the hub's receipt. On the embedded default
/// it goes through the bus to the same consumer as `ingest`; on RabbitMQ through a connection opened as the department's
/// broker user, so the broker checks user_id and the consumer's impersonation check holds unchanged.
/// </summary>
public sealed class PortalSubmitter(IBus bus, HubOptions options, HubDatabase database, DepartmentLogin login)
{
    public static readonly TimeSpan ReceiptTimeout = TimeSpan.FromSeconds(30);

    public bool OnRabbitMq => string.Equals(options.Transport, "RabbitMq", StringComparison.OrdinalIgnoreCase);

    /// <summary>Publishes and returns the receipt, or null when none came within <see cref="ReceiptTimeout"/>.</summary>
    public async Task<PortalReceiptRow?> SubmitAsync(DepartmentReportSubmitted message, DepartmentIdentity identity, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(message, PlanJson.Options);
        if (OnRabbitMq)
        {
            var endpoint = new UriBuilder(new Uri(options.RabbitMq.Uri)) { UserName = "", Password = "" }.Uri;
            await DepartmentPublisher.PublishAsync(endpoint, identity.User, login.PasswordOf(identity),
                [new OutgoingMessage("portal", message.MessageId.ToString("D"), System.Text.Encoding.UTF8.GetBytes(json))],
                _ => { }, TimeSpan.FromSeconds(10), cancellationToken);
        }
        else
        {
            await bus.Publish(message, context => context.Headers.Set(DepartmentReportConsumer.RawJsonHeader, json), cancellationToken);
        }
        return await WaitForReceiptAsync(message.MessageId.ToString("D"), cancellationToken);
    }

    private async Task<PortalReceiptRow?> WaitForReceiptAsync(string messageId, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + ReceiptTimeout;
        while (true)
        {
            using (var connection = database.Open())
                if (new PortalQueries(connection).Receipt(messageId) is { } receipt) return receipt;
            if (DateTime.UtcNow > deadline) return null;
            await Task.Delay(TimeSpan.FromMilliseconds(25), cancellationToken);
        }
    }
}
