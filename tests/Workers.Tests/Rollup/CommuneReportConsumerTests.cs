using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Rollup;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Deliver;
using ChuyenDoiSo.Workers.Rollup;
using ChuyenDoiSo.Workers.Wiring;
using Dapper;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace ChuyenDoiSo.Workers.Tests.Rollup;

/// <summary>A higher-level hub's consumer on MassTransit's test harness, with the host's registrations and its own SQLite file.</summary>
public sealed class CommuneReportConsumerTests : IAsyncLifetime, IDisposable
{
    /// <summary>09:00 on 4 March 2026 in Asia/Ho_Chi_Minh: the day before the communes' Q1 due date.</summary>
    private static readonly DateTimeOffset Start = new(2026, 3, 4, 2, 0, 0, TimeSpan.Zero);

    private readonly TempDataFolder _data = new();
    private readonly FakeTimeProvider _clock = new(Start);
    private ServiceProvider _provider = null!;
    private ITestHarness _harness = null!;

    public async Task InitializeAsync()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration["Hub:Data"] = _data.Path;
        builder.Configuration["Hub:Seeds"] = TestPaths.Seeds;
        builder.Configuration["Hub:Level"] = "Higher";
        builder.Configuration["Hub:Higher:Id"] = "quang-ngai-skhcn-2026";
        builder.AddReportingHub();
        var services = builder.Services;
        services.AddLogging();
        services.AddSingleton<ReportProducer>();
        services.RemoveAll<TimeProvider>();
        services.AddSingleton<TimeProvider>(_clock);
        services.AddMassTransitTestHarness(x => x.AddConsumer<CommuneReportConsumer, CommuneReportConsumerDefinition>());
        _provider = services.BuildServiceProvider(validateScopes: true);
        _harness = _provider.GetRequiredService<ITestHarness>();
        await _harness.Start();
    }

    public async Task DisposeAsync()
    {
        await _harness.Stop();
        await _provider.DisposeAsync();
    }

    public void Dispose() => _data.Dispose();

    /// <summary>What Bình Chương's hub forwards for 2026-Q1: its compiled report in the JSON format, as ReportForwarder wraps it.</summary>
    private CommuneReportSubmitted Forwarded(string planId = "binh-chuong-2026")
    {
        var outputs = _provider.GetRequiredService<ReportProducer>().Produce(_provider.GetRequiredService<Reporting.Plans.PlanCatalog>().Find("binh-chuong-2026")!, "2026-Q1", new DateOnly(2026, 3, 5));
        return new CommuneReportSubmitted
        {
            MessageId = DeliveryService.ForwardMessageId(planId, "2026-Q1"),
            PlanId = planId,
            Commune = outputs.Report.Plan.Commune.FullName,
            Period = "2026-Q1",
            Kind = "quarterly",
            CompiledAt = Start,
            ReportJson = outputs.Json,
        };
    }

    private async Task PublishAndWaitAsync(CommuneReportSubmitted message, int receipts)
    {
        await _harness.Bus.Publish(message);
        var database = _provider.GetRequiredService<HubDatabase>();
        for (var i = 0; i < 500; i++)
        {
            using (var connection = database.Open())
                if (new RollupQueries(connection).CountReceiptsAfter(0) >= receipts) return;
            await Task.Delay(20);
        }
        throw new TimeoutException($"no {receipts} commune receipts");
    }

    private List<string> Outcomes()
    {
        using var connection = _provider.GetRequiredService<HubDatabase>().Open();
        return connection.Query<string>("SELECT outcome FROM commune_receipts ORDER BY id").AsList();
    }

    [Fact]
    public async Task Consume_storesTheForwardedReport_onceWhenDeliveredTwice_andRollsItUp()
    {
        var message = Forwarded();

        await PublishAndWaitAsync(message, 1);
        await PublishAndWaitAsync(message, 2);

        Assert.Equal(["accepted", "duplicate"], Outcomes());
        var setup = _provider.GetRequiredService<RollupSetup>();
        using var connection = _provider.GetRequiredService<HubDatabase>().Open();
        var rollup = setup.Compile(connection, "2026-Q1");
        var commune = Assert.Single(rollup.Communes);
        Assert.Equal(("binh-chuong-2026", "Xã Bình Chương", SubmissionStatus.OnTime, Start, 1), (commune.CommuneId, commune.Commune, commune.Status, commune.FirstReceivedAt!.Value, commune.Sends));
    }

    [Fact]
    public async Task Consume_rejectsCommuneTheBodyDoesNotExpect_withAReason()
    {
        await PublishAndWaitAsync(Forwarded("tam-phuoc-2023") with { MessageId = Guid.NewGuid() }, 1);

        Assert.Equal(["rejected"], Outcomes());
        using var connection = _provider.GetRequiredService<HubDatabase>().Open();
        var reasons = connection.QuerySingle<string>("SELECT reasons_json FROM commune_rejections");
        Assert.Contains("unknown_commune", reasons, StringComparison.Ordinal);
    }
}
