using System.Text;
using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Ingest;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Workers.Wiring;
using MassTransit;

namespace ChuyenDoiSo.Workers.Ingest;

/// <summary>
/// Stores a department update: validated against its plan, then handed to the group-commit writer, which stores
/// it with the others in flight in one SQLite transaction. The broker's acknowledgement follows the commit, so an
/// acknowledged update is stored.
/// </summary>
public sealed class DepartmentReportConsumer(PlanRegistry registry, IngestWriter writer, TimeProvider clock, BrokerIdentity broker, Operations.HubMetrics metrics, ILogger<DepartmentReportConsumer> logger)
    : IConsumer<DepartmentReportSubmitted>
{
    private PlanCatalog catalog => registry.Current;

    /// <summary>Lets `ingest --received-at` record when a paper report really arrived; honoured on the in-process bus only.</summary>
    public const string ReceivedAtHeader = "Hub-Received-At";

    public async Task Consume(ConsumeContext<DepartmentReportSubmitted> context)
    {
        var now = clock.GetUtcNow();
        var incoming = Incoming(context, now);
        var result = await writer.StoreAsync(incoming, context.CancellationToken);
        metrics.Ingested(result);
        if (result.Outcome is not (IngestOutcome.Rejected or IngestOutcome.Conflict)) return;
        var message = incoming.Message ?? new DepartmentReportSubmitted { MessageId = incoming.MessageId ?? Guid.Empty };
        logger.LogWarning("Rejected update {MessageId} from {Department} for {Plan} {Period}: {Reasons}",
            result.MessageId, message.Department, message.PlanId, message.Period, string.Join("; ", result.Reasons.Select(r => $"{r.Field}: {r.Message}")));
        await context.Publish(new DepartmentReportRejected
        {
            MessageId = message.MessageId,
            PlanId = message.PlanId,
            Department = message.Department,
            Period = message.Period,
            RejectedAt = now,
            Reasons = result.Reasons,
        });
    }

    /// <summary>Lets `ingest` hand over the file's own JSON, so the stored raw message is what the department wrote; in-process bus only.</summary>
    public const string RawJsonHeader = "Hub-Raw-Json";

    private IncomingSubmission Incoming(ConsumeContext<DepartmentReportSubmitted> context, DateTimeOffset now)
    {
        // Judged against the receipt: a paper report's --received-at (held to the clock by `ingest`) or now; a replayed year
        // (`demo`) is then the same whatever day it runs.
        var receivedAt = now;
        var loopback = context.ReceiveContext.InputAddress.Scheme == "loopback";
        if (loopback && context.Headers.Get<string>(ReceivedAtHeader) is { } header && SubmissionReader.TryParseInstant(header, out var paper))
            receivedAt = paper;
        // The body as the department sent it, read by the same reader as a file: the deserialised contract is not trusted
        // (it would take a zero id, duplicate keys or an envelope's own message id as they come).
        var read = DepartmentMessageBody.Read(context.ReceiveContext, loopback ? context.Headers.Get<string>(RawJsonHeader) : null, context.Message);
        var message = read.Message ?? context.Message;
        IReadOnlyList<RejectionReason> reasons = read.Reasons.Count > 0 ? read.Reasons : SubmissionValidator.Validate(message, catalog, receivedAt);
        string? user = null;
        if (context.ReceiveContext.TryGetPayload<RabbitMqBasicConsumeContext>(out var rabbit))
        {
            user = DepartmentErrorQueue.TransportUser(rabbit.Properties, broker.HubUser);
            if (read.Message is not null) reasons = [.. DepartmentIdentity.Check(message, user, broker.HubUser), .. reasons];
        }
        return new IncomingSubmission(read.Message, read.MessageId, read.Raw, receivedAt, user, reasons);
    }
}

public sealed class DepartmentReportConsumerDefinition : ConsumerDefinition<DepartmentReportConsumer>
{
    private readonly Wiring.IngestOptions _options;
    private readonly IngestStore _store;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;

    public DepartmentReportConsumerDefinition(Microsoft.Extensions.Options.IOptions<Wiring.HubOptions> options, IngestStore store, TimeProvider clock, ILogger<DepartmentReportConsumerDefinition> logger)
    {
        _store = store;
        _clock = clock;
        _logger = logger;
        _options = options.Value.Ingest;
        EndpointName = "department-reports";
        // As many messages in flight as one group commit takes; the prefetch keeps the next group ready.
        ConcurrentMessageLimit = _options.BatchSize;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<DepartmentReportConsumer> consumerConfigurator, IRegistrationContext context)
    {
        // Departments that are not on .NET publish plain JSON (application/json) to the hub's exchange.
        endpointConfigurator.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType);
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.Bind(BrokerIdentity.Exchange, b =>
            {
                b.ExchangeType = "topic";
                b.Durable = true;
                b.RoutingKey = "#";
            });
            // MassTransit's move keeps the department's user_id, which RabbitMQ refuses from the hub's connection.
            rabbit.ConfigureError(e => e.UseFilter(new DepartmentErrorFilter(context.GetRequiredService<BrokerIdentity>().HubUser)));
            rabbit.ConfigureDeadLetter(d => d.UseFilter(new DepartmentSkippedFilter(_store, _clock, context.GetRequiredService<Operations.HubMetrics>(), _logger, context.GetRequiredService<BrokerIdentity>().HubUser)));
        }
        endpointConfigurator.PrefetchCount = _options.BatchSize * 2;
        // A locked database or a full disk is transient: retry before the message goes to the error queue.
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Intervals(100, 500, 1000, 2000, 5000, 10000);
            // A cancelled consume means the channel is going away: retrying only holds up the endpoint's restart.
            r.Ignore<OperationCanceledException>();
        });
    }
}
