using System.Text.Json;
using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Render;
using ChuyenDoiSo.Reporting.Rollup;
using ChuyenDoiSo.Reporting.Storage;

namespace ChuyenDoiSo.Reporting.Tests.Rollup;

/// <summary>Small catalogues, bodies and commune report JSONs the roll-up tests build for themselves.</summary>
internal static class RollupFixtures
{
    public static readonly Lazy<PlanCatalog> SeedPlans = new(() => PlanCatalog.LoadFolder(TestPaths.Seeds));

    /// <summary>Three keys, one per aggregation; plan "alpha-2026" maps codes 1, 2, 3 and leaves 9 unmapped; "beta-2026" numbers differently.</summary>
    public static IndicatorCatalogue Catalogue() => new(
        [
            new CatalogueIndicator { Key = "online-dossiers", Name = "Tỷ lệ hồ sơ trực tuyến toàn trình", Unit = "%", Aggregation = "ratio", Group = "Chính quyền số" },
            new CatalogueIndicator { Key = "trainings", Name = "Số lớp tập huấn kỹ năng số", Unit = "lớp", Aggregation = "sum", Group = "Xã hội số" },
            new CatalogueIndicator { Key = "community-teams", Name = "Số Tổ công nghệ số cộng đồng", Unit = "tổ", Aggregation = "latest", Group = "Xã hội số" },
        ],
        new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            ["alpha-2026"] = new Dictionary<string, string> { ["1"] = "online-dossiers", ["2"] = "trainings", ["3"] = "community-teams" },
            ["beta-2026"] = new Dictionary<string, string> { ["2.1.a"] = "online-dossiers", ["2.4.b"] = "trainings", ["2.4.c"] = "community-teams" },
        });

    public static HigherBody Body(params string[] communes) => new()
    {
        Id = "test-province-2026",
        Year = 2026,
        Name = "Sở Khoa học và Công nghệ tỉnh Thử Nghiệm",
        Level = "province",
        IssuingBody = "UBND TỈNH THỬ NGHIỆM",
        IssuingUnit = "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        Place = "Thử Nghiệm",
        DocumentCode = "BC-SKHCN",
        Signer = new Signer { Authority = "KT. GIÁM ĐỐC", Title = "PHÓ GIÁM ĐỐC", Name = "Nguyễn Văn B" },
        Recipients = ["UBND tỉnh (b/c)", "Lưu: VT."],
        HigherLevel = new HigherLevel { Name = "UBND tỉnh Thử Nghiệm", Email = "ubnd@thu-nghiem.example" },
        Communes = communes,
        DueOffsetDays = 5,
    };

    public static RollupPeriod Q1 => Body().FindPeriod(HolidayCalendar.WeekendsOnly, "2026-Q1")!;

    public static IReadOnlyList<ExpectedCommune> Expected(params string[] ids) => ids.Select(id => new ExpectedCommune(id, $"Xã {id}")).ToList();

    public static JsonReportRenderer.IndicatorJson Counted(string code, decimal numerator, decimal denominator, string op = ">=", decimal target = 80) =>
        new(code, "Chính quyền số", $"Chỉ tiêu {code}", "%", new JsonReportRenderer.TargetJson(op, target),
            Math.Round(numerator / denominator * 100m, 2), null, "not_reported", "VP", numerator, denominator);

    public static JsonReportRenderer.IndicatorJson Rate(string code, decimal value, string op = ">=", decimal target = 80) =>
        new(code, "Chính quyền số", $"Chỉ tiêu {code}", "%", new JsonReportRenderer.TargetJson(op, target), value, null, "not_reported", "VP", null, null);

    public static JsonReportRenderer.IndicatorJson Amount(string code, decimal value, decimal target = 10) =>
        new(code, "Xã hội số", $"Chỉ tiêu {code}", "lớp", new JsonReportRenderer.TargetJson(">=", target), value, null, "not_reported", "VP", null, null);

    public static string ReportJson(string communeId, string commune, string period, IEnumerable<JsonReportRenderer.IndicatorJson> indicators, params (string Section, string Text)[] narratives)
    {
        var report = new JsonReportRenderer.ReportJson(
            communeId, commune, period, "quarterly",
            new DateOnly(2025, 12, 5), new DateOnly(2026, 3, 4), new DateOnly(2026, 3, 5), new DateOnly(2026, 3, 5),
            indicators.ToList(), [], [], [], [],
            narratives.Select(n => new JsonReportRenderer.NarrativeJson(n.Section, "VP", n.Text)).ToList());
        return JsonSerializer.Serialize(report, PlanJson.Options);
    }

    /// <summary>A stored report received at 09:00 local on the given day.</summary>
    public static StoredCommuneReport Stored(string communeId, string json, DateOnly received, int sends = 1, DateOnly? lastReceived = null) =>
        new(communeId, json, HubTime.At(received, new TimeOnly(9, 0)), HubTime.At(lastReceived ?? received, new TimeOnly(9, 0)), sends);
}
