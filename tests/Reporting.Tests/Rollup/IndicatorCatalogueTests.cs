using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Rollup;

namespace ChuyenDoiSo.Reporting.Tests.Rollup;

public sealed class IndicatorCatalogueTests
{
    private const string File = "catalogue.json";

    private static PlanCatalog Plans => RollupFixtures.SeedPlans.Value;

    /// <summary>Bình Chương's indicator 1 (a rate) and 13 (a "done" system, latest); Tĩnh Thiện's 2 (a rate).</summary>
    private static string Json(string indicators = "", string mappings = "") => $$"""
        { "version": 1, "note": "test",
          "indicators": [
            { "key": "online-dossiers-end-to-end", "name": "Tỷ lệ hồ sơ trực tuyến toàn trình", "unit": "%", "aggregation": "ratio", "group": "Chính quyền số" },
            { "key": "lan-operational", "name": "Mạng LAN hoạt động thông suốt", "unit": "hệ thống", "aggregation": "latest", "group": "Hạ tầng số" }{{indicators}}
          ],
          "mappings": {
            "binh-chuong-2026": { "1": "online-dossiers-end-to-end", "13": "lan-operational" },
            "tinh-thien-2025": { "2": "online-dossiers-end-to-end" }{{mappings}}
          } }
        """;

    private static IReadOnlyList<PlanProblem> Errors(string json) =>
        IndicatorCatalogue.Parse(File, json, Plans).Problems.Where(p => !p.IsWarning).ToList();

    [Fact]
    public void Parse_mapsEachPlansCodeToItsKey_whenValid()
    {
        var (catalogue, problems) = IndicatorCatalogue.Parse(File, Json(), Plans);

        Assert.NotNull(catalogue);
        Assert.DoesNotContain(problems, p => !p.IsWarning);
        Assert.Equal("online-dossiers-end-to-end", catalogue.KeyFor("binh-chuong-2026", "1"));
        Assert.Equal("online-dossiers-end-to-end", catalogue.KeyFor("tinh-thien-2025", "2"));
        Assert.Null(catalogue.KeyFor("binh-chuong-2026", "2"));
        // Plans with no mapping at all are named, so a forgotten plan shows.
        Assert.Contains(problems, p => p.IsWarning && p.Message.Contains("plan chanh-lo-2023 has no mappings", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_rejectsUnknownAggregation_namingFileAndPath()
    {
        var error = Assert.Single(Errors(Json(indicators: """, { "key": "x-y", "name": "X", "unit": "lớp", "aggregation": "average", "group": "G" }""")));

        Assert.Equal((File, "$.indicators[2].aggregation"), (error.File, error.Path));
        Assert.Contains("expected ratio, sum or latest", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_rejectsRatioKeyWhoseUnitIsNotPercent()
    {
        var error = Assert.Single(Errors(Json(indicators: """, { "key": "x-y", "name": "X", "unit": "lớp", "aggregation": "ratio", "group": "G" }""")));

        Assert.Equal("$.indicators[2].unit", error.Path);
    }

    [Fact]
    public void Parse_rejectsDuplicateAndMalformedKeys()
    {
        var errors = Errors(Json(indicators: """
            , { "key": "lan-operational", "name": "X", "unit": "%", "aggregation": "ratio", "group": "G" }
            , { "key": "Bad Key", "name": "X", "unit": "%", "aggregation": "ratio", "group": "G" }
            """));

        Assert.Contains(errors, e => e.Path == "$.indicators[2].key" && e.Message.Contains("duplicate key \"lan-operational\"", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "$.indicators[3].key" && e.Message.Contains("\"Bad Key\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_rejectsMappingOfUnknownPlanCodeOrKey()
    {
        var errors = Errors(Json(mappings: """
            , "no-such-plan-2026": { "1": "online-dossiers-end-to-end" }
            , "tam-phuoc-2023": { "9.9.9": "online-dossiers-end-to-end", "2.1.a.1": "no-such-key" }
            """));

        Assert.Contains(errors, e => e.Path == "$.mappings['no-such-plan-2026']" && e.Message.Contains("unknown plan", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "$.mappings['tam-phuoc-2023']['9.9.9']" && e.Message.Contains("unknown indicator code \"9.9.9\"", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "$.mappings['tam-phuoc-2023']['2.1.a.1']" && e.Message.Contains("unknown catalogue key \"no-such-key\"", StringComparison.Ordinal));
        Assert.Equal(3, errors.Count);
    }

    [Fact]
    public void Parse_rejectsMappingWhoseAggregationDiffers_soRatesAndCountsNeverMix()
    {
        // Bình Chương's indicator 2 is a rate; "lan-operational" adds up latest values.
        var errors = Errors(Json(mappings: """, "linh-toai-2023": { "2.1.a": "lan-operational" }"""));

        var error = Assert.Single(errors);
        Assert.Equal("$.mappings['linh-toai-2023']['2.1.a']", error.Path);
        Assert.Contains("adds up as ratio", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_rejectsTwoIndicatorsOfOnePlanUnderOneKey_whichWouldCountTheCommuneTwice()
    {
        var errors = Errors(Json(mappings: """, "tam-phuoc-2023": { "2.1.a.1": "online-dossiers-end-to-end", "2.1.a.8": "online-dossiers-end-to-end" }"""));

        Assert.Contains(errors, e => e.Path == "$.mappings['tam-phuoc-2023']['2.1.a.8']" && e.Message.Contains("already mapped from indicator \"2.1.a.1\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_rejectsMisspelledField_withItsPath()
    {
        var (catalogue, problems) = IndicatorCatalogue.Parse(File, Json().Replace("\"group\": \"Hạ tầng số\"", "\"grup\": \"Hạ tầng số\"", StringComparison.Ordinal), Plans);

        Assert.Null(catalogue);
        Assert.StartsWith("$.indicators[1]", Assert.Single(problems).Path, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_throwsListingEveryError_whenInvalid()
    {
        var folder = Directory.CreateTempSubdirectory("chuyendoiso-catalogue-").FullName;
        try
        {
            var path = Path.Combine(folder, File);
            System.IO.File.WriteAllText(path, Json(mappings: """, "no-such-plan-2026": { "1": "nope" }""").Replace("\"version\": 1", "\"version\": 2", StringComparison.Ordinal));

            var e = Assert.Throws<PlanFileException>(() => IndicatorCatalogue.Load(path, Plans));

            Assert.Contains(e.Problems, p => p.File == path && p.Path == "$.version");
            Assert.Contains(e.Problems, p => p.File == path && p.Path == "$.mappings['no-such-plan-2026']");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
