using System.Net;
using System.Text.RegularExpressions;
using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Render;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace ChuyenDoiSo.Reporting.Tests.Render;

/// <summary>The issuing body, symbol and signer block of every seed plan's report; no codes or period labels in official text.</summary>
public sealed partial class OfficialTextTests
{
    private static readonly RenderOptions Options = new(new DateOnly(2026, 3, 5));
    private static readonly Lazy<PlanCatalog> LazyCatalog = new(() => PlanCatalog.LoadFolder(TestPaths.Seeds));

    private static CompiledReport Report(string planId, params StatisticResult[] statistics)
    {
        var catalog = LazyCatalog.Value;
        var plan = catalog.Find(planId)!;
        var calendar = catalog.CalendarFor(plan);
        var index = calendar.ToList().FindIndex(p => p.Kind == ReportKind.Quarterly);
        return new CompiledReport
        {
            Plan = plan,
            Period = calendar[index],
            PreviousPeriod = calendar[index - 1],
            NextPeriod = calendar[index + 1],
            Indicators = plan.Indicators.Select(i => new IndicatorResult(i, 50m, null, Achievement.No, null, null)).ToList(),
            Tasks = plan.Tasks.Select(t => new TaskResult(t, TimeframeParser.Parse(t.Timeframe, plan.Year), "in_progress", 50m, null, t.Lead)).ToList(),
            Submissions = plan.Departments.Select(d => new SubmissionResult(d, SubmissionStatus.Missing, null, true)).ToList(),
            Statistics = statistics,
            Warnings = [],
            Narratives = [],
            NextPeriodTasks = plan.Tasks.Take(2).ToList(),
        };
    }

    private static List<List<string>> SignatureCells(CompiledReport report)
    {
        using var stream = new MemoryStream(DocxReportRenderer.Render(report, Options));
        using var docx = WordprocessingDocument.Open(stream, false);
        var table = docx.MainDocumentPart!.Document!.Body!.Elements<Table>().Last();
        return table.Descendants<TableCell>().Select(c => c.Elements<Paragraph>().Select(p => p.InnerText).Where(t => t.Length > 0).ToList()).ToList();
    }

    private static List<string> HeaderLines(CompiledReport report)
    {
        using var stream = new MemoryStream(DocxReportRenderer.Render(report, Options));
        using var docx = WordprocessingDocument.Open(stream, false);
        return docx.MainDocumentPart!.Document!.Body!.Elements<Table>().First().Descendants<Paragraph>().Select(p => p.InnerText).ToList();
    }

    private static string DocxText(CompiledReport report)
    {
        using var stream = new MemoryStream(DocxReportRenderer.Render(report, Options));
        using var docx = WordprocessingDocument.Open(stream, false);
        return string.Join("\n", docx.MainDocumentPart!.Document!.Descendants<Paragraph>().Select(p => p.InnerText));
    }

    private static string HtmlText(CompiledReport report) =>
        WebUtility.HtmlDecode(Tags().Replace(HtmlReportRenderer.Render(report, Options), "\n"));

    [Fact]
    public void BinhChuong_signatureBlock_printsAllThreeAuthorityLines_inDocxAndHtml()
    {
        var report = Report("binh-chuong-2026");

        Assert.Equal(["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn Quân"], SignatureCells(report)[1]);
        Assert.Matches("TM\\. ỦY BAN NHÂN DÂN\\s+KT\\. CHỦ TỊCH\\s+PHÓ CHỦ TỊCH\\s+Nguyễn Văn Quân", HtmlText(report));
    }

    [Fact]
    public void TamPhuoc_report_carriesTheCommitteesHeaderSymbolAndSigner_notTheSteeringCommittees()
    {
        var report = Report("tam-phuoc-2023");

        Assert.Equal(["ỦY BAN NHÂN DÂN", "XÃ TAM PHƯỚC", "", "Số:      /BC-UBND"], HeaderLines(report).Take(4));
        Assert.Equal(["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Bùi Ngọc Nhân"], SignatureCells(report)[1]);
        var html = HtmlText(report);
        Assert.Contains("/BC-UBND", html, StringComparison.Ordinal);
        Assert.DoesNotContain("TRƯỞNG BAN", html, StringComparison.Ordinal);
        Assert.DoesNotContain("TRƯỞNG BAN", DocxText(report), StringComparison.Ordinal);
        // The plan itself stays the steering committee's.
        Assert.Equal(["KT. TRƯỞNG BAN"], report.Plan.Signer.Lines);
    }

    [Theory]
    [MemberData(nameof(TestPaths.SeedPlanIds), MemberType = typeof(TestPaths))]
    public void OfficialText_hasNoStatisticCodeAndNoPeriodLabel(string planId)
    {
        var report = Report(planId,
            new StatisticResult("dossiers_received", 120m), new StatisticResult("dossiers_resolved", 100m),
            new StatisticResult("dossiers_early", 80m), new StatisticResult("custom_count_xyz", 7m));

        foreach (var text in new[] { DocxText(report), HtmlText(report) })
        {
            Assert.DoesNotMatch(StatisticCode(), text);
            Assert.DoesNotMatch(PeriodLabel(), text);
            Assert.Contains("quý I năm", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Signer_readsTheOlderSingleAuthority_forCompatibility()
    {
        var result = PlanValidator.Parse("old.json", File.ReadAllText(Path.Combine(TestPaths.Seeds, "tinh-thien-2025.json"))
            .Replace("\"authorityLines\": [\n      \"KT. CHỦ TỊCH\"\n    ],", "\"authority\": \"KT. CHỦ TỊCH\",", StringComparison.Ordinal));

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(["KT. CHỦ TỊCH"], result.Plan!.Signer.Lines);
    }

    [Theory]
    [InlineData("Q. CHỦ TỊCH", true)]
    [InlineData("TL. CHỦ TỊCH", true)]
    [InlineData("CHỦ TỊCH", false)]
    public void Check_acceptsDecree30AuthorityForms_only(string line, bool valid)
    {
        var plan = LazyCatalog.Value.Find("binh-chuong-2026")!;

        var problems = PlanValidator.Check("x.json", plan with { Signer = plan.Signer with { AuthorityLines = ["TM. ỦY BAN NHÂN DÂN", line] } });

        Assert.Equal(valid, !problems.Any(p => !p.IsWarning && p.Path == "$.signer.authorityLines[1]"));
    }

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();
    // snake_case codes such as dossiers_received.
    [GeneratedRegex("\\b[a-z]+(_[a-z0-9]+)+\\b")]
    private static partial Regex StatisticCode();
    // 2026-Q1, 2025-FY, 2026-H1, 2026-9M, 2026-04.
    [GeneratedRegex("\\b20\\d\\d-(Q[1-4]|H1|9M|FY|0[1-9]|1[0-2])\\b")]
    private static partial Regex PeriodLabel();
}
