using System.Text.Json.Nodes;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Workers.Deliver;
using ChuyenDoiSo.Workers.Schedule;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace ChuyenDoiSo.Workers.Tests.Delivery;

/// <summary>A plan edited under a running hub (issue 15): picked up without a restart, validated first, versions kept.</summary>
public sealed class PlanReloadTests(ITestOutputHelper output) : IDisposable
{
    private const string PlanId = DeliveryHost.PlanId;
    private static readonly TimeSpan Local = TimeSpan.FromHours(7);
    private readonly TempDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    private string CopySeeds() => TestPaths.CopySeeds(_data.Combine("seeds"));

    private static void Edit(string file, Action<JsonObject> change)
    {
        var plan = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        change(plan);
        Replace(file, plan.ToJsonString(PlanJson.Indented));
    }

    private static PlanReloader Reloader(DeliveryHost hub) => hub.Services.GetServices<IHostedService>().OfType<PlanReloader>().Single();

    [Fact]
    public async Task EditedPlan_movesItsDeadline_withoutARestart_andSendsOnce_andABrokenEditKeepsThePreviousVersion()
    {
        var seeds = CopySeeds();
        var file = Path.Combine(seeds, $"{PlanId}.json");
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 10, 8, 0, 0, Local));
        await using var hub = await DeliveryHost.StartAsync(_data.Path, clock, output, new Dictionary<string, string?> { ["Hub:Seeds"] = seeds });
        var oldDeadline = new DateTimeOffset(2026, 11, 12, 17, 0, 0, Local);
        var newDeadline = new DateTimeOffset(2026, 11, 20, 17, 0, 0, Local); // Friday
        Assert.Equal(oldDeadline, (await hub.ReportTriggerAsync("2026-11"))?.NextFireTimeUtc);
        var name = hub.Plan.Indicators[0].Name;

        // Mid-year change: monthly reports by the 20th, and a reworded indicator.
        clock.Advance(TimeSpan.FromMinutes(1));
        Edit(file, p =>
        {
            p["calendar"] = new JsonObject { ["monthlyDueDay"] = 20 };
            p["indicators"]![0]!["name"] = "Tỷ lệ hồ sơ xử lý trực tuyến toàn trình (sửa đổi)";
        });
        var changes = await Reloader(hub).ReloadOnceAsync(CancellationToken.None);

        var change = Assert.Single(changes);
        Assert.Equal((PlanChange.Changed, PlanId), (change.Change, change.PlanId));
        Assert.Equal(PlanRegistry.Hash(File.ReadAllBytes(file)), change.Hash);
        Assert.Equal(newDeadline, (await hub.ReportTriggerAsync("2026-11"))?.NextFireTimeUtc);
        Assert.Equal(20, hub.Services.GetRequiredService<PlanRegistry>().Current.Find(PlanId)!.EffectiveCalendar.MonthlyDueDay);

        // A broken edit: logged with its problems, the version just taken keeps working, the schedule stays.
        clock.Advance(TimeSpan.FromMinutes(1));
        var good = File.ReadAllText(file);
        Replace(file, good.Replace("\"lead\": \"TTPVHCC\"", "\"lead\": \"NO_SUCH_UNIT\"", StringComparison.Ordinal));
        var rejected = Assert.Single(await Reloader(hub).ReloadOnceAsync(CancellationToken.None));
        Assert.Equal(PlanChange.Rejected, rejected.Change);
        Assert.Contains(rejected.Problems, p => p.Message.Contains("NO_SUCH_UNIT", StringComparison.Ordinal));
        Assert.Equal(20, hub.Services.GetRequiredService<PlanRegistry>().Current.Find(PlanId)!.EffectiveCalendar.MonthlyDueDay);
        Assert.Equal(newDeadline, (await hub.ReportTriggerAsync("2026-11"))?.NextFireTimeUtc);
        Assert.Empty(await Reloader(hub).ReloadOnceAsync(CancellationToken.None)); // the same broken bytes are reported once
        Assert.Equal(
            [PlanChange.Changed, PlanChange.Rejected],
            hub.Services.GetRequiredService<PlanVersionStore>().Changes().Select(c => c.Change));

        // Nothing goes out at the old deadline; at the new one the report goes once on each channel.
        clock.Advance(oldDeadline.AddMinutes(5) - clock.GetUtcNow());
        await Task.Delay(500);
        Assert.Empty(hub.Rows("2026-11"));
        clock.Advance(newDeadline.AddMinutes(1) - clock.GetUtcNow());
        var rows = await DeliveryHost.EventuallyAsync(() => hub.Rows("2026-11"), r => r.Count == 2 && r.All(x => x.Status == "sent"), "2026-11 sent on email and forward");
        Assert.All(rows, r => Assert.Equal(1L, r.Attempts));
        Replace(file, good);
        await Reloader(hub).ReloadOnceAsync(CancellationToken.None);
        await hub.Delivery.DeliverAsync(hub.Plan, "2026-11", resend: false, CancellationToken.None);
        Assert.All(hub.Rows("2026-11"), r => Assert.Equal(1L, r.Attempts));
        Assert.Single(hub.OutboxFiles(), f => f.Contains("2026-11", StringComparison.Ordinal));

        // Reproducible: the October report (cut-off before the change) compiles against the first version.
        var producer = hub.Services.GetRequiredService<ReportProducer>();
        var plan = hub.Services.GetRequiredService<PlanRegistry>().Current.Find(PlanId)!;
        Assert.Equal(name, producer.Produce(plan, "2026-10", new DateOnly(2026, 10, 12)).Report.Plan.Indicators[0].Name);
        Assert.Equal("Tỷ lệ hồ sơ xử lý trực tuyến toàn trình (sửa đổi)", producer.Produce(plan, "2026-11", new DateOnly(2026, 11, 20)).Report.Plan.Indicators[0].Name);
    }

    // The hub's own timer may look at the folder while the test writes: replace the file in one rename, as an editor or
    // `plans import` does, so the reloader never reads half a file.
    private static void Replace(string file, string text)
    {
        var temporary = file + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, file, overwrite: true);
    }
}
