using System.Text.Json.Nodes;
using ChuyenDoiSo.Reporting.Plans;

namespace ChuyenDoiSo.Reporting.Tests.Plans;

/// <summary>The version store records what the registry loaded, not what the file holds by the time it looks.</summary>
public sealed class PlanVersionStoreTests : IDisposable
{
    private const string PlanId = "binh-chuong-2026";
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private string CopySeeds() => TestPaths.CopySeeds(Path.Combine(_db.Folder, "seeds"));

    [Fact]
    public void RecordCurrent_storesTheVersionLoaded_evenWhenTheFileChangedSince()
    {
        var seeds = CopySeeds();
        var file = Path.Combine(seeds, $"{PlanId}.json");
        var registry = new PlanRegistry(seeds);
        var loaded = registry.Current.Find(PlanId)!.Indicators[0].Name;

        // Edited between the hub loading its plans and the version store looking (the race CI once lost).
        var edited = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        edited["indicators"]![0]!["name"] = "Tên đã sửa sau khi nạp";
        File.WriteAllText(file, edited.ToJsonString());

        var store = new PlanVersionStore(_db.Database);
        var start = new DateTimeOffset(2026, 11, 10, 8, 0, 0, TimeSpan.FromHours(7));
        store.RecordCurrent(registry, start);

        Assert.Equal(loaded, store.VersionAt(PlanId, start)!.Indicators[0].Name);
        Assert.Equal(loaded, store.VersionAt(PlanId, start.AddYears(-1))!.Indicators[0].Name); // before any: the earliest
        Assert.Equal(registry.Current.Plans.Count(), registry.Loaded.Count);
        Assert.Contains(registry.Loaded, l => l.PlanId == PlanId && l.Hash != PlanRegistry.Hash(File.ReadAllBytes(file)));

        // The reloader then takes the edit as a new version, first seen later; the earlier period keeps the loaded one.
        var change = Assert.Single(registry.Reload());
        store.Record(change, start.AddMinutes(1));
        Assert.Equal("Tên đã sửa sau khi nạp", store.VersionAt(PlanId, start.AddMinutes(2))!.Indicators[0].Name);
        Assert.Equal(loaded, store.VersionAt(PlanId, start.AddYears(-1))!.Indicators[0].Name);
        // The same version is the same object each time (the catalogue's calendar cache is keyed by it).
        Assert.Same(store.VersionAt(PlanId, start), store.VersionAt(PlanId, start.AddSeconds(30)));
    }
}
