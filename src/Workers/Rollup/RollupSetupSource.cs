using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Rollup;
using ChuyenDoiSo.Workers.Wiring;

namespace ChuyenDoiSo.Workers.Rollup;

/// <summary>
/// The higher body's <see cref="RollupSetup"/> for the plans in force: loaded on first use (a commune-level hub never
/// reads the catalogue or a higher body) and again whenever <see cref="PlanRegistry.Current"/> has changed, so a commune's
/// plan added or removed while the hub runs changes the communes expected. A reload that fails (the catalogue no longer
/// fits the plans) is logged and the previous setup keeps working; the first load throws as at start-up.
/// </summary>
public sealed class RollupSetupSource(HubOptions options, PlanRegistry registry, ILogger<RollupSetupSource> logger)
{
    private readonly Lock _lock = new();
    private Loaded? _loaded;

    private sealed record Loaded(PlanCatalog Plans, RollupSetup Setup);

    public RollupSetup Current
    {
        get
        {
            var plans = registry.Current;
            if (Volatile.Read(ref _loaded) is { } loaded && ReferenceEquals(loaded.Plans, plans)) return loaded.Setup;
            lock (_lock)
            {
                if (_loaded is { } again && ReferenceEquals(again.Plans, plans)) return again.Setup;
                RollupSetup setup;
                try
                {
                    setup = RollupSetup.Load(options.ResolveSeeds(), options.Higher.Id, plans);
                }
                catch (PlanFileException e) when (_loaded is not null)
                {
                    logger.LogError("The roll-up setup does not fit the plans now in force, the previous one keeps working: {Problem}", e.Message);
                    Volatile.Write(ref _loaded, _loaded with { Plans = plans });
                    return _loaded.Setup;
                }
                if (_loaded is not null)
                    logger.LogInformation("Roll-up setup for {Body} reloaded with the plans now in force: {Communes} communes expected", setup.Body.Id, setup.Communes.Count);
                Volatile.Write(ref _loaded, new Loaded(plans, setup));
                return setup;
            }
        }
    }
}
