using System.Text.Json;
using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Ingest;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Rollup;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Tests.Broker;
using ChuyenDoiSo.Workers.Tests.Delivery;
using ChuyenDoiSo.Workers.Wiring;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace ChuyenDoiSo.Workers.Tests.Rollup;

/// <summary>
/// A commune hub forwards over a real RabbitMQ (the shared test broker, vhost "/") to a higher-level hub that consumes
/// from the exchange chuyendoiso.communes: stored once when forwarded again, replaced when the commune re-sends a
/// corrected report under the same forward id.
/// </summary>
[Collection("rabbitmq")]
public sealed class CommuneToHigherHubTests(RabbitMqBroker broker, ITestOutputHelper output) : IDisposable
{
    private const string PlanId = DeliveryHost.PlanId;
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 9, 0, 0, TimeSpan.FromHours(7));
    private readonly TempDataFolder _commune = new();
    private readonly TempDataFolder _higher = new();
    private readonly FakeTimeProvider _clock = new(Now);

    public void Dispose()
    {
        _commune.Dispose();
        _higher.Dispose();
    }

    [Fact]
    public async Task ForwardedReport_isStoredByTheHigherHub_onceWhenForwardedAgain_andReplacedByACorrection()
    {
        var uri = broker.AmqpUri(broker.AdminUser, broker.AdminPassword, "/");
        using var higher = HigherHub(uri);
        await higher.StartAsync();
        try
        {
            await using var commune = DeliveryHost.Build(_commune.Path, _clock, output, new Dictionary<string, string?> { ["Hub:Forward:Uri"] = uri });
            Store(commune, "1", 40m);

            await commune.Delivery.DeliverAsync(commune.Plan, "2026-11", resend: false, CancellationToken.None);
            await WaitForReceiptsAsync(higher, 1);
            _clock.Advance(TimeSpan.FromHours(1));
            await commune.Delivery.DeliverAsync(commune.Plan, "2026-11", resend: true, CancellationToken.None);
            await WaitForReceiptsAsync(higher, 2);
            // A department corrects its figure; the commune issues a correction (a new number, Decree 30 Art. 18.3) and sends it.
            _clock.Advance(TimeSpan.FromHours(1));
            Store(commune, "1", 90m);
            await commune.Delivery.DeliverAsync(commune.Plan, "2026-11", resend: false, CancellationToken.None, correction: true);
            await WaitForReceiptsAsync(higher, 3);

            using var connection = higher.Services.GetRequiredService<HubDatabase>().Open();
            Assert.Equal(["accepted", "duplicate", "accepted"], connection.Query<string>("SELECT outcome FROM commune_receipts ORDER BY id"));
            var current = Assert.Single(new RollupQueries(connection).Current("2026-11"));
            Assert.Equal((PlanId, 2), (current.CommuneId, current.Sends));
            using var report = JsonDocument.Parse(current.ReportJson);
            var indicator = report.RootElement.GetProperty("indicators").EnumerateArray().Single(i => i.GetProperty("code").GetString() == "1");
            Assert.Equal(90m, indicator.GetProperty("value").GetDecimal());
        }
        finally
        {
            await higher.StopAsync();
        }
    }

    private IHost HigherHub(string uri)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hub:Data"] = _higher.Path,
            ["Hub:Seeds"] = TestPaths.Seeds,
            ["Hub:Level"] = "Higher",
            ["Hub:Higher:Id"] = "quang-ngai-skhcn-2026",
            ["Hub:Transport"] = "RabbitMq",
            ["Hub:RabbitMq:Uri"] = uri,
        });
        builder.AddReportingHub().AddMessaging();
        return builder.Build();
    }

    private static async Task WaitForReceiptsAsync(IHost higher, long count) =>
        await DeliveryHost.EventuallyAsync(
            () =>
            {
                using var connection = higher.Services.GetRequiredService<HubDatabase>().Open();
                return new RollupQueries(connection).CountReceiptsAfter(0);
            },
            seen => seen >= count, $"{count} commune receipts", TimeSpan.FromSeconds(30));

    private static void Store(DeliveryHost hub, string indicator, decimal value)
    {
        var message = new DepartmentReportSubmitted
        {
            MessageId = Guid.NewGuid(),
            PlanId = PlanId,
            Department = "TTPVHCC",
            Period = "2026-11",
            Indicators = [new IndicatorValue { Code = indicator, Value = value }],
        };
        var catalog = hub.Services.GetRequiredService<PlanCatalog>();
        var result = hub.Services.GetRequiredService<IngestStore>().Store(
            [new IncomingSubmission(message, message.MessageId, JsonSerializer.Serialize(message, PlanJson.Options), hub.Services.GetRequiredService<TimeProvider>().GetUtcNow(), null, SubmissionValidator.Validate(message, catalog))]);
        Assert.Equal(IngestOutcome.Accepted, result.Single().Outcome);
    }
}
