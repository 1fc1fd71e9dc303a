using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Rollup;
using static ChuyenDoiSo.Reporting.Tests.Rollup.RollupFixtures;

namespace ChuyenDoiSo.Reporting.Tests.Rollup;

public sealed class RollupCompilerTests
{
    private static readonly DateOnly OnTime = new(2026, 3, 4);

    private static RollupReport Compile(string[] expected, params StoredCommuneReport[] reports) =>
        RollupCompiler.Compile(Catalogue(), Body(expected), Q1, Expected(expected), reports);

    [Fact]
    public void Compile_computesRatioFromSummedCounts_notTheAverageOfRates()
    {
        // A small commune at 10 % and a large one at 90 %: the average of rates (50 %) would overstate the province.
        var report = Compile(["alpha-2026", "beta-2026"],
            Stored("alpha-2026", ReportJson("alpha-2026", "Xã Alpha", "2026-Q1", [Counted("1", 1, 10)]), OnTime),
            Stored("beta-2026", ReportJson("beta-2026", "Xã Beta", "2026-Q1", [Counted("2.1.a", 90, 100)]), OnTime));

        var online = report.Indicators.Single(i => i.Indicator.Key == "online-dossiers");
        Assert.Equal(1m + 90m, online.Numerator);
        Assert.Equal(10m + 100m, online.Denominator);
        Assert.Equal(Math.Round(91m / 110m * 100m, 2), online.Value);
        Assert.NotEqual((10m + 90m) / 2, online.Value);
        Assert.Equal(["1", "2.1.a"], online.Values.Select(v => v.Code));
    }

    [Fact]
    public void Compile_listsRateWithoutCounts_butKeepsItOutOfTheRatioWithWarning()
    {
        var report = Compile(["alpha-2026", "beta-2026"],
            Stored("alpha-2026", ReportJson("alpha-2026", "Xã Alpha", "2026-Q1", [Counted("1", 30, 40)]), OnTime),
            Stored("beta-2026", ReportJson("beta-2026", "Xã Beta", "2026-Q1", [Rate("2.1.a", 10)]), OnTime));

        var online = report.Indicators.Single(i => i.Indicator.Key == "online-dossiers");
        Assert.Equal(Math.Round(30m / 40m * 100m, 2), online.Value);
        Assert.Equal((30m, 40m), (online.Numerator!.Value, online.Denominator!.Value));
        Assert.Equal(2, online.Reporting);
        Assert.Equal("beta-2026", Assert.Single(online.WithoutCounts).CommuneId);
        var warning = Assert.Single(report.Warnings, w => w.Code == "rate_without_counts");
        Assert.Contains("Xã Beta", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_addsUpFlowsAndStocks_acrossCommunes()
    {
        var report = Compile(["alpha-2026", "beta-2026", "alpha-2026#001"],
            Stored("alpha-2026", ReportJson("alpha-2026", "Xã Alpha", "2026-Q1", [Amount("2", 4), Amount("3", 2)]), OnTime),
            Stored("beta-2026", ReportJson("beta-2026", "Xã Beta", "2026-Q1", [Amount("2.4.b", 7), Amount("2.4.c", 5)]), OnTime),
            Stored("alpha-2026#001", ReportJson("alpha-2026#001", "Xã Alpha 001", "2026-Q1", [Amount("2", 1), Amount("3", 3)]), OnTime));

        Assert.Equal(4m + 7m + 1m, report.Indicators.Single(i => i.Indicator.Key == "trainings").Value);
        Assert.Equal(2m + 5m + 3m, report.Indicators.Single(i => i.Indicator.Key == "community-teams").Value);
        // The simulated commune "alpha-2026#001" reports with its base plan's codes.
        Assert.Contains(report.Indicators.Single(i => i.Indicator.Key == "trainings").Values, v => v.CommuneId == "alpha-2026#001" && v.Code == "2");
    }

    [Fact]
    public void Compile_countsCommunesMeetingTheirOwnTarget_andNamesTheOthers()
    {
        // Same value 70 %: alpha's target is >= 60 (met), beta's >= 80 (not met).
        var report = Compile(["alpha-2026", "beta-2026"],
            Stored("alpha-2026", ReportJson("alpha-2026", "Xã Alpha", "2026-Q1", [Counted("1", 7, 10, ">=", 60)]), OnTime),
            Stored("beta-2026", ReportJson("beta-2026", "Xã Beta", "2026-Q1", [Counted("2.1.a", 70, 100, ">=", 80)]), OnTime));

        var online = report.Indicators.Single(i => i.Indicator.Key == "online-dossiers");
        Assert.Equal(1, online.Met);
        Assert.Equal("beta-2026", Assert.Single(online.NotMet).CommuneId);
    }

    [Fact]
    public void Compile_marksMissingCommune_andLeavesItOutOfTheFigures()
    {
        var report = Compile(["alpha-2026", "beta-2026"],
            Stored("alpha-2026", ReportJson("alpha-2026", "Xã Alpha", "2026-Q1", [Counted("1", 3, 4)]), OnTime));

        var beta = report.Communes.Single(c => c.CommuneId == "beta-2026");
        Assert.Equal(SubmissionStatus.Missing, beta.Status);
        Assert.Null(beta.FirstReceivedAt);
        var online = report.Indicators.Single(i => i.Indicator.Key == "online-dossiers");
        Assert.Equal((3m, 4m), (online.Numerator!.Value, online.Denominator!.Value));
        Assert.Equal(2, online.Mapped);
        Assert.Contains("Xã beta-2026", Assert.Single(report.Warnings, w => w.Code == "commune_missing").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_judgesTimelinessByFirstArrival_againstTheCommunesAdjustedDueDate()
    {
        var due = Q1.Communes.AdjustedDueDate;
        var report = Compile(["alpha-2026", "beta-2026"],
            // Sent on the due date, then re-sent (corrected) a week later: still on time, one report.
            Stored("alpha-2026", ReportJson("alpha-2026", "Xã Alpha", "2026-Q1", [Counted("1", 3, 4)]), due, sends: 2, lastReceived: due.AddDays(7)),
            Stored("beta-2026", ReportJson("beta-2026", "Xã Beta", "2026-Q1", [Counted("2.1.a", 1, 2)]), due.AddDays(1)));

        Assert.Equal(SubmissionStatus.OnTime, report.Communes.Single(c => c.CommuneId == "alpha-2026").Status);
        Assert.Equal(2, report.Communes.Single(c => c.CommuneId == "alpha-2026").Sends);
        Assert.Equal(SubmissionStatus.Late, report.Communes.Single(c => c.CommuneId == "beta-2026").Status);
        Assert.Equal(2, report.Indicators.Single(i => i.Indicator.Key == "online-dossiers").Values.Count);
    }

    [Fact]
    public void Compile_keepsUnmappedIndicatorOutOfTheRollup_withWarningNamingIt()
    {
        var report = Compile(["alpha-2026", "alpha-2026#002"],
            Stored("alpha-2026", ReportJson("alpha-2026", "Xã Alpha", "2026-Q1", [Counted("1", 1, 2), Counted("9", 5, 5)]), OnTime),
            Stored("alpha-2026#002", ReportJson("alpha-2026#002", "Xã Alpha 002", "2026-Q1", [Counted("9", 1, 5)]), OnTime));

        Assert.DoesNotContain(report.Indicators.SelectMany(i => i.Values), v => v.Code == "9");
        Assert.Equal((1m, 2m), (report.Indicators[0].Numerator!.Value, report.Indicators[0].Denominator!.Value));
        var warning = Assert.Single(report.Warnings, w => w.Code == "unmapped_indicator");
        Assert.StartsWith("Kế hoạch alpha-2026 (2 xã): chỉ tiêu 9 (“Chỉ tiêu 9”) chưa có mã", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_warnsOncePerPlan_listingEveryUnmappedCode()
    {
        var report = Compile(["alpha-2026"],
            Stored("alpha-2026", ReportJson("alpha-2026", "Xã Alpha", "2026-Q1", [Counted("1", 1, 2), Counted("9", 5, 5), Amount("8", 1)]), OnTime));

        var warning = Assert.Single(report.Warnings, w => w.Code == "unmapped_indicator");
        // In the order the commune's report lists them, which is its plan's order.
        Assert.Contains("2 chỉ tiêu 9, 8 chưa có mã", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_warnsAboutCommuneWhosePlanHasNoMappings()
    {
        var report = Compile(["gamma-2026"],
            Stored("gamma-2026", ReportJson("gamma-2026", "Xã Gamma", "2026-Q1", [Counted("1", 1, 2)]), OnTime));

        Assert.All(report.Indicators, i => Assert.Empty(i.Values));
        Assert.Contains("Xã Gamma", Assert.Single(report.Warnings, w => w.Code == "plan_unmapped").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_putsTheCommuneOfficesOwnDifficultiesAndProposals_beforeItsDepartments()
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(ReportJson("alpha-2026", "Xã Alpha", "2026-Q1", [], ("difficulties", "Thiếu máy quét.")))!.AsObject();
        json["communeSections"] = System.Text.Json.Nodes.JsonNode.Parse("""
            [{ "section": "results", "text": "Đạt cơ bản." }, { "section": "difficulties", "text": "Đường truyền yếu." }, { "section": "proposals", "text": "Hỗ trợ kinh phí." }]
            """);

        var report = Compile(["alpha-2026"], Stored("alpha-2026", json.ToJsonString(), OnTime));

        Assert.Equal([("difficulties", "Đường truyền yếu."), ("difficulties", "Thiếu máy quét."), ("proposals", "Hỗ trợ kinh phí.")], report.Narratives.Select(n => (n.Section, n.Text)));
    }

    [Fact]
    public void Compile_gathersDifficultiesAndProposals_oncePerCommune()
    {
        var report = Compile(["alpha-2026", "beta-2026"],
            Stored("alpha-2026", ReportJson("alpha-2026", "Xã Alpha", "2026-Q1", [],
                ("difficulties", "Mạng chập chờn."), ("difficulties", "Mạng chập chờn."), ("proposals", "Hỗ trợ kinh phí."), ("results", "Đã làm.")), OnTime),
            Stored("beta-2026", ReportJson("beta-2026", "Xã Beta", "2026-Q1", [], ("difficulties", "Thiếu thiết bị.")), OnTime));

        Assert.Equal(
            new[] { ("alpha-2026", "difficulties", "Mạng chập chờn."), ("alpha-2026", "proposals", "Hỗ trợ kinh phí."), ("beta-2026", "difficulties", "Thiếu thiết bị.") },
            report.Narratives.Select(n => (n.CommuneId, n.Section, n.Text)));
    }

    [Fact]
    public void Compile_ignoresReportOfCommuneNotExpected()
    {
        var report = Compile(["alpha-2026"],
            Stored("alpha-2026", ReportJson("alpha-2026", "Xã Alpha", "2026-Q1", [Counted("1", 1, 4)]), OnTime),
            Stored("beta-2026", ReportJson("beta-2026", "Xã Beta", "2026-Q1", [Counted("2.1.a", 99, 100)]), OnTime));

        Assert.Equal((1m, 4m), (report.Indicators[0].Numerator!.Value, report.Indicators[0].Denominator!.Value));
        Assert.Single(report.Communes);
        Assert.Single(report.Warnings, w => w.Code == "unexpected_commune");
    }
}
