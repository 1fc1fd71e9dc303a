using System.Net;
using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Render;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using DocumentFormat.OpenXml.Wordprocessing;

namespace ChuyenDoiSo.Reporting.Tests.Render;

public sealed class RenderTests
{
    private const string Script = "<script>alert('x')</script>";
    private static readonly RenderOptions Options = new(new DateOnly(2026, 3, 5));

    [Fact]
    public void Docx_usesA4AndDecree30Margins_forQuarterlyReport()
    {
        using var docx = Open(SampleReport());
        var section = docx.MainDocumentPart!.Document!.Body!.Elements<SectionProperties>().Single();

        var size = section.GetFirstChild<PageSize>()!;
        var margin = section.GetFirstChild<PageMargin>()!;
        Assert.Equal((11906u, 16838u), (size.Width!.Value, size.Height!.Value));
        Assert.Equal((1134, 1134, 1701u, 850u), (margin.Top!.Value, margin.Bottom!.Value, margin.Left!.Value, margin.Right!.Value));
    }

    [Fact]
    public void Docx_setsTimesNewRoman14ptAsDefault_inEveryFontSlot()
    {
        using var docx = Open(SampleReport());
        var defaults = docx.MainDocumentPart!.StyleDefinitionsPart!.Styles!.DocDefaults!.RunPropertiesDefault!.RunPropertiesBaseStyle!;

        var fonts = defaults.GetFirstChild<RunFonts>()!;
        Assert.All(new[] { fonts.Ascii, fonts.HighAnsi, fonts.EastAsia, fonts.ComplexScript }, f => Assert.Equal("Times New Roman", f!.Value));
        Assert.Equal("28", defaults.GetFirstChild<FontSize>()!.Val!.Value);
        Assert.DoesNotContain(docx.MainDocumentPart.Document!.Descendants<RunFonts>(), f => f.Ascii?.Value is not null and not "Times New Roman");
    }

    [Fact]
    public void Docx_printsIssuingBodyAndNationalMotto_forBinhChuong()
    {
        using var docx = Open(SampleReport());
        var header = docx.MainDocumentPart!.Document!.Body!.Elements<Table>().First();
        var lines = header.Descendants<Paragraph>().Select(p => p.InnerText).ToList();

        Assert.Equal(["ỦY BAN NHÂN DÂN", "XÃ BÌNH CHƯƠNG", "", "Số:      /BC-UBND"], lines.Take(4));
        Assert.Equal(["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "", "Bình Chương, ngày 05 tháng 3 năm 2026"], lines.Skip(4));
    }

    [Fact]
    public void Docx_printsGivenNumber_whenOptionsCarryOne()
    {
        using var docx = Open(SampleReport(), Options with { Number = "15" });

        Assert.Contains("Số: 15/BC-UBND", Paragraphs(docx));
    }

    [Fact]
    public void Docx_printsTitleAndSubject_afterTheHeader()
    {
        using var docx = Open(SampleReport());
        var paragraphs = docx.MainDocumentPart!.Document!.Body!.Elements<Paragraph>().Select(p => p.InnerText).ToList();

        Assert.Equal("BÁO CÁO", paragraphs[0]);
        Assert.Equal("Kết quả thực hiện Kế hoạch chuyển đổi số quý I năm 2026 của UBND xã Bình Chương", paragraphs[1]);
    }

    [Fact]
    public void Docx_hasOneIndicatorRowPerIndicator_withVietnameseNumbersAndLeadName()
    {
        var report = SampleReport();
        using var docx = Open(report);
        var table = TableWithHeader(docx, "Chỉ tiêu");
        var header = table.Elements<TableRow>().First();
        var rows = table.Elements<TableRow>().Skip(1).Select(Cells).ToList();
        var indicatorRows = rows.Where(r => r.Count == 8).ToList();

        Assert.Equal(["TT", "Chỉ tiêu", "Đơn vị", "Mục tiêu năm", "Kết quả kỳ này", "Kỳ trước", "Đánh giá", "Đơn vị chủ trì"], Cells(header));
        Assert.NotNull(header.TableRowProperties!.GetFirstChild<TableHeader>());
        Assert.Equal(report.Plan.Indicators.Select(i => i.Name), indicatorRows.Select(r => r[1]));
        Assert.Equal(["1", "Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến toàn trình, người dân chỉ phải nhập dữ liệu một lần",
            "%", "80%", "74,07", "61,5", "Chưa đạt", "Trung tâm Phục vụ hành chính công"], indicatorRows[0]);
        Assert.Equal(["-", "-", "Chưa báo cáo"], indicatorRows[^1].Skip(4).Take(3));
        Assert.Equal(["I. Chính quyền số"], rows[0]);
    }

    [Fact]
    public void Docx_hasTaskTable_withLeadNameTimeframeProgressAndStatus()
    {
        using var docx = Open(SampleReport());
        var table = TableWithHeader(docx, "Nhiệm vụ");
        var rows = table.Elements<TableRow>().Select(Cells).ToList();

        Assert.Equal(["TT", "Nhiệm vụ", "Đơn vị chủ trì", "Thời gian", "Tiến độ", "Tình trạng"], rows[0]);
        Assert.Contains(rows, r => r.Count == 6 && r[1].StartsWith("Phát huy vai trò", StringComparison.Ordinal)
            && r[2] == "Phòng Văn hóa- Xã hội" && r[3] == "Năm 2026" && r[4] == "60%Đã ban hành 2 văn bản" && r[5] == "Đang thực hiện");
        Assert.Contains(rows, r => r.Count == 6 && r[5] == "Hoàn thành");
        Assert.Contains(rows, r => r.Count == 6 && r[5] == "Chưa triển khai");
        Assert.Contains(rows, r => r.Count == 6 && r[5] == "Chưa báo cáo");
    }

    [Fact]
    public void Docx_listsSubmissionsAndNarratives_underRomanNumberedSections()
    {
        using var docx = Open(SampleReport());
        var paragraphs = Paragraphs(docx);
        var submissions = TableWithHeader(docx, "Bộ phận").Elements<TableRow>().Skip(1).Select(Cells).ToList();

        Assert.Equal(
            ["I. KẾT QUẢ THỰC HIỆN", "II. TÌNH HÌNH BÁO CÁO CỦA CÁC BỘ PHẬN", "III. KHÓ KHĂN, VƯỚNG MẮC", "IV. KIẾN NGHỊ, ĐỀ XUẤT", "V. NHIỆM VỤ TRỌNG TÂM KỲ TỚI"],
            SectionHeadings(docx));
        Assert.Contains(submissions, r => r.SequenceEqual(["1", "Phòng Văn hóa- Xã hội", "Đúng hạn", "04/03/2026"]));
        Assert.Contains(submissions, r => r.SequenceEqual(["2", "Văn phòng HĐND và UBND", "Trễ hạn", "06/03/2026"]));
        Assert.Contains(submissions, r => r[2] == "Không báo cáo" && r[3] == "-");
        Assert.Contains("Phòng Văn hóa- Xã hội: Đã tổ chức 3 lớp tập huấn kỹ năng số.", paragraphs);
        Assert.Contains($"Văn phòng HĐND và UBND: {Script}", paragraphs);
        Assert.Contains("Không có.", paragraphs);
        Assert.Contains("- Tổng số hồ sơ tiếp nhận: 1.707 hồ sơ", paragraphs);
        Assert.Contains("- Trước hạn: 1.223 hồ sơ (chiếm 74,48%)", paragraphs);
        Assert.Contains("- Tỷ lệ trước hạn tính lại từ số liệu không khớp tỷ lệ nêu.", paragraphs);
    }

    [Fact]
    public void Docx_printsSignerAndEveryRecipient_inTheSignatureBlock()
    {
        var report = SampleReport();
        using var docx = Open(report);
        var signature = docx.MainDocumentPart!.Document!.Body!.Elements<Table>().Last();
        var cells = signature.Descendants<TableCell>().Select(c => c.Elements<Paragraph>().Select(p => p.InnerText).ToList()).ToList();

        Assert.Equal("Nơi nhận:", cells[0][0]);
        Assert.Equal(report.Plan.Recipients.Count, cells[0].Count - 1);
        Assert.Equal("- Sở Khoa học và Công nghệ (b/cáo);", cells[0][1]);
        Assert.Equal("- Lưu: VT.", cells[0][^1]);
        Assert.Equal(["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], cells[1].Take(3));
        Assert.Equal("Nguyễn Văn Quân", cells[1][^1]);
    }

    [Fact]
    public void Docx_isValidOpenXml_forWord2013()
    {
        using var docx = Open(SampleReport());

        var errors = new OpenXmlValidator(DocumentFormat.OpenXml.FileFormatVersions.Office2013).Validate(docx)
            .Select(e => $"{e.Path?.XPath}: {e.Description}");

        Assert.Empty(errors);
        Assert.Equal("15", docx.MainDocumentPart!.DocumentSettingsPart!.Settings!.Descendants<CompatibilitySetting>().Single().Val!.Value);
    }

    [Fact]
    public void Docx_isIdenticalXml_whenRenderedTwice()
    {
        var report = SampleReport();

        Assert.Equal(PartsXml(DocxReportRenderer.Render(report, Options)), PartsXml(DocxReportRenderer.Render(report, Options)));
    }

    [Fact]
    public void Docx_dropsControlCharacters_fromDepartmentText()
    {
        var report = SampleReport();
        var vhxh = report.Plan.FindDepartment("VHXH")!;
        report = report with { Narratives = [new NarrativeEntry("difficulties", vhxh, "Thiếu\u0001 kinh phí")] };

        using var docx = Open(report);

        Assert.Contains("Phòng Văn hóa- Xã hội: Thiếu kinh phí", Paragraphs(docx));
    }

    [Fact]
    public void Html_containsTheSameKeyTexts_asTheDocx()
    {
        var html = HtmlReportRenderer.Render(SampleReport(), Options);
        var text = WebUtility.HtmlDecode(html);

        Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"vi\">", html, StringComparison.Ordinal);
        Assert.Contains("<meta charset=\"utf-8\">", html, StringComparison.Ordinal);
        foreach (var expected in new[]
        {
            "ỦY BAN NHÂN DÂN", "XÃ BÌNH CHƯƠNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
            "Bình Chương, ngày 05 tháng 3 năm 2026", "BÁO CÁO", "Kết quả thực hiện Kế hoạch chuyển đổi số quý I năm 2026 của UBND xã Bình Chương",
            "74,07", "1.707", "Trung tâm Phục vụ hành chính công", "Đang thực hiện", "Nơi nhận:", "- Lưu: VT.", "KT. CHỦ TỊCH", "Nguyễn Văn Quân",
        })
        {
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Html_keepsSectionOrder_ofTheDocx()
    {
        var report = SampleReport();
        var text = WebUtility.HtmlDecode(HtmlReportRenderer.Render(report, Options));
        using var docx = Open(report);
        var headings = SectionHeadings(docx);

        var positions = headings.Select(h => text.IndexOf(h, StringComparison.Ordinal)).ToList();

        Assert.Equal(5, headings.Count);
        Assert.DoesNotContain(-1, positions);
        Assert.Equal(positions.Order(), positions);
    }

    [Fact]
    public void Html_escapesNarrative_containingScript()
    {
        var html = HtmlReportRenderer.Render(SampleReport(), Options);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2026, 1, 1, "Bình Chương, ngày 01 tháng 01 năm 2026")]
    [InlineData(2026, 2, 9, "Bình Chương, ngày 09 tháng 02 năm 2026")]
    [InlineData(2026, 3, 10, "Bình Chương, ngày 10 tháng 3 năm 2026")]
    [InlineData(2026, 3, 5, "Bình Chương, ngày 05 tháng 3 năm 2026")]
    [InlineData(2023, 6, 5, "Bình Chương, ngày 05 tháng 6 năm 2023")]
    [InlineData(2026, 12, 31, "Bình Chương, ngày 31 tháng 12 năm 2026")]
    public void PlaceAndDate_padsDaysBelowTenAndJanuaryFebruaryOnly_perDecree30(int year, int month, int day, string expected)
    {
        Assert.Equal(expected, ReportText.PlaceAndDate("Bình Chương", new DateOnly(year, month, day)));
    }

    [Theory]
    [InlineData("74.07", "74,07")]
    [InlineData("1707", "1.707")]
    [InlineData("1234567.5", "1.234.567,5")]
    [InlineData("0", "0")]
    [InlineData("74.4763", "74,48")]
    public void Number_usesDecimalCommaAndThousandsDot(string value, string expected)
    {
        Assert.Equal(expected, ReportText.Number(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Target_printsPlanTextOrOperator_whenTextIsMissing()
    {
        Assert.Equal("80%", ReportText.Target(new IndicatorTarget { Op = ">=", Value = 80, Text = "80%" }, "%"));
        Assert.Equal("≥ 80%", ReportText.Target(new IndicatorTarget { Op = ">=", Value = 80 }, "%"));
        Assert.Equal("≤ 1.500", ReportText.Target(new IndicatorTarget { Op = "<=", Value = 1500 }, "hồ sơ"));
        Assert.Equal("Hoàn thành", ReportText.Target(new IndicatorTarget { Op = "done" }, "hệ thống"));
    }

    /// <summary>A quarter-I report of the Bình Chương plan, with every status and section filled in by hand.</summary>
    internal static CompiledReport SampleReport()
    {
        var load = PlanValidator.Load(Path.Combine(TestPaths.RepoRoot, "seeds", "binh-chuong-2026.json"));
        var plan = load.Plan ?? throw new InvalidOperationException(string.Join("; ", load.Errors));
        var calendar = ReportingCalendar.For(2026, CalendarSettings.Default, HolidayCalendar.WeekendsOnly);
        var index = calendar.ToList().FindIndex(p => p.Kind == ReportKind.Quarterly);
        var department = (string code) => plan.FindDepartment(code)!;
        var statistic = (string code, decimal value) => new StatisticResult(code, value);

        var indicators = plan.Indicators.Select((indicator, i) => i switch
        {
            0 => new IndicatorResult(indicator, 74.07m, 61.5m, Achievement.No, 2000m, 2700m),
            _ when i == plan.Indicators.Count - 1 => new IndicatorResult(indicator, null, null, Achievement.NotReported, null, null),
            _ => new IndicatorResult(indicator, 100m, 95m, Achievement.Yes, null, null),
        }).ToList();
        string[] statuses = ["in_progress", "done", "not_started", "not_reported"];
        var tasks = plan.Tasks.Select((task, i) => new TaskResult(
            task,
            TimeframeParser.Parse(task.Timeframe, plan.Year),
            statuses[i % statuses.Length],
            i == 0 ? 60m : null,
            i == 0 ? "Đã ban hành 2 văn bản" : null,
            i % statuses.Length == 3 ? null : task.Lead)).ToList();
        var submissions = plan.Departments.Select((d, i) => i switch
        {
            0 => new SubmissionResult(d, SubmissionStatus.OnTime, new DateTimeOffset(2026, 3, 4, 2, 0, 0, TimeSpan.Zero), true),
            // 17:30 UTC on the 5th is already the 6th in Viet Nam.
            1 => new SubmissionResult(d, SubmissionStatus.Late, new DateTimeOffset(2026, 3, 5, 17, 30, 0, TimeSpan.Zero), true),
            _ => new SubmissionResult(d, SubmissionStatus.Missing, null, true),
        }).ToList();

        return new CompiledReport
        {
            Plan = plan,
            Period = calendar[index],
            PreviousPeriod = calendar[index - 1],
            NextPeriod = calendar[index + 1],
            Indicators = indicators,
            Tasks = tasks,
            Submissions = submissions,
            Statistics = [statistic("dossiers_received", 1707m), statistic("dossiers_resolved", 1642m), statistic("dossiers_early", 1223m)],
            Warnings = [new ReportWarning("stated_rate_mismatch", "Tỷ lệ trước hạn tính lại từ số liệu không khớp tỷ lệ nêu.")],
            Narratives =
            [
                new NarrativeEntry("results", department("VHXH"), "Đã tổ chức 3 lớp tập huấn kỹ năng số."),
                new NarrativeEntry("results", department("VP"), Script),
                new NarrativeEntry("proposals", department("KT"), "Đề nghị bố trí kinh phí nâng cấp đài truyền thanh."),
            ],
            NextPeriodTasks = plan.Tasks.Take(2).ToList(),
        };
    }

    private static WordprocessingDocument Open(CompiledReport report, RenderOptions? options = null) =>
        WordprocessingDocument.Open(new MemoryStream(DocxReportRenderer.Render(report, options ?? Options)), false);

    private static List<string> Paragraphs(WordprocessingDocument docx) =>
        docx.MainDocumentPart!.Document!.Body!.Descendants<Paragraph>().Select(p => p.InnerText).ToList();

    /// <summary>Body paragraphs (not table cells) that start with a Roman numeral: the report's sections.</summary>
    private static List<string> SectionHeadings(WordprocessingDocument docx) =>
        docx.MainDocumentPart!.Document!.Body!.Elements<Paragraph>().Select(p => p.InnerText)
            .Where(p => p.Split(". ")[0] is "I" or "II" or "III" or "IV" or "V" or "VI").ToList();

    private static Table TableWithHeader(WordprocessingDocument docx, string secondColumn) =>
        docx.MainDocumentPart!.Document!.Body!.Elements<Table>()
            .Single(t => t.Elements<TableRow>().First().Elements<TableCell>().Skip(1).FirstOrDefault()?.InnerText == secondColumn);

    private static List<string> Cells(TableRow row) => row.Elements<TableCell>().Select(c => c.InnerText).ToList();

    private static List<string> PartsXml(byte[] bytes)
    {
        using var docx = WordprocessingDocument.Open(new MemoryStream(bytes), false);
        var main = docx.MainDocumentPart!;
        return [main.Document!.OuterXml, main.StyleDefinitionsPart!.Styles!.OuterXml, main.DocumentSettingsPart!.Settings!.OuterXml,
            string.Join("|", docx.Parts.Select(p => p.RelationshipId)), string.Join("|", main.Parts.Select(p => p.RelationshipId))];
    }
}
