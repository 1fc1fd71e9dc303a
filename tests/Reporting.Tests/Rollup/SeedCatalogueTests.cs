using ChuyenDoiSo.Reporting.Rollup;

namespace ChuyenDoiSo.Reporting.Tests.Rollup;

public sealed class SeedCatalogueTests
{
    private static readonly string File = Path.Combine(TestPaths.Seeds, IndicatorCatalogue.FileName);

    [Fact]
    public void Load_readsSeedCatalogue_withoutErrorsAgainstTheSeedPlans()
    {
        var (catalogue, problems) = IndicatorCatalogue.Parse(File, System.IO.File.ReadAllText(File), RollupFixtures.SeedPlans.Value);

        Assert.All(problems, p => Assert.True(p.IsWarning, p.ToString()));
        Assert.NotNull(catalogue);
    }

    [Fact]
    public void Load_mapsEveryOneOfTheFiveSeedPlans()
    {
        var catalogue = IndicatorCatalogue.Load(File, RollupFixtures.SeedPlans.Value);

        foreach (var plan in RollupFixtures.SeedPlans.Value.Plans)
            Assert.True(catalogue.MappingsFor(plan.Id).Count > 0, $"plan {plan.Id} has no mapping");
    }

    [Fact]
    public void Load_sharesKeysAcrossPlans_soARollupHasSomethingToAdd()
    {
        var catalogue = IndicatorCatalogue.Load(File, RollupFixtures.SeedPlans.Value);

        // A key only one plan uses rolls up nothing across plans; most should be shared.
        var shared = catalogue.Indicators.Count(i => catalogue.MappedPlans.Count(p => catalogue.MappingsFor(p).Values.Contains(i.Key)) >= 2);
        Assert.True(shared >= 10, $"only {shared} keys are shared by two plans or more");
    }
}
