using ChuyenDoiSo.Reporting.Plans;

namespace ChuyenDoiSo.Reporting.Tests.Plans;

/// <summary>Where every lead, coordinator, timeframe and target of the seed plans came from (issue 15).</summary>
public sealed class ProvenanceTests
{
    private static readonly Lazy<PlanCatalog> LazyCatalog = new(() => PlanCatalog.LoadFolder(TestPaths.Seeds));
    private static Plan SeedPlan(string id) => LazyCatalog.Value.Find(id) ?? throw new InvalidOperationException($"no seed plan {id}");

    private static IEnumerable<(string Item, string Field, Provenance Value)> Entries(Plan plan) =>
        plan.Indicators.SelectMany(i => (i.Provenance?.Entries ?? []).Select(e => ($"indicator {i.Code}", e.Field, e.Value)))
            .Concat(plan.Tasks.SelectMany(t => (t.Provenance?.Entries ?? []).Select(e => ($"task {t.Code}", e.Field, e.Value))));

    // Counted from the seeds as marked by reading the source texts in /work/shared/seeds (see README, "Where every fact
    // came from"). A change here is a change of reading: say why in the commit.
    [Theory]
    [InlineData("binh-chuong-2026", 61, 55)]
    [InlineData("chanh-lo-2023", 100, 20)]
    [InlineData("linh-toai-2023", 58, 38)]
    [InlineData("tam-phuoc-2023", 127, 39)]
    [InlineData("tinh-thien-2025", 4, 79)]
    public void SeedPlan_marksItsValues_assumedAndStated(string id, int assumed, int stated)
    {
        var entries = Entries(SeedPlan(id)).ToList();

        Assert.Equal(assumed, entries.Count(e => e.Value.IsAssumed));
        Assert.Equal(stated, entries.Count(e => !e.Value.IsAssumed));
        Assert.Equal(assumed, PlanSources.AssumedCount(SeedPlan(id)));
    }

    [Theory]
    [MemberData(nameof(TestPaths.SeedPlanIds), MemberType = typeof(TestPaths))]
    public void SeedPlan_marksEveryLeadTimeframeTargetAndCoordinatorList(string id)
    {
        var plan = SeedPlan(id);

        Assert.All(plan.Indicators, i => Assert.True(i.Provenance?.Lead is not null && i.Provenance.Target is not null, $"indicator {i.Code}"));
        Assert.All(plan.Tasks, t => Assert.True(t.Provenance?.Lead is not null && t.Provenance.Timeframe is not null, $"task {t.Code}"));
        Assert.All(plan.Indicators.Where(i => i.Coordinators.Count > 0), i => Assert.NotNull(i.Provenance!.Coordinators));
        Assert.All(plan.Tasks.Where(t => t.Coordinators.Count > 0), t => Assert.NotNull(t.Provenance!.Coordinators));
        Assert.All(Entries(plan), e => Assert.True(
            e.Value.IsAssumed ? !string.IsNullOrWhiteSpace(e.Value.Reason) : !string.IsNullOrWhiteSpace(e.Value.Words),
            $"{e.Item} {e.Field}: an assumed value needs its reason, a stated one the plan's words"));
    }

    [Fact]
    public void TamPhuoc_everyLeadAndTimeframe_isAssumed_forThePlanNamesNone()
    {
        var plan = SeedPlan("tam-phuoc-2023");

        Assert.All(plan.Indicators, i => Assert.True(i.Provenance!.Lead!.IsAssumed));
        Assert.All(plan.Tasks, t => Assert.True(t.Provenance!.Lead!.IsAssumed && t.Provenance.Timeframe!.IsAssumed));
    }

    [Fact]
    public void TinhThien_leadsAndTimeframes_areStatedInThePlansOwnWords()
    {
        var plan = SeedPlan("tinh-thien-2025");

        Assert.Equal("Bộ phận Văn phòng", plan.FindIndicator("1")!.Provenance!.Lead!.Words);
        Assert.Equal("Hằng tháng, Quý IV năm 2025", plan.FindTask("IV.7.1")!.Provenance!.Timeframe!.Words);
        Assert.True(plan.FindTask("IV.8.2")!.Provenance!.Lead!.IsAssumed);
    }

    [Fact]
    public void BinhChuong_indicator16Lead_isAssumed_andIndicator1Lead_isStated()
    {
        var plan = SeedPlan("binh-chuong-2026");

        Assert.True(plan.FindIndicator("16")!.Provenance!.Lead!.IsAssumed);
        Assert.Equal("Trung tâm Phục vụ hành chính công", plan.FindIndicator("1")!.Provenance!.Lead!.Words);
    }

    [Fact]
    public void Check_rejectsAnAssumedValue_withoutItsReason()
    {
        var plan = SeedPlan("tam-phuoc-2023");
        var task = plan.Tasks[0] with { Provenance = plan.Tasks[0].Provenance! with { Lead = new Provenance { Source = Provenance.Assumed } } };

        var problems = PlanValidator.Check("tam-phuoc-2023.json", plan with { Tasks = [task, .. plan.Tasks.Skip(1)] });

        var error = Assert.Single(problems, p => !p.IsWarning);
        Assert.Equal("$.tasks[0].provenance.lead.reason", error.Path);
    }

    [Fact]
    public void Check_rejectsAnUnknownSource()
    {
        var plan = SeedPlan("tinh-thien-2025");
        var indicator = plan.Indicators[0] with { Provenance = new IndicatorProvenance { Lead = new Provenance { Source = "guessed", Words = "x" } } };

        var problems = PlanValidator.Check("tinh-thien-2025.json", plan with { Indicators = [indicator, .. plan.Indicators.Skip(1)] });

        Assert.Contains(problems, p => !p.IsWarning && p.Path == "$.indicators[0].provenance.lead.source");
    }

    [Fact]
    public void PlanSources_marksAssumedRows_forTheTableAndTheDashboard()
    {
        var rows = PlanSources.Rows(SeedPlan("tam-phuoc-2023")).ToList();

        var lead = Assert.Single(rows, r => r[0] == "nhiệm vụ 2.1.b.1" && r[1] == "lead");
        Assert.StartsWith(PlanSources.AssumedMark + ":", lead[3], StringComparison.Ordinal);
        var target = Assert.Single(rows, r => r[0] == "chỉ tiêu 2.1.a.1" && r[1] == "target");
        Assert.Equal("theo kế hoạch: \"100%\"", target[3]);
    }
}
