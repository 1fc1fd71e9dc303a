using ChuyenDoiSo.Reporting.Rollup;
using static ChuyenDoiSo.Reporting.Tests.Rollup.RollupFixtures;

namespace ChuyenDoiSo.Reporting.Tests.Rollup;

public sealed class RollupForwardTests
{
    private static readonly DateOnly OnTime = new(2026, 3, 4);

    private static RollupReport District(string id, params (string Commune, string Json)[] communes)
    {
        var ids = communes.Select(c => c.Commune).ToArray();
        return RollupCompiler.Compile(Catalogue(), Body(ids) with { Id = id, Name = $"Phòng VHTT {id}" }, Q1, Expected(ids),
            communes.Select(c => Stored(c.Commune, c.Json, OnTime)).ToList());
    }

    [Fact]
    public void ProvinceRollupOfDistricts_equalsTheRollupOfAllTheirCommunes()
    {
        var alpha = ReportJson("alpha-2026", "Xã Alpha", "2026-Q1", [Counted("1", 3, 10), Amount("2", 4)]);
        var beta = ReportJson("beta-2026", "Xã Beta", "2026-Q1", [Counted("2.1.a", 45, 50), Amount("2.4.b", 2)]);
        var alpha1 = ReportJson("alpha-2026#001", "Xã Alpha 001", "2026-Q1", [Counted("1", 7, 200), Amount("2", 1)]);
        var north = District("district-north-2026", ("alpha-2026", alpha), ("beta-2026", beta));
        var south = District("district-south-2026", ("alpha-2026#001", alpha1));

        var province = RollupCompiler.Compile(Catalogue(), Body("district-north-2026", "district-south-2026"), Q1, Expected("district-north-2026", "district-south-2026"),
        [
            Stored("district-north-2026", RollupForward.Render(north), OnTime),
            Stored("district-south-2026", RollupForward.Render(south), OnTime),
        ]);

        var online = province.Indicators.Single(i => i.Indicator.Key == "online-dossiers");
        Assert.Equal((3m + 45m + 7m, 10m + 50m + 200m), (online.Numerator!.Value, online.Denominator!.Value));
        Assert.Equal(Math.Round(55m / 260m * 100m, 2), online.Value);
        Assert.Equal(4m + 2m + 1m, province.Indicators.Single(i => i.Indicator.Key == "trainings").Value);
        Assert.Equal(2, online.Mapped);
        Assert.DoesNotContain(province.Warnings, w => w.Code is "unmapped_indicator" or "plan_unmapped");
    }
}
