using System.Text;
using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Ingest;
using ChuyenDoiSo.Reporting.Rollup;
using ChuyenDoiSo.Workers.Ingest;
using ChuyenDoiSo.Workers.Wiring;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ChuyenDoiSo.Workers.Rollup;

/// <summary>
/// Stores a commune's compiled report on a higher-level hub: validated against the body (expected commune, period of its
/// calendar, a readable report), then stored with its receipt; acknowledged after the commit.
/// </summary>
public sealed class CommuneReportConsumer(RollupSetup setup, CommuneReportStore store, TimeProvider clock, ILogger<CommuneReportConsumer> logger)
    : IConsumer<CommuneReportSubmitted>
{
    public Task Consume(ConsumeContext<CommuneReportSubmitted> context)
    {
        var message = context.Message;
        var receivedAt = clock.GetUtcNow();
        // The demo replays a year of arrivals; honoured on the in-process bus only, as for department updates.
        if (context.ReceiveContext.InputAddress.Scheme == "loopback" &&
            context.Headers.Get<string>(DepartmentReportConsumer.ReceivedAtHeader) is { } header &&
            DateTimeOffset.TryParse(header, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var replayed))
            receivedAt = replayed;
        if (message.MessageId == Guid.Empty && context.MessageId is { } amqpId) message = message with { MessageId = amqpId };
        string? user = context.ReceiveContext.TryGetPayload<RabbitMqBasicConsumeContext>(out var rabbit) ? rabbit.Properties.UserId : null;
        var raw = Encoding.UTF8.GetString(context.ReceiveContext.Body.GetBytes());
        var reasons = CommuneReportValidator.Validate(message, setup.Body, setup.Holidays);
        var result = store.Store(new IncomingCommuneReport(message, message.MessageId, raw, receivedAt, user, reasons));
        if (result.Outcome is IngestOutcome.Rejected or IngestOutcome.Conflict)
            logger.LogWarning("Rejected commune report {MessageId} from {Commune} for {Period}: {Reasons}",
                result.MessageId, message.PlanId, message.Period, string.Join("; ", result.Reasons.Select(r => $"{r.Field}: {r.Message}")));
        return Task.CompletedTask;
    }
}

public sealed class CommuneReportConsumerDefinition : ConsumerDefinition<CommuneReportConsumer>
{
    private readonly HigherOptions _options;

    public CommuneReportConsumerDefinition(IOptions<HubOptions> options)
    {
        _options = options.Value.Higher;
        EndpointName = "commune-reports";
        // A few hundred communes a period: one SQLite transaction per report is plenty, and one writer avoids lock waits.
        ConcurrentMessageLimit = 1;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<CommuneReportConsumer> consumerConfigurator, IRegistrationContext context)
    {
        // The communes' hubs publish plain JSON (ReportForwarder), routing key = their plan id.
        endpointConfigurator.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType);
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.Bind(_options.Exchange, b =>
            {
                b.ExchangeType = "topic";
                b.Durable = true;
                b.RoutingKey = "#";
            });
        }
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Intervals(100, 500, 1000, 2000, 5000, 10000);
            r.Ignore<OperationCanceledException>();
        });
    }
}
