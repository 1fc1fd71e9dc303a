using System.Text.Json.Nodes;
using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Render;

namespace ChuyenDoiSo.Reporting.Tests.Render;

/// <summary>The office's own sections (edited at review) printed where an official report has them, before the departments' words.</summary>
public sealed class CommuneSectionsTests
{
    private static readonly RenderOptions Options = new(new DateOnly(2026, 3, 5));
    private static readonly Lazy<PlanCatalog> LazyCatalog = new(() => PlanCatalog.LoadFolder(TestPaths.Seeds));

    private static readonly CommuneSection[] Sections =
    [
        new("results", "Quý I, xã hoàn thành cơ bản các chỉ tiêu đề ra.\r\n\r\n  Tỷ lệ hồ sơ trực tuyến tăng so với cùng kỳ.  "),
        new("difficulties", "Hạ tầng mạng ở thôn xa còn yếu."),
        new("proposals", "Đề nghị Sở hỗ trợ kinh phí nâng cấp đường truyền."),
        new("next_tasks", "Tập trung số hóa hồ sơ đất đai."),
    ];

    private static CompiledReport Report(IReadOnlyList<CommuneSection> sections, bool withNextTasks = true)
    {
        var catalog = LazyCatalog.Value;
        var plan = catalog.Find("binh-chuong-2026")!;
        var calendar = catalog.CalendarFor(plan);
        var index = calendar.ToList().FindIndex(p => p.Kind == ReportKind.Quarterly);
        var department = plan.Departments[0];
        return new CompiledReport
        {
            Plan = plan,
            Period = calendar[index],
            PreviousPeriod = calendar[index - 1],
            NextPeriod = calendar[index + 1],
            Indicators = plan.Indicators.Select(i => new IndicatorResult(i, 50m, null, Achievement.No, null, null)).ToList(),
            Tasks = plan.Tasks.Select(t => new TaskResult(t, TimeframeParser.Parse(t.Timeframe, plan.Year), "in_progress", 50m, null, t.Lead)).ToList(),
            Submissions = plan.Departments.Select(d => new SubmissionResult(d, SubmissionStatus.OnTime, null, true)).ToList(),
            Statistics = [],
            Warnings = [],
            Narratives =
            [
                new NarrativeEntry("results", department, "Đã tổ chức 3 lớp tập huấn."),
                new NarrativeEntry("difficulties", department, "Thiếu máy quét."),
            ],
            NextPeriodTasks = withNextTasks ? plan.Tasks.Take(1).ToList() : [],
            CommuneSections = sections,
        };
    }

    /// <summary>The body as lines: headings and subheadings as printed, paragraphs with their bold lead, list items with "- ".</summary>
    private static List<string> Body(CompiledReport report) =>
        ReportDocument.Build(report, Options).Body.SelectMany(b => b switch
        {
            ReportHeading h => [h.Text],
            ReportSubheading s => [s.Text],
            ReportParagraph p => [(p.Lead ?? "") + p.Text],
            ReportList l => l.Items.Select(i => "- " + i),
            _ => new[] { $"[{b.GetType().Name}]" },
        }).ToList();

    private static List<string> Between(List<string> body, string from, string to)
    {
        var start = body.IndexOf(from);
        Assert.True(start >= 0, $"no \"{from}\" in\n{string.Join('\n', body)}");
        var end = body.FindIndex(start + 1, l => l.StartsWith(to, StringComparison.Ordinal));
        return body[(start + 1)..(end < 0 ? body.Count : end)];
    }

    [Fact]
    public void Build_printsTheOfficesSections_firstInTheirPlaces_asParagraphs()
    {
        var body = Body(Report(Sections));
        var lead = Report(Sections).Plan.Departments[0].Name + ": ";

        Assert.Equal(["1. Đánh giá chung", "Quý I, xã hoàn thành cơ bản các chỉ tiêu đề ra.", "Tỷ lệ hồ sơ trực tuyến tăng so với cùng kỳ.", "2. Kết quả thực hiện các chỉ tiêu"],
            Between(body, "I. KẾT QUẢ THỰC HIỆN", "II. ").Take(4));
        Assert.Contains("4. Kết quả thực hiện của các bộ phận", body);
        Assert.Equal(["Hạ tầng mạng ở thôn xa còn yếu.", lead + "Thiếu máy quét."], Between(body, "III. KHÓ KHĂN, VƯỚNG MẮC", "IV. "));
        Assert.Equal(["Đề nghị Sở hỗ trợ kinh phí nâng cấp đường truyền."], Between(body, "IV. KIẾN NGHỊ, ĐỀ XUẤT", "V. "));
        var next = Between(body, "V. NHIỆM VỤ TRỌNG TÂM KỲ TỚI", "Trên đây là báo cáo");
        Assert.Equal("Tập trung số hóa hồ sơ đất đai.", next[0]);
        Assert.StartsWith("Trong ", next[1], StringComparison.Ordinal);
        Assert.StartsWith("- ", next[2], StringComparison.Ordinal);
        Assert.DoesNotContain(ReportText.None, body);
    }

    [Fact]
    public void Build_withoutSections_printsAsBefore_withNoneWhereNothingWasSaid()
    {
        var body = Body(Report([]));

        Assert.DoesNotContain("1. Đánh giá chung", body);
        Assert.Equal("1. Kết quả thực hiện các chỉ tiêu", Between(body, "I. KẾT QUẢ THỰC HIỆN", "II. ")[0]);
        Assert.Contains("3. Kết quả thực hiện của các bộ phận", body);
        Assert.Equal([ReportText.None], Between(body, "IV. KIẾN NGHỊ, ĐỀ XUẤT", "V. "));
    }

    [Fact]
    public void Build_printsNoneUnderNextTasks_onlyWhenNeitherTheOfficeNorThePlanHasAny()
    {
        var withText = Between(Body(Report(Sections, withNextTasks: false)), "V. NHIỆM VỤ TRỌNG TÂM KỲ TỚI", "Trên đây là báo cáo");
        var without = Between(Body(Report([], withNextTasks: false)), "V. NHIỆM VỤ TRỌNG TÂM KỲ TỚI", "Trên đây là báo cáo");

        Assert.Equal(["Tập trung số hóa hồ sơ đất đai."], withText);
        Assert.Equal([ReportText.None], without);
    }

    [Fact]
    public void Json_carriesTheSections_andLeavesThemOut_whenTheOfficeWroteNone()
    {
        var json = JsonNode.Parse(JsonReportRenderer.Render(Report(Sections)))!;
        var plain = JsonNode.Parse(JsonReportRenderer.Render(Report([])))!.AsObject();

        Assert.Equal(["results", "difficulties", "proposals", "next_tasks"], json["communeSections"]!.AsArray().Select(s => (string)s!["section"]!));
        Assert.Equal("Hạ tầng mạng ở thôn xa còn yếu.", (string)json["communeSections"]![1]!["text"]!);
        Assert.False(plain.ContainsKey("communeSections"));
    }
}
