using System.Text.Json;
using ChuyenDoiSo.Reporting.Render;
using ChuyenDoiSo.Reporting.Rollup;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using DocumentFormat.OpenXml.Wordprocessing;
using static ChuyenDoiSo.Reporting.Tests.Rollup.RollupFixtures;

namespace ChuyenDoiSo.Reporting.Tests.Rollup;

public sealed class RollupRenderTests
{
    private const string Script = "<script>alert('x')</script>";
    private static readonly RenderOptions Options = new(new DateOnly(2026, 3, 10));

    /// <summary>Alpha 1/10 on time; Beta 90/100 with a difficulty; Gamma (no plan mapping) missing.</summary>
    private static RollupReport Sample()
    {
        string[] communes = ["alpha-2026", "beta-2026", "alpha-2026#003"];
        var due = Q1.Communes.AdjustedDueDate;
        return RollupCompiler.Compile(Catalogue(), Body(communes), Q1, Expected(communes),
        [
            Stored("alpha-2026", ReportJson("alpha-2026", "Xã Alpha", "2026-Q1", [Counted("1", 1, 10), Amount("2", 3)]), due),
            Stored("beta-2026", ReportJson("beta-2026", "Xã Beta", "2026-Q1", [Counted("2.1.a", 90, 100), Amount("2.4.b", 4)], ("difficulties", $"Thiếu máy tính {Script}")), due.AddDays(2)),
        ]);
    }

    private static WordprocessingDocument OpenDocx(RollupReport report) =>
        WordprocessingDocument.Open(new MemoryStream(DocxReportRenderer.Render(RollupDocument.Build(report, Options), Options.IssueDate)), false);

    [Fact]
    public void Docx_printsTheHigherBodyInTheDecree30Header_withItsDocumentSymbol()
    {
        using var docx = OpenDocx(Sample());
        var header = docx.MainDocumentPart!.Document!.Body!.Elements<Table>().First();

        Assert.Equal(
            ["UBND TỈNH THỬ NGHIỆM", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "", "Số:      /BC-SKHCN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "", "Thử Nghiệm, ngày 10 tháng 3 năm 2026"],
            header.Descendants<Paragraph>().Select(p => p.InnerText));
        var margin = docx.MainDocumentPart.Document.Body.Elements<SectionProperties>().Single().GetFirstChild<PageMargin>()!;
        Assert.Equal((1134, 1134, 1701u, 850u), (margin.Top!.Value, margin.Bottom!.Value, margin.Left!.Value, margin.Right!.Value));
    }

    [Fact]
    public void Docx_printsTheRatioFromSummedCounts_inVietnameseNumbers()
    {
        using var docx = OpenDocx(Sample());
        var table = docx.MainDocumentPart!.Document!.Body!.Elements<Table>()
            .Single(t => t.Elements<TableRow>().First().Elements<TableCell>().Skip(3).FirstOrDefault()?.InnerText == "Kết quả chung");
        var row = table.Elements<TableRow>().Single(r => r.Elements<TableCell>().Skip(1).FirstOrDefault()?.InnerText == "Tỷ lệ hồ sơ trực tuyến toàn trình");
        var cells = row.Elements<TableCell>().Select(c => c.InnerText).ToList();

        // (1 + 90) / (10 + 100) = 82.727…% → "82,73%"; one commune (Alpha) below its own 80 % target.
        var expected = Math.Round(91m / 110m * 100m, 2).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture).Replace('.', ',') + "%";
        Assert.Equal([expected, "91 / 110", "2/3", "1", "Xã Alpha"], cells.Skip(3));
    }

    [Fact]
    public void Docx_isValidOpenXml_andListsEveryCommunesStatus()
    {
        using var docx = OpenDocx(Sample());

        Assert.Empty(new OpenXmlValidator(DocumentFormat.OpenXml.FileFormatVersions.Office2013).Validate(docx));
        // The status table is the first after the header (section I); the per-commune values come last.
        var statusTable = docx.MainDocumentPart!.Document!.Body!.Elements<Table>()
            .First(t => t.Elements<TableRow>().First().Elements<TableCell>().Skip(1).FirstOrDefault()?.InnerText == "Xã, phường");
        Assert.Equal(
            [["Xã Alpha", "Đúng hạn"], ["Xã Beta", "Trễ hạn"], ["Xã alpha-2026#003", "Không báo cáo"]],
            statusTable.Elements<TableRow>().Skip(1).Select(r => r.Elements<TableCell>().Skip(1).Take(2).Select(c => c.InnerText).ToArray()));
    }

    [Fact]
    public void Html_escapesCommuneText_andCarriesTheWarnings()
    {
        var report = Sample();

        var html = HtmlReportRenderer.Render(RollupDocument.Build(report, Options));

        Assert.DoesNotContain(Script, html, StringComparison.Ordinal);
        Assert.Contains(System.Net.WebUtility.HtmlEncode($"Thiếu máy tính {Script}"), html, StringComparison.Ordinal);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(RollupDocument.Subject(report)), html, StringComparison.Ordinal);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(report.Warnings.Single(w => w.Code == "commune_missing").Message), html, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_carriesFiguresCountsAndEveryCommunesValue()
    {
        using var json = JsonDocument.Parse(RollupJsonRenderer.Render(Sample()));
        var root = json.RootElement;

        Assert.Equal((3, 1, 1, 1), (root.GetProperty("counts").GetProperty("expected").GetInt32(), root.GetProperty("counts").GetProperty("onTime").GetInt32(),
            root.GetProperty("counts").GetProperty("late").GetInt32(), root.GetProperty("counts").GetProperty("missing").GetInt32()));
        var online = root.GetProperty("indicators").EnumerateArray().Single(i => i.GetProperty("key").GetString() == "online-dossiers");
        Assert.Equal((91m, 110m), (online.GetProperty("numerator").GetDecimal(), online.GetProperty("denominator").GetDecimal()));
        Assert.Equal(["alpha-2026"], online.GetProperty("notMet").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["1", "2.1.a"], online.GetProperty("communes").EnumerateArray().Select(e => e.GetProperty("code").GetString()));
        var trainings = root.GetProperty("indicators").EnumerateArray().Single(i => i.GetProperty("key").GetString() == "trainings");
        Assert.Equal(3m + 4m, trainings.GetProperty("value").GetDecimal());
    }
}
