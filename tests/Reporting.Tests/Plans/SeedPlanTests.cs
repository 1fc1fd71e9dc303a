using System.Text.RegularExpressions;
using ChuyenDoiSo.Reporting.Plans;

namespace ChuyenDoiSo.Reporting.Tests.Plans;

public sealed partial class SeedPlanTests
{
    private static readonly Lazy<PlanCatalog> LazyCatalog = new(() => PlanCatalog.LoadFolder(TestPaths.Seeds));
    private static PlanCatalog Catalog => LazyCatalog.Value;

    private static Plan SeedPlan(string id) => Catalog.Find(id) ?? throw new InvalidOperationException($"no seed plan {id}");

    private static string Collapse(string s) => WhiteSpace().Replace(s, " ").Trim();

    [Theory]
    [InlineData("binh-chuong-2026.json")]
    [InlineData("chanh-lo-2023.json")]
    [InlineData("linh-toai-2023.json")]
    [InlineData("tam-phuoc-2023.json")]
    [InlineData("tinh-thien-2025.json")]
    public void Load_readsTheSeedFile_withoutErrors(string file)
    {
        var result = PlanValidator.Load(Path.Combine(TestPaths.Seeds, file));

        Assert.Empty(result.Errors);
        Assert.True(result.IsValid);
        Assert.Equal(Path.GetFileNameWithoutExtension(file), result.Plan!.Id);
    }

    [Fact]
    public void LoadFolder_loadsAllFiveSeedPlans_withoutErrors()
    {
        Assert.Equal(
            ["binh-chuong-2026", "chanh-lo-2023", "linh-toai-2023", "tam-phuoc-2023", "tinh-thien-2025"],
            Catalog.Plans.Select(p => p.Id));
        Assert.All(Catalog.Warnings, w => Assert.True(w.IsWarning, w.ToString()));
        // Every plan year has holiday data, so no "weekends only" warning.
        Assert.DoesNotContain(Catalog.Warnings, w => w.Message.Contains("no holiday data", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("binh-chuong-2026", 2026, 28)] // Phụ lục: 28 rows in five groups
    [InlineData("tinh-thien-2025", 2025, 16)] // Phụ lục I: 16 rows
    [InlineData("chanh-lo-2023", 2023, 28)] // section II, prose targets II.1.a–II.3.e
    [InlineData("linh-toai-2023", 2023, 30)] // Part 2 II.2, prose targets 2.1.a–2.5.e
    [InlineData("tam-phuoc-2023", 2023, 40)] // Part II 2.1–2.3 a), prose targets
    public void Plan_holdsTheIndicatorCount_ofItsText(string id, int year, int count)
    {
        var plan = SeedPlan(id);

        Assert.Equal(year, plan.Year);
        Assert.Equal(count, plan.Indicators.Count);
        Assert.Equal(count, plan.Indicators.Select(i => i.Code).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void BinhChuong_numbersItsIndicators_oneTo28()
    {
        Assert.Equal(Enumerable.Range(1, 28).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            SeedPlan("binh-chuong-2026").Indicators.Select(i => i.Code));
    }

    [Fact]
    public void TinhThien_numbersItsIndicators_oneTo16()
    {
        Assert.Equal(Enumerable.Range(1, 16).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            SeedPlan("tinh-thien-2025").Indicators.Select(i => i.Code));
    }

    /// <summary>
    /// Rows of Bình Chương's Phụ lục "MỤC TIÊU CHUYỂN ĐỔI SỐ NĂM 2026" as printed: the end of the indicator's
    /// text, the "Mục tiêu năm 2026" column, the "Cơ quan chủ trì/Đánh giá" column; then the expected JSON.
    /// </summary>
    public static TheoryData<string, string, string, string, string, decimal?, string> BinhChuongRows => new()
    {
        { "1", "người dân chỉ phải nhập dữ liệu một lần", "80%", "Trung tâm Phục vụ hành chính công", ">=", 80m, "TTPVHCC" },
        { "7", "thiết yếu được ứng dụng AI", "30%", "Trung tâm Phục vụ hành chính công", ">=", 30m, "TTPVHCC" },
        { "8", "sử dụng chữ ký số cá nhân để giải quyết công việc", "100%", "Văn phòng HĐND và UBND", ">=", 100m, "VP" },
        { "12", "Tỷ lệ phủ sóng 5G trên địa bàn (dân số)", "60%", "Phòng Văn hóa- Xã hội", ">=", 60m, "VHXH" },
        { "13", "mạng nội bộ LAN tại địa phương hoạt động thông suốt và an toàn thông tin", "Hoàn thành", "Phòng Văn hóa- Xã hội", "done", null, "VHXH" },
        { "14", "liên thông từ Trung ương đến cấp xã", "90%", "Văn phòng HĐND và UBND", ">=", 90m, "VP" },
        { "15", "(Truyền thanh thông minh)", "100%", "Trung tâm Cung ứng dịch vụ công", ">=", 100m, "TTCUDV" },
        { "17", "sử dụng nền tảng hợp đồng điện tử", "80%", "Phòng Kinh tế", ">=", 80m, "KT" },
        { "19", "định danh điện tử mức 2 (VNeID).", "95%", "Công an xã", ">=", 95m, "CA" },
        { "20", "có chữ ký số hoặc chữ ký điện tử", "15%", "Phòng Văn hóa- Xã hội", ">=", 15m, "VHXH" },
        { "21", "“đúng - đủ - sạch - thống nhất - dùng chung”", "80%", "Trạm Y tế xã", ">=", 80m, "TYT" },
        { "27", "phổ cập kỹ năng số cho học sinh", "100%", "Các Trường học trên địa bàn xã", ">=", 100m, "TRUONG_HOC" },
    };

    [Theory]
    [MemberData(nameof(BinhChuongRows))]
    public void BinhChuong_indicatorMatchesThePlanText(string code, string text, string target, string leadAsPrinted, string op, decimal? value, string lead)
    {
        var plan = SeedPlan("binh-chuong-2026");
        var indicator = plan.FindIndicator(code);

        Assert.NotNull(indicator);
        Assert.Contains(text, Collapse(indicator.Name), StringComparison.Ordinal);
        Assert.Equal(op, indicator.Target.Op);
        Assert.Equal(value, indicator.Target.Value);
        Assert.Equal(target, indicator.Target.Text);
        Assert.Equal(lead, indicator.Lead);
        Assert.Equal(leadAsPrinted, plan.FindDepartment(lead)?.Name);
    }

    /// <summary>
    /// Rows of Tĩnh Thiện's Phụ lục I as printed: the end of the indicator's text (the target is inside it),
    /// the "Cơ quan chủ trì" column; then the expected JSON. The plan shortens the lead's name ("Bộ phận Văn phòng"
    /// for Bộ phận Văn phòng – Thống kê), so the department's full name starts with the printed one.
    /// </summary>
    public static TheoryData<string, string, string, string, decimal?, string> TinhThienRows => new()
    {
        { "1", "toàn trình đạt tỷ lệ 95% thủ tục hành chính có đủ điều kiện", "Bộ phận Văn phòng", ">=", 95m, "VP" },
        { "2", "đạt tỷ lệ trung bình tối thiểu 60%", "Bộ phận Văn phòng", ">=", 60m, "VP" },
        { "3", "thông qua định danh điện tử VNeID đạt 100%.", "Công an", ">=", 100m, "CA" },
        { "5", "hài lòng trong giải quyết thủ tục hành chính đạt 90%.", "Bộ phận Văn phòng", ">=", 90m, "VP" },
        { "8", "Tỷ trọng kinh tế số trên GDP đạt tối thiểu 20%.", "Bộ phận Tài chính – Kế toán", ">=", 20m, "TC_KT" },
        { "9", "trong lĩnh vực thương mại đạt trên 80%", "Bộ phận Tài chính – Kế toán", ">", 80m, "TC_KT" },
        { "10", "sử dụng nền tảng số đạt trên 50%.", "Bộ phận Tài chính – Kế toán", ">", 50m, "TC_KT" },
        { "11", "chứng thư chữ ký điện tử đạt trên 50%.", "Bộ phận Văn hoá", ">", 50m, "VHXH" },
        { "13", "không dùng tiền mặt đạt tỷ lệ 100%.", "Các trường học công lập", ">=", 100m, "TRUONG_HOC" },
        { "14", "tích hợp trên ứng dụng VNeID đạt 100%.", "Trạm Y tế", ">=", 100m, "TYT" },
    };

    [SharedSeedsTheory]
    [MemberData(nameof(TinhThienRows))]
    public void TinhThien_indicatorMatchesThePlanText(string code, string text, string leadAsPrinted, string op, decimal? value, string lead)
    {
        var plan = SeedPlan("tinh-thien-2025");
        var indicator = plan.FindIndicator(code);

        Assert.NotNull(indicator);
        Assert.Contains(text, Collapse(indicator.Name), StringComparison.Ordinal);
        Assert.Equal(op, indicator.Target.Op);
        Assert.Equal(value, indicator.Target.Value);
        Assert.Equal(lead, indicator.Lead);
        Assert.StartsWith(leadAsPrinted, plan.FindDepartment(lead)?.Name ?? "", StringComparison.Ordinal);
    }

    // The rows above are transcribed from ../shared/seeds; these two check the transcription against the text
    // itself. That folder is outside the repository: on a machine without it they are reported as skipped.
    [SharedSeedsTheory]
    [MemberData(nameof(BinhChuongRows))]
    public void BinhChuongRows_appearInThePlanText(string code, string text, string target, string leadAsPrinted, string op, decimal? value, string lead)
    {
        _ = (op, value, lead);
        var appendix = Appendix("004_a7e67d7ef783db92.txt", "MỤC TIÊU CHUYỂN ĐỔI SỐ NĂM 2026");

        Assert.True(appendix.Contains($"{text} {target} {leadAsPrinted}", StringComparison.Ordinal), $"row {code} not found in the Phụ lục");
    }

    [SharedSeedsTheory]
    [MemberData(nameof(TinhThienRows))]
    public void TinhThienRows_appearInThePlanText(string code, string text, string leadAsPrinted, string op, decimal? value, string lead)
    {
        _ = (op, value, lead);
        var appendix = Appendix("000_5f406017bf516b70.txt", "DANH MỤC MỘT SỐ CHỈ TIÊU");

        Assert.True(appendix.Contains($"{text} {leadAsPrinted} ", StringComparison.Ordinal), $"row {code} not found in Phụ lục I");
    }

    private static string Appendix(string file, string heading)
    {
        var path = Path.Combine(TestPaths.SharedSeeds, file);
        Assert.True(File.Exists(path), $"{path}: missing from ../shared/seeds");
        var text = Collapse(File.ReadAllText(path).Normalize(System.Text.NormalizationForm.FormC));
        var start = text.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"{file}: heading \"{heading}\" not found");
        return text[start..];
    }

    [Fact]
    public void TinhThien_indicator14_isCoordinatedByThePolice()
    {
        // Phụ lục I row 14: "Trạm Y tế" leads, "Công an xã" coordinates.
        Assert.Equal(["CA"], SeedPlan("tinh-thien-2025").FindIndicator("14")!.Coordinators);
    }

    [Fact]
    public void TinhThien_budget_hasFiveLinesTotalling40()
    {
        var budget = SeedPlan("tinh-thien-2025").Budget;

        // Phụ lục II: 5 + 10 + 5 + 10 + 10 = 40 million VND, all from "CTX, NSH".
        Assert.Equal([5m, 10m, 5m, 10m, 10m], budget.Select(b => b.AmountMillionVnd));
        Assert.Equal(40m, budget.Sum(b => b.AmountMillionVnd));
        Assert.All(budget, b => Assert.Equal("CTX, NSH", b.Source));
        Assert.Equal("Hoạt động trang thông tin điện tử của xã", budget[0].Item);
    }

    [Theory]
    [InlineData("binh-chuong-2026")]
    [InlineData("chanh-lo-2023")]
    [InlineData("linh-toai-2023")]
    [InlineData("tam-phuoc-2023")]
    public void Plan_hasNoBudget_whenItsTextHasNone(string id)
    {
        Assert.Empty(SeedPlan(id).Budget);
    }

    [Fact]
    public void BinhChuong_statistics_holdThe2025DossierCounts()
    {
        var statistics = SeedPlan("binh-chuong-2026").Statistics.ToDictionary(s => s.Code, StringComparer.Ordinal);

        Assert.Equal(1707m, statistics["dossiers_received"].Value);
        Assert.Equal(1642m, statistics["dossiers_resolved"].Value);
        Assert.Equal(1223m, statistics["dossiers_early"].Value);
        Assert.Equal(74.07m, statistics["dossiers_early"].StatedPercent);
        Assert.Equal(79m, statistics["dossiers_overdue"].Value);
        Assert.Equal(0.45m, statistics["dossiers_overdue"].StatedPercent);
        Assert.Equal(44m, statistics["dossiers_in_progress"].Value);
        Assert.Equal(920m, statistics["payments_online"].Value);
    }

    [Fact]
    public void LoadFolder_warns_whenBinhChuongsOverdueRateDisagreesWithItsCounts()
    {
        // "Quá hạn: 79 (chiếm 0,45%)" of 1,642 resolved: 79 / 1642 = 4.81 %.
        var path = StatisticPath("binh-chuong-2026", "dossiers_overdue");

        var warning = Assert.Single(Catalog.Warnings, w => w.Path == path && w.File.EndsWith("binh-chuong-2026.json", StringComparison.Ordinal));

        Assert.True(warning.IsWarning);
        Assert.Contains("0.45", warning.Message, StringComparison.Ordinal);
        Assert.Contains("4.81", warning.Message, StringComparison.Ordinal);
        Assert.Contains("binh-chuong-2026.json", warning.ToString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// The plans' stated rates are now held to PlanValidator.StatedRateTolerance (0.1 point); half a point let these pass.
    /// Bình Chương: "Trước hạn: 1.223 đạt 74,07 %" of 1,642 resolved is 74.48 %, 0.41 points off.
    /// Tam Phước: "10 hồ sơ (0,4%)" of 3,410 received is 0.29 %, 0.11 points off.
    /// </summary>
    [Theory]
    [InlineData("binh-chuong-2026", "dossiers_early", "74.07%", "74.48%")]
    [InlineData("tam-phuoc-2023", "dossiers_received_social_protection", "0.4%", "0.29%")]
    public void LoadFolder_warns_whenAStatedRateIsMoreThanATenthOfAPointOffItsCounts(string planId, string statistic, string stated, string counted)
    {
        var path = StatisticPath(planId, statistic);

        var warning = Assert.Single(Catalog.Warnings, w => w.Path == path && w.File.EndsWith(planId + ".json", StringComparison.Ordinal));
        Assert.Contains(stated, warning.Message, StringComparison.Ordinal);
        Assert.Contains(counted, warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFolder_listsBinhChuongsOnlinePaymentRate_asUnverifiable()
    {
        // "920 hồ sơ thanh toán trực tuyến (98,26%)": the plan does not say of what, so it cannot be checked.
        var path = StatisticPath("binh-chuong-2026", "payments_online");

        var warning = Assert.Single(Catalog.Warnings, w => w.Path == path);
        Assert.StartsWith("unverifiable", warning.Message, StringComparison.Ordinal);
        Assert.Contains("98.26%", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFolder_flagsExactlyTheThreeKnownMismatches_amongTheSeedsStatedRates()
    {
        var mismatches = Catalog.Warnings.Where(w => w.Message.Contains("disagrees with its counts", StringComparison.Ordinal))
            .Select(w => (Path.GetFileName(w.File), w.Path)).ToList();

        Assert.Equal(
            [
                ("binh-chuong-2026.json", StatisticPath("binh-chuong-2026", "dossiers_early")),
                ("binh-chuong-2026.json", StatisticPath("binh-chuong-2026", "dossiers_overdue")),
                ("tam-phuoc-2023.json", StatisticPath("tam-phuoc-2023", "dossiers_received_social_protection")),
            ],
            mismatches.Order());
    }

    [Theory]
    [InlineData(72.0, "72", "74.48")] // 2.48 points off
    [InlineData(73.9, "73.9", "74.48")] // 0.58 points off
    [InlineData(75.0, "75", "74.48")] // 0.52 points off, above the count: more than a whole-number rate's rounding
    [InlineData(74.3, "74.3", "74.48")] // 0.18 points off
    [InlineData(74.6, "74.6", "74.48")] // 0.12 points off, above the count
    public void Check_warnsWithBothFigures_whenTheEarlyRateIsMoreThanATenthOfAPointOff(double stated, string statedText, string computed)
    {
        var problems = CheckWithEarlyRate((decimal)stated);

        var warning = Assert.Single(problems, p => p.Path == StatisticPath("binh-chuong-2026", "dossiers_early"));
        Assert.True(warning.IsWarning);
        Assert.Contains($"{statedText}%", warning.Message, StringComparison.Ordinal);
        Assert.Contains($"{computed}%", warning.Message, StringComparison.Ordinal);
        Assert.Contains("1223 of 1642", warning.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(74.48)] // exactly the counts
    [InlineData(74.5)] // rounded to one decimal
    [InlineData(74.4)] // 0.08 points off
    [InlineData(74.0)] // printed as a whole number: 0.48 is within its rounding (half a unit)
    public void Check_doesNotWarn_whenTheStatedRateIsConsistentWithItsCounts(double stated)
    {
        var problems = CheckWithEarlyRate((decimal)stated);

        Assert.DoesNotContain(problems, p => p.Path == StatisticPath("binh-chuong-2026", "dossiers_early"));
        Assert.DoesNotContain(problems, p => !p.IsWarning);
    }

    private static IReadOnlyList<PlanProblem> CheckWithEarlyRate(decimal stated)
    {
        var plan = SeedPlan("binh-chuong-2026");
        var statistics = plan.Statistics.Select(s => s.Code == "dossiers_early" ? s with { StatedPercent = stated } : s).ToList();
        return PlanValidator.Check("binh-chuong-2026.json", plan with { Statistics = statistics });
    }

    private static string StatisticPath(string id, string code)
    {
        var statistics = SeedPlan(id).Statistics;
        var index = statistics.ToList().FindIndex(s => s.Code == code);
        Assert.True(index >= 0, $"{id} has no statistic {code}");
        return $"$.statistics[{index}].statedPercent";
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}
