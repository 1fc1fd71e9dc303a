using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Workers.Wiring;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace ChuyenDoiSo.Workers.Deliver;

/// <summary>
/// Forwards a compiled report to the higher-level hub as a CommuneReportSubmitted (plain JSON, persistent,
/// publisher-confirmed) on its exchange; without Hub:Forward:Uri, writes the message to the outbox.
/// </summary>
public sealed class ReportForwarder(IOptions<HubOptions> options)
{
    /// <summary>A commune's issued report as the message forwarded upward: its JSON, its number and the signed PDF.</summary>
    public static CommuneReportSubmitted Message(ReportOutputs outputs, Guid messageId, DateTimeOffset compiledAt) => new()
    {
        MessageId = messageId,
        PlanId = outputs.Report.Plan.Id,
        Commune = outputs.Report.Plan.Commune.FullName,
        Period = outputs.Report.Period.Period,
        Kind = Reporting.Calendar.ReportKinds.ToLabel(outputs.Report.Period.Kind),
        CompiledAt = compiledAt,
        ReportJson = outputs.Json,
        Number = outputs.Number,
        SignedPdf = outputs.Pdf,
    };

    /// <summary>Publishes any CommuneReportSubmitted upward: a commune's report, or a higher body's roll-up (RollupForward).</summary>
    public async Task<(bool Sent, bool Permanent, int Attempts, string? Error)> PublishAsync(CommuneReportSubmitted message, CancellationToken cancellationToken)
    {
        var messageId = message.MessageId;
        var body = System.Text.Encoding.UTF8.GetBytes(DeliveryService.ToJson(message));
        var forward = options.Value.Forward;
        if (string.IsNullOrWhiteSpace(forward.Uri))
        {
            var folder = Path.Combine(options.Value.PickupDirectory, "forward");
            Directory.CreateDirectory(folder);
            await File.WriteAllBytesAsync(Path.Combine(folder, $"{message.PlanId}_{message.Period}.json"), body, cancellationToken);
            return (true, false, 1, null);
        }
        try
        {
            var factory = new ConnectionFactory { Uri = new Uri(forward.Uri), ClientProvidedName = "chuyendoiso-forward" };
            await using var connection = await factory.CreateConnectionAsync(cancellationToken);
            await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
            await channel.ExchangeDeclareAsync(forward.Exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);
            var user = Uri.UnescapeDataString(new Uri(forward.Uri).UserInfo.Split(':')[0]);
            var properties = new BasicProperties
            {
                MessageId = messageId.ToString(),
                ContentType = "application/json",
                DeliveryMode = DeliveryModes.Persistent,
                UserId = string.IsNullOrEmpty(user) ? null : user,
                Type = "CommuneReportSubmitted",
            };
            await channel.BasicPublishAsync(forward.Exchange, message.PlanId, mandatory: true, properties, body, cancellationToken);
            return (true, false, 1, null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (false, false, 1, $"forward to {forward.Exchange} failed: {e.Message}");
        }
    }
}
