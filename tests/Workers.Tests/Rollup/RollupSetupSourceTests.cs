using System.Text.Json.Nodes;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Rollup;
using ChuyenDoiSo.Workers.Rollup;
using ChuyenDoiSo.Workers.Wiring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ChuyenDoiSo.Workers.Tests.Rollup;

/// <summary>A higher-level hub's roll-up setup follows the plans in force (issue 15): a commune's plan changed while running shows.</summary>
public sealed class RollupSetupSourceTests : IDisposable
{
    private const string Body = "quang-ngai-skhcn-2026";
    private const string Commune = "binh-chuong-2026";
    private readonly TempDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public void RollupSetup_followsTheRegistry_andABrokenFitKeepsThePreviousSetup()
    {
        var seeds = TestPaths.CopySeeds(_data.Combine("seeds"), higher: true);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration["Hub:Data"] = _data.Path;
        builder.Configuration["Hub:Seeds"] = seeds;
        builder.Configuration["Hub:Higher:Id"] = Body;
        builder.AddReportingHub();
        using var services = builder.Services.BuildServiceProvider();
        var registry = services.GetRequiredService<PlanRegistry>();
        var first = services.GetRequiredService<RollupSetup>();
        Assert.Equal("Xã Bình Chương", Assert.Single(first.Communes).Name);
        Assert.Same(first, services.GetRequiredService<RollupSetup>()); // nothing changed: the same setup, not a reload

        // The commune's plan renamed while the hub runs: the setup resolved next carries the new name.
        var file = Path.Combine(seeds, $"{Commune}.json");
        var plan = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        plan["commune"]!["name"] = "Bình Chương Mới";
        File.WriteAllText(file, plan.ToJsonString(PlanJson.Indented));
        Assert.Equal(PlanChange.Changed, Assert.Single(registry.Reload()).Change);
        var renamed = services.GetRequiredService<RollupSetup>();
        Assert.Equal("Xã Bình Chương Mới", Assert.Single(renamed.Communes).Name);

        // A catalogue that no longer fits the plans in force: the previous setup keeps working.
        var catalogue = Path.Combine(seeds, IndicatorCatalogue.FileName);
        File.WriteAllText(catalogue, "{ \"not\": \"a catalogue\" }");
        plan["commune"]!["name"] = "Bình Chương Khác";
        File.WriteAllText(file, plan.ToJsonString(PlanJson.Indented));
        Assert.Single(registry.Reload());
        Assert.Same(renamed, services.GetRequiredService<RollupSetup>());
    }
}
