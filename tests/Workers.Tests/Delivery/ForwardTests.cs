using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Deliver;
using ChuyenDoiSo.Reporting.Ingest;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Workers.Deliver;
using ChuyenDoiSo.Workers.Tests.Broker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RabbitMQ.Client;
using Xunit.Abstractions;

namespace ChuyenDoiSo.Workers.Tests.Delivery;

/// <summary>
/// The compiled report forwarded to the higher-level hub as a CommuneReportSubmitted over a real RabbitMQ (the shared test
/// broker, vhost "/"), read back from a queue the test binds to the exchange before delivering.
/// </summary>
[Collection("rabbitmq")]
public sealed class ForwardTests(RabbitMqBroker broker, ITestOutputHelper output) : IDisposable
{
    private const string PlanId = DeliveryHost.PlanId;
    private const string Exchange = "chuyendoiso.communes";
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 9, 0, 0, TimeSpan.FromHours(7));
    private readonly TempDataFolder _data = new();
    private readonly FakeTimeProvider _clock = new(Now);

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Deliver_forwardsCommuneReportSubmittedAsJson_toHigherLevelExchange()
    {
        output.WriteLine($"broker: {broker.Kind} node {broker.NodeName}, AMQP {broker.AmqpPort}, started in {broker.StartTime.TotalSeconds:0.0} s");
        await using var hub = DeliveryHost.Build(_data.Path, _clock, output, ForwardTo(broker.AmqpUri(broker.AdminUser, broker.AdminPassword, "/")));
        Store(hub, "TTPVHCC", "1", 85m);
        await using var connection = await broker.Factory(broker.AdminUser, broker.AdminPassword, "/").CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var queue = await BindTestQueueAsync(channel);

        var outcomes = await hub.Delivery.DeliverAsync(hub.Plan, "2026-11", resend: false, CancellationToken.None);

        Assert.Equal([("email", "sent"), ("forward", "sent")], outcomes.Select(o => (o.Channel, o.Status)));
        var expectedId = DeliveryService.ForwardMessageId(PlanId, "2026-11");
        var delivered = await NextAsync(channel, queue);
        Assert.Equal((Exchange, PlanId), (delivered.Exchange, delivered.RoutingKey));
        var properties = delivered.BasicProperties;
        Assert.Equal(expectedId.ToString(), properties.MessageId);
        Assert.Equal(("application/json", "CommuneReportSubmitted", DeliveryModes.Persistent, broker.AdminUser), (properties.ContentType, properties.Type, properties.DeliveryMode, properties.UserId));

        using var json = JsonDocument.Parse(delivered.Body);
        var root = json.RootElement;
        Assert.Equal(PlanId, root.GetProperty("planId").GetString());
        Assert.Equal("2026-11", root.GetProperty("period").GetString());
        Assert.Equal(expectedId, root.GetProperty("messageId").GetGuid());
        Assert.Equal("monthly", root.GetProperty("kind").GetString());
        Assert.Equal("Xã Bình Chương", root.GetProperty("commune").GetString());
        Assert.Equal(Now, root.GetProperty("compiledAt").GetDateTimeOffset());
        var message = JsonSerializer.Deserialize<CommuneReportSubmitted>(delivered.Body.Span, PlanJson.Options)!;
        Assert.Equal(expectedId, message.MessageId);

        using var report = JsonDocument.Parse(root.GetProperty("reportJson").GetString()!);
        Assert.Equal(PlanId, report.RootElement.GetProperty("planId").GetString());
        Assert.Equal("2026-11", report.RootElement.GetProperty("period").GetString());
        var indicators = report.RootElement.GetProperty("indicators").EnumerateArray().ToDictionary(i => i.GetProperty("code").GetString()!);
        Assert.Equal(hub.Plan.Indicators.Select(i => i.Code).Order(StringComparer.Ordinal), indicators.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(85m, indicators["1"].GetProperty("value").GetDecimal());
        Assert.Equal(JsonValueKind.Null, indicators["8"].GetProperty("value").ValueKind);

        Assert.Equal(expectedId.ToString(), hub.Rows("2026-11").Single(r => r.Channel == "forward").MessageId);
        // With a broker configured, nothing is written to the outbox's forward folder.
        Assert.Empty(hub.OutboxFiles("*.json", "forward"));
    }

    [Fact]
    public async Task Deliver_forwardsSameMessageIdAgain_whenResent()
    {
        await using var hub = DeliveryHost.Build(_data.Path, _clock, output, ForwardTo(broker.AmqpUri(broker.AdminUser, broker.AdminPassword, "/")));
        await using var connection = await broker.Factory(broker.AdminUser, broker.AdminPassword, "/").CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var queue = await BindTestQueueAsync(channel);

        await hub.Delivery.DeliverAsync(hub.Plan, "2026-11", resend: false, CancellationToken.None);
        var again = await hub.Delivery.DeliverAsync(hub.Plan, "2026-11", resend: false, CancellationToken.None);
        _clock.Advance(TimeSpan.FromHours(2));
        await hub.Delivery.DeliverAsync(hub.Plan, "2026-11", resend: true, CancellationToken.None);

        Assert.Equal("already_sent", again.Single(o => o.Channel == "forward").Status);
        var first = await NextAsync(channel, queue);
        var second = await NextAsync(channel, queue);
        // Two publishes (the plain second `deliver` published nothing), one identity: the higher-level hub stores the report once.
        Assert.Equal(first.BasicProperties.MessageId, second.BasicProperties.MessageId);
        Assert.Null(await channel.BasicGetAsync(queue, autoAck: true));
        Assert.Equal(("sent", 2L), hub.Rows("2026-11").Where(r => r.Channel == "forward").Select(r => (r.Status, r.Attempts)).Single());
    }

    [Fact]
    public async Task Deliver_leavesForwardPendingWithError_whenBrokerDoesNotAnswer()
    {
        var closedPort = ClosedPort();
        await using var hub = DeliveryHost.Build(_data.Path, _clock, output, ForwardTo($"amqp://admin:secret@127.0.0.1:{closedPort}/%2F"));

        var outcomes = await hub.Delivery.DeliverAsync(hub.Plan, "2026-11", resend: false, CancellationToken.None);

        Assert.Equal([("email", "sent"), ("forward", "pending")], outcomes.Select(o => (o.Channel, o.Status)));
        var forward = hub.Rows("2026-11").Single(r => r.Channel == "forward");
        Assert.Equal(("pending", 1L), (forward.Status, forward.Attempts));
        Assert.StartsWith($"forward to {Exchange} failed", forward.LastError, StringComparison.Ordinal);
        // Left for the next start to finish, like a crash mid-send.
        Assert.Equal([("forward", "pending")], hub.Ledger.Unfinished().Select(r => (r.Channel, r.Status)));
    }

    private static Dictionary<string, string?> ForwardTo(string uri) => new() { ["Hub:Forward:Uri"] = uri };

    /// <summary>A queue of the test's own, bound to the exchange with "#" before anything is forwarded, so the message waits there.</summary>
    private static async Task<string> BindTestQueueAsync(IChannel channel)
    {
        // Declared as the forwarder declares it, so it exists whichever side comes first.
        await channel.ExchangeDeclareAsync(Exchange, ExchangeType.Topic, durable: true, autoDelete: false);
        var queue = await channel.QueueDeclareAsync("test-forward-" + Guid.NewGuid().ToString("N")[..8], durable: false, exclusive: true, autoDelete: true);
        await channel.QueueBindAsync(queue.QueueName, Exchange, "#");
        return queue.QueueName;
    }

    private static async Task<BasicGetResult> NextAsync(IChannel channel, string queue)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (await channel.BasicGetAsync(queue, autoAck: true) is { } result) return result;
            await Task.Delay(25);
        }
        throw new Xunit.Sdk.XunitException($"no message in {queue} within 10 s");
    }

    private static void Store(DeliveryHost hub, string department, string indicator, decimal value)
    {
        var message = new DepartmentReportSubmitted
        {
            MessageId = Guid.NewGuid(),
            PlanId = PlanId,
            Department = department,
            Period = "2026-11",
            Indicators = [new IndicatorValue { Code = indicator, Value = value }],
        };
        var catalog = hub.Services.GetRequiredService<PlanCatalog>();
        var result = hub.Services.GetRequiredService<IngestStore>().Store(
            [new IncomingSubmission(message, message.MessageId, JsonSerializer.Serialize(message, PlanJson.Options), Now.AddDays(-10), null, SubmissionValidator.Validate(message, catalog))]);
        Assert.Equal(IngestOutcome.Accepted, result.Single().Outcome);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
