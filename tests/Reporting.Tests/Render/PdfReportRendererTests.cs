using System.Text.RegularExpressions;
using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Render;
using ChuyenDoiSo.Reporting.Rollup;
using static ChuyenDoiSo.Reporting.Tests.Rollup.RollupFixtures;

namespace ChuyenDoiSo.Reporting.Tests.Render;

/// <summary>Real PDF files in the artefact folder, read back with poppler's tools (PdfTools): text, fonts, page size, word positions.</summary>
public sealed partial class PdfReportRendererTests
{
    private static readonly DateOnly IssueDate = new(2026, 3, 5);
    private static readonly double Mm = 72 / 25.4;
    private const double PageWidth = 595.28, PageHeight = 841.89, Tolerance = 0.5;

    private static ReportDocument Quarterly() => ReportDocument.Build(RenderTests.SampleReport(), new RenderOptions(IssueDate, "07"));

    private static ReportDocument Monthly()
    {
        var report = RenderTests.SampleReport();
        var calendar = ReportingCalendar.For(2026, CalendarSettings.Default, HolidayCalendar.WeekendsOnly);
        var index = calendar.ToList().FindIndex(p => p.Kind == ReportKind.Monthly && p.Period == "2026-02");
        return ReportDocument.Build(report with { Period = calendar[index], PreviousPeriod = calendar[index - 1], NextPeriod = calendar[index + 1] }, new RenderOptions(new DateOnly(2026, 2, 12)));
    }

    /// <summary>A province roll-up of 150 communes: two indicators, so the annex of every commune's value runs over pages.</summary>
    private static ReportDocument Rollup()
    {
        var communes = Enumerable.Range(1, 150).Select(i => $"alpha-2026#{i:000}").ToArray();
        var due = Q1.Communes.AdjustedDueDate;
        var stored = communes.Take(140).Select((c, i) => Stored(c, ReportJson(c, $"Xã Thử Nghiệm {i + 1}", "2026-Q1", [Counted("1", 50 + i % 50, 100), Amount("2", i % 7)],
            ("difficulties", i % 30 == 0 ? "Đường truyền mạng còn chập chờn, thiết bị đầu cuối thiếu." : "")), due.AddDays(i % 3 - 1))).ToList();
        var report = RollupCompiler.Compile(Catalogue(), Body(communes), Q1, Expected(communes), stored);
        return RollupDocument.Build(report, new RenderOptions(new DateOnly(2026, 3, 10), "03"));
    }

    /// <summary>One table of 150 rows, one of them a long text, to make a table break across pages with its header repeated.</summary>
    private static ReportDocument LongTable()
    {
        var words = string.Join(' ', Enumerable.Range(1, 400).Select(i => $"từ{i}"));
        var rows = Enumerable.Range(1, 150).Select(i => new ReportRow([$"{i}", i == 60 ? words : $"Dòng số {i} của bảng", "Đạt"])).ToList();
        rows.Insert(0, new ReportRow(["I. Nhóm đầu tiên"], IsGroup: true));
        return Quarterly() with
        {
            Body = [new ReportHeading("I. BẢNG DÀI"), new ReportTable([new("TT", 600, CellAlign.Center), new("Nội dung công việc", 6755), new("Đánh giá", 2000, CellAlign.Center)], rows)],
        };
    }

    private static string Write(ReportDocument document, string name, PdfRenderSettings? settings = null)
    {
        var path = Path.Combine(PdfTools.Artifacts, name + ".pdf");
        using (var file = File.Create(path)) PdfReportRenderer.Render(document, file, settings ?? new PdfRenderSettings { IssueDate = IssueDate });
        return path;
    }

    private static string Flat(string text) => Spaces().Replace(text, " ");

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [Fact]
    public void Pdf_givesBackHeaderTitleNumberAndSigner_asExactVietnameseText()
    {
        var document = Quarterly();
        var text = Flat(PdfTools.Run("pdftotext", "-raw", Write(document, "text-quarterly"), "-"));

        foreach (var expected in (string[])
        [
            "ỦY BAN NHÂN DÂN", "XÃ BÌNH CHƯƠNG", "Số: 07/BC-UBND", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
            "Bình Chương, ngày 05 tháng 3 năm 2026", "BÁO CÁO", document.Subject, .. document.SignerAuthority, document.SignerTitle, document.SignerName,
            "Nơi nhận:", "KẾT QUẢ THỰC HIỆN", "Đơn vị chủ trì", "Tỷ lệ trước hạn tính lại từ số liệu không khớp tỷ lệ nêu.",
        ])
            Assert.Contains(expected, text);
        Assert.Contains("<script>alert('x')</script>", text);
    }

    [Fact]
    public void Pdf_embedsAndSubsetsEveryFont_asUnicodeLiberationSerif()
    {
        var fonts = PdfTools.Fonts(Write(Quarterly(), "fonts-quarterly"));

        Assert.NotEmpty(fonts);
        Assert.All(fonts, f =>
        {
            Assert.True(f.Embedded, $"{f.Name} not embedded");
            Assert.True(f.Subset, $"{f.Name} not subset");
            Assert.True(f.Unicode, $"{f.Name} has no ToUnicode map");
            Assert.Matches(@"^[A-Z]{6}\+Liberation Serif", f.Name);
        });
        Assert.Contains(fonts, f => f.Name.EndsWith("Liberation Serif,Bold", StringComparison.Ordinal));
        Assert.Contains(fonts, f => f.Name.EndsWith("Liberation Serif,Italic", StringComparison.Ordinal));
    }

    [Fact]
    public void Pdf_isA4_withTitleIssuerNumberAndIssueDate_inItsMetadata()
    {
        var document = Quarterly();
        var path = Write(document, "info-quarterly");
        var info = PdfTools.Info(path);

        Assert.StartsWith("595.276 x 841.89 pts (A4)", info["Page size"]);
        Assert.Equal(document.Subject, info["Title"]);
        Assert.Equal("ỦY BAN NHÂN DÂN XÃ BÌNH CHƯƠNG", info["Author"]);
        Assert.Contains("Số: 07/BC-UBND", info["Subject"]);
        Assert.Contains("Số 07/BC-UBND", info["Keywords"]);
        Assert.Contains("ngày 05/03/2026", info["Keywords"]);
        // Midnight of the issue date in Viet Nam, whatever the rendering machine's zone; pdfinfo prints it in its own.
        Assert.Contains("(D:20260305000000+07'00')", System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(path)));
        Assert.Contains("2026", info["CreationDate"]);
    }

    [Fact]
    public void Pdf_keepsEveryWordInsideTheDecree30Margins()
    {
        foreach (var (name, document) in new[] { ("margins-quarterly", Quarterly()), ("margins-rollup", Rollup()), ("margins-long-table", LongTable()) })
        {
            var words = PdfTools.Words(Write(document, name)).Where(w => w.YMin >= 20 * Mm - Tolerance).ToList();

            Assert.True(words.Min(w => w.XMin) >= 30 * Mm - Tolerance, $"{name}: leftmost word at {words.Min(w => w.XMin):0.0} pt");
            Assert.True(words.Max(w => w.XMax) <= PageWidth - 15 * Mm + Tolerance, $"{name}: rightmost word ends at {words.Max(w => w.XMax):0.0} pt");
            Assert.True(words.Max(w => w.YMax) <= PageHeight - 20 * Mm + Tolerance, $"{name}: lowest word at {words.Max(w => w.YMax):0.0} pt");
            Assert.True(words.Where(w => w.Page == 1).Min(w => w.YMin) >= 20 * Mm - Tolerance);
        }
    }

    [Fact]
    public void Pdf_numbersPagesAtTheTopCentre_fromPageTwo()
    {
        var words = PdfTools.Words(Write(LongTable(), "page-numbers"));
        var pages = words.Max(w => w.Page);

        Assert.True(pages >= 3, $"{pages} pages");
        Assert.DoesNotContain(words, w => w.Page == 1 && w.YMax < 20 * Mm);
        for (var page = 2; page <= pages; page++)
        {
            var top = words.Where(w => w.Page == page && w.YMax < 20 * Mm).ToList();
            var number = Assert.Single(top);
            Assert.Equal(page.ToString(System.Globalization.CultureInfo.InvariantCulture), number.Text);
            var centre = (number.XMin + number.XMax) / 2;
            Assert.InRange(centre, 30 * Mm + (PageWidth - 45 * Mm) / 2 - 3, 30 * Mm + (PageWidth - 45 * Mm) / 2 + 3);
        }
    }

    [Fact]
    public void Pdf_breaksALongTableAcrossPages_repeatingItsHeaderAndWrappingLongCells()
    {
        var path = Write(LongTable(), "long-table");
        var pages = int.Parse(PdfTools.Info(path)["Pages"], System.Globalization.CultureInfo.InvariantCulture);
        var text = Flat(PdfTools.Run("pdftotext", "-raw", path, "-"));

        Assert.True(pages >= 3, $"{pages} pages");
        for (var page = 1; page <= pages; page++)
        {
            var pageText = Flat(PdfTools.Text(path, page));
            if (pageText.Contains("Dòng số", StringComparison.Ordinal))
                Assert.Contains("Nội dung công việc", pageText);
        }
        Assert.Contains("Dòng số 1 của bảng", text);
        Assert.Contains("Dòng số 150 của bảng", text);
        // The 400-word cell wraps inside its column, every word kept.
        Assert.Contains("từ1 từ2 từ3", text);
        Assert.Contains("từ399 từ400", text);
    }

    [Fact]
    public void Pdf_continuesARowTallerThanAPage_onTheNextPageUnderTheHeader()
    {
        var words = string.Join(' ', Enumerable.Range(1, 1500).Select(i => $"ý{i}"));
        var document = Quarterly() with
        {
            Body = [new ReportTable([new("TT", 600, CellAlign.Center), new("Nội dung công việc", 6755), new("Đánh giá", 2000, CellAlign.Center)], [new ReportRow(["1", words, "Đạt"])])],
        };
        var path = Write(document, "tall-row");
        var all = PdfTools.Words(path);
        var pages = all.Max(w => w.Page);

        Assert.True(pages >= 3, $"{pages} pages");
        Assert.Contains(all, w => w.Page == 1 && w.Text == "ý1");
        Assert.Equal(Enumerable.Range(1, 1500).Select(i => $"ý{i}"), all.Where(w => w.Text.StartsWith('ý')).Select(w => w.Text));
        Assert.True(all.Max(w => w.YMax) <= PageHeight - 20 * Mm + Tolerance);
        for (var page = 2; page < pages; page++)
            Assert.Contains("Nội dung công việc", Flat(PdfTools.Text(path, page)));
    }

    [Fact]
    public void Pdf_isTheSameFile_whenTheSameDocumentIsRenderedTwice()
    {
        var first = PdfReportRenderer.Render(Quarterly(), new PdfRenderSettings { IssueDate = IssueDate });
        var second = PdfReportRenderer.Render(Quarterly(), new PdfRenderSettings { IssueDate = IssueDate });

        Assert.Equal(first, second);
    }

    [Fact]
    public void Pdf_marksEveryPage_whenADraft()
    {
        var path = Write(LongTable(), "draft", new PdfRenderSettings { Draft = true, IssueDate = IssueDate });
        var pages = int.Parse(PdfTools.Info(path)["Pages"], System.Globalization.CultureInfo.InvariantCulture);

        for (var page = 1; page <= pages; page++)
            Assert.Contains("DỰ THẢO", PdfTools.Text(path, page));
    }

    [Fact]
    public void Build_placesTheSignatureBetweenTheTitleAndTheName_andTheSealOverItsLeftThird()
    {
        var document = Quarterly();
        var rendering = PdfReportRenderer.Build(document, new PdfRenderSettings { IssueDate = IssueDate });
        var path = Path.Combine(PdfTools.Artifacts, "placement.pdf");
        using (rendering.Document) rendering.Document.Save(path);
        var words = PdfTools.Words(path);
        var placement = rendering.Placement;
        var page = placement.PageIndex + 1;

        var title = words.Last(w => w.Page == page && document.SignerTitle.Split(' ').Last() == w.Text);
        var name = words.Last(w => w.Page == page && document.SignerName.Split(' ').Last() == w.Text);
        Assert.True(title.YMax <= placement.SignerBox.Top + Tolerance, $"title ends at {title.YMax:0.0}, box starts at {placement.SignerBox.Top:0.0}");
        Assert.True(name.YMin >= placement.SignerBox.Bottom - Tolerance, $"name starts at {name.YMin:0.0}, box ends at {placement.SignerBox.Bottom:0.0}");
        Assert.InRange(name.XMin, placement.SignerBox.Left - 100, placement.SignerBox.Right);
        Assert.Equal(placement.SignerBox.Left + placement.SignerBox.Width / 3, placement.SealBox.Right, 3);
    }

    [Fact]
    public void Pdf_pagesRenderToImages_forAPersonToLookAt()
    {
        foreach (var (name, document) in new[] { ("monthly", Monthly()), ("quarterly", Quarterly()), ("rollup", Rollup()) })
        {
            var path = Write(document, name);
            var pages = int.Parse(PdfTools.Info(path)["Pages"], System.Globalization.CultureInfo.InvariantCulture);
            PdfTools.Png(path, 1, Path.Combine(PdfTools.Artifacts, $"{name}-first"));
            PdfTools.Png(path, pages, Path.Combine(PdfTools.Artifacts, $"{name}-last"));
            Assert.True(File.Exists(Path.Combine(PdfTools.Artifacts, $"{name}-first.png")));
            Assert.True(File.Exists(Path.Combine(PdfTools.Artifacts, $"{name}-last.png")));
        }
    }
}
