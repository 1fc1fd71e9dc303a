using System.Text;
using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Ingest;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Workers.Wiring;
using MassTransit;

namespace ChuyenDoiSo.Workers.Ingest;

/// <summary>
/// Stores department updates a batch at a time: each validated against its plan, the batch in one
/// SQLite transaction. The broker's acknowledgement follows the commit, so an acknowledged update is stored.
/// </summary>
public sealed class DepartmentReportConsumer(PlanCatalog catalog, IngestStore store, TimeProvider clock, BrokerIdentity broker, ILogger<DepartmentReportConsumer> logger)
    : IConsumer<Batch<DepartmentReportSubmitted>>
{
    /// <summary>Lets `ingest --received-at` record when a paper report really arrived; honoured on the in-process bus only.</summary>
    public const string ReceivedAtHeader = "Hub-Received-At";

    public async Task Consume(ConsumeContext<Batch<DepartmentReportSubmitted>> context)
    {
        var now = clock.GetUtcNow();
        var batch = context.Message.Select(m => Incoming(m, now)).ToList();
        var results = store.Store(batch);
        for (var i = 0; i < results.Count; i++)
        {
            var result = results[i];
            if (result.Outcome is not (IngestOutcome.Rejected or IngestOutcome.Conflict)) continue;
            var message = context.Message[i].Message;
            logger.LogWarning("Rejected update {MessageId} from {Department} for {Plan} {Period}: {Reasons}",
                result.MessageId, message.Department, message.PlanId, message.Period, string.Join("; ", result.Reasons.Select(r => $"{r.Field}: {r.Message}")));
            await context.Message[i].Publish(new DepartmentReportRejected
            {
                MessageId = message.MessageId,
                PlanId = message.PlanId,
                Department = message.Department,
                Period = message.Period,
                RejectedAt = now,
                Reasons = result.Reasons,
            });
        }
    }

    private IncomingSubmission Incoming(ConsumeContext<DepartmentReportSubmitted> context, DateTimeOffset now)
    {
        var message = context.Message;
        var receivedAt = now;
        if (context.ReceiveContext.InputAddress.Scheme == "loopback" &&
            context.Headers.Get<string>(ReceivedAtHeader) is { } header &&
            DateTimeOffset.TryParse(header, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var paper))
            receivedAt = paper;
        var raw = Encoding.UTF8.GetString(context.ReceiveContext.Body.GetBytes());
        // A plain JSON body without messageId takes the AMQP message_id.
        if (message.MessageId == Guid.Empty && context.MessageId is { } amqpId) message = message with { MessageId = amqpId };
        var reasons = SubmissionValidator.Validate(message, catalog);
        string? user = null;
        if (context.ReceiveContext.TryGetPayload<RabbitMqBasicConsumeContext>(out var rabbit))
        {
            user = rabbit.Properties.UserId;
            reasons = [.. DepartmentIdentity.Check(message, user, broker.HubUser), .. reasons];
        }
        return new IncomingSubmission(message, message.MessageId, raw, receivedAt, user, reasons);
    }
}

public sealed class DepartmentReportConsumerDefinition : ConsumerDefinition<DepartmentReportConsumer>
{
    private readonly Wiring.IngestOptions _options;

    public DepartmentReportConsumerDefinition(Microsoft.Extensions.Options.IOptions<Wiring.HubOptions> options)
    {
        _options = options.Value.Ingest;
        EndpointName = "department-reports";
        // Enough prefetch to fill two batches while one is being written.
        ConcurrentMessageLimit = _options.BatchSize * (_options.ConcurrentBatches + 1);
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<DepartmentReportConsumer> consumerConfigurator, IRegistrationContext context)
    {
        // Departments that are not on .NET publish plain JSON (application/json) to the hub's exchange.
        endpointConfigurator.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType);
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
            rabbit.Bind(BrokerIdentity.Exchange, b =>
            {
                b.ExchangeType = "topic";
                b.Durable = true;
                b.RoutingKey = "#";
            });
        endpointConfigurator.PrefetchCount = _options.BatchSize * (_options.ConcurrentBatches + 1);
        // A locked database or a full disk is transient: retry before the message goes to the error queue.
        endpointConfigurator.UseMessageRetry(r => r.Intervals(100, 500, 1000, 2000, 5000, 10000));
        consumerConfigurator.Options<BatchOptions>(o => o
            .SetMessageLimit(_options.BatchSize)
            .SetTimeLimit(TimeSpan.FromMilliseconds(_options.BatchTimeLimitMs))
            .SetConcurrencyLimit(_options.ConcurrentBatches));
    }
}
