using System.Text.Json;
using ChuyenDoiSo.Reporting.Plans;

namespace ChuyenDoiSo.Reporting.Tests.Plans;

public sealed class TimeframeParserTests
{
    /// <summary>Every distinct (file, timeframe as written, plan year) in the seed plans, read straight from the JSON.</summary>
    public static TheoryData<string, string, int> SeedTimeframes()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var file in Directory.EnumerateFiles(TestPaths.Seeds, "*.json").Where(f => !f.EndsWith(".schema.json", StringComparison.Ordinal) && Path.GetFileName(f) != ChuyenDoiSo.Reporting.Rollup.IndicatorCatalogue.FileName).Order(StringComparer.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var year = doc.RootElement.GetProperty("year").GetInt32();
            var timeframes = doc.RootElement.GetProperty("tasks").EnumerateArray()
                .Select(t => t.GetProperty("timeframe").GetString()!)
                .Distinct(StringComparer.Ordinal);
            foreach (var timeframe in timeframes) data.Add(Path.GetFileName(file), timeframe, year);
        }
        return data;
    }

    [Fact]
    public void SeedTimeframes_coverAllFivePlans()
    {
        var files = SeedTimeframes().Select(row => (string)row[0]).Distinct().Order(StringComparer.Ordinal);

        Assert.Equal(["binh-chuong-2026.json", "chanh-lo-2023.json", "linh-toai-2023.json", "tam-phuoc-2023.json", "tinh-thien-2025.json"], files);
    }

    [Theory]
    [MemberData(nameof(SeedTimeframes))]
    public void TryParse_parsesEveryTimeframe_inTheSeedPlans(string file, string text, int planYear)
    {
        var ok = TimeframeParser.TryParse(text, planYear, out var timeframe, out var error);

        Assert.True(ok, $"{file}: \"{text}\": {error}");
        Assert.Equal(planYear, timeframe.Year);
        Assert.Equal(text, timeframe.Text);
        Assert.InRange(timeframe.FromMonth, 1, 12);
        Assert.InRange(timeframe.ToMonth, timeframe.FromMonth, 12);
    }

    [Theory]
    [InlineData("Thường xuyên", TimeframeKind.Ongoing, 2025, 1, 12, false, null)]
    [InlineData("Thường xuyên.", TimeframeKind.Ongoing, 2025, 1, 12, false, null)]
    [InlineData("Năm 2025", TimeframeKind.Year, 2025, 1, 12, false, null)]
    [InlineData("năm 2025", TimeframeKind.Year, 2025, 1, 12, false, null)]
    [InlineData("Năm 2025.", TimeframeKind.Year, 2025, 1, 12, false, null)]
    [InlineData("Quý I năm 2025", TimeframeKind.Quarter, 2025, 1, 3, false, 1)]
    [InlineData("Quý II năm 2025", TimeframeKind.Quarter, 2025, 4, 6, false, 2)]
    [InlineData("Quý III năm 2025", TimeframeKind.Quarter, 2025, 7, 9, false, 3)]
    [InlineData("Quý IV năm 2025", TimeframeKind.Quarter, 2025, 10, 12, false, 4)]
    [InlineData("Quý I, II năm 2025", TimeframeKind.Quarter, 2025, 1, 6, false, null)]
    [InlineData("Hằng tháng, Quý IV năm 2025", TimeframeKind.Quarter, 2025, 10, 12, true, 4)]
    [InlineData("Tháng 3 năm 2025", TimeframeKind.Months, 2025, 3, 3, false, null)]
    [InlineData("Từ tháng 3 đến tháng 6 năm 2025", TimeframeKind.Months, 2025, 3, 6, false, null)]
    [InlineData("6 tháng đầu năm 2025", TimeframeKind.Months, 2025, 1, 6, false, null)]
    [InlineData("6 tháng cuối năm 2025", TimeframeKind.Months, 2025, 7, 12, false, null)]
    [InlineData("Trước ngày 30/6/2025", TimeframeKind.Deadline, 2025, 1, 6, false, null)]
    [InlineData("Hằng tháng", TimeframeKind.Ongoing, 2025, 1, 12, true, null)]
    [InlineData("  Quý   I  năm  2025 ", TimeframeKind.Quarter, 2025, 1, 3, false, 1)]
    public void TryParse_readsTheForm(string text, TimeframeKind kind, int year, int fromMonth, int toMonth, bool monthly, int? quarter)
    {
        var ok = TimeframeParser.TryParse(text, 2025, out var timeframe, out var error);

        Assert.True(ok, error);
        Assert.Equal(kind, timeframe.Kind);
        Assert.Equal(year, timeframe.Year);
        Assert.Equal(fromMonth, timeframe.FromMonth);
        Assert.Equal(toMonth, timeframe.ToMonth);
        Assert.Equal(monthly, timeframe.Monthly);
        Assert.Equal(quarter, timeframe.Quarter);
    }

    [Theory]
    [InlineData("Thường xuyên", 2023)]
    [InlineData("Hằng tháng", 2026)]
    public void TryParse_takesThePlanYear_whenTheTextHasNone(string text, int planYear)
    {
        Assert.Equal(planYear, TimeframeParser.Parse(text, planYear).Year);
    }

    [Fact]
    public void TryParse_keepsTheWrittenYear_whenItDiffersFromThePlanYear()
    {
        // The validator relies on this to report a period outside the plan's year.
        Assert.Equal(2024, TimeframeParser.Parse("Quý I năm 2024", 2025).Year);
    }

    [Fact]
    public void Parse_givesTheTimeframesDates()
    {
        var timeframe = TimeframeParser.Parse("Quý I, II năm 2025", 2025);

        Assert.Equal(new DateOnly(2025, 1, 1), timeframe.Start);
        Assert.Equal(new DateOnly(2025, 6, 30), timeframe.End);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("sometime", "\"sometime\"")]
    [InlineData("Tháng 13 năm 2025", "month 1–12")]
    [InlineData("Từ tháng 6 đến tháng 3 năm 2025", "months 1–12 in order")]
    public void TryParse_failsWithAMessage_forTextItCannotRead(string text, string expected)
    {
        var ok = TimeframeParser.TryParse(text, 2025, out _, out var error);

        Assert.False(ok);
        Assert.Contains("expected", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_throwsFormatException_withTheSameMessage()
    {
        var e = Assert.Throws<FormatException>(() => TimeframeParser.Parse("sometime", 2025));

        Assert.Contains("\"sometime\"", e.Message, StringComparison.Ordinal);
    }
}
