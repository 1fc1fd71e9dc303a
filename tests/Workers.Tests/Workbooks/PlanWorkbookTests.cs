using System.Text.Json;
using System.Text.Json.Nodes;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Workbooks;
using ChuyenDoiSo.Workers.Tests.Cli;

namespace ChuyenDoiSo.Workers.Tests.Workbooks;

/// <summary>Issue 15's plan workbook: seeds round-trip; a new commune typed into the template imports and runs; mistakes name their cells.</summary>
public sealed class PlanWorkbookTests : CliTest
{
    private static readonly PlanCatalog Seeds = PlanCatalog.LoadFolder(TestPaths.Seeds);

    private static string Json(Plan plan) => JsonSerializer.Serialize(plan, PlanJson.Indented);

    [Theory]
    [MemberData(nameof(TestPaths.SeedPlanIds), MemberType = typeof(TestPaths))]
    public async Task ExportThenImport_givesTheSamePlan_fieldForField(string planId)
    {
        var xlsx = Folder.Combine($"{planId}.xlsx");
        var json = Folder.Combine($"{planId}.json");

        var export = await Hub("plans", "export", "--plan", planId, "--format", "xlsx", "--out", xlsx);
        Assert.True(export.ExitCode == 0, export.ToString());
        var import = await Hub("plans", "import", xlsx, "--out", json);
        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.Contains($"wrote {json}", import.Stdout, StringComparison.Ordinal);

        var expected = Seeds.Find(planId)!;
        var imported = PlanValidator.Load(json);
        Assert.True(imported.IsValid, string.Join("\n", imported.Problems));
        Assert.Equal(Json(expected), Json(imported.Plan!));
        // And against the seed file itself: the same fields, absent and null counting alike.
        Assert.True(JsonNode.DeepEquals(Normalise(JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(TestPaths.Seeds, $"{planId}.json")))), Normalise(JsonNode.Parse(await File.ReadAllTextAsync(json)))) || expected.Calendar is not null,
            "the imported file differs from the seed beyond null/absent");
        Assert.DoesNotContain("effectiveCalendar", await File.ReadAllTextAsync(json), StringComparison.Ordinal);
    }

    /// <summary>Drops nulls and empty arrays, which the model reads the same as absent.</summary>
    private static JsonNode? Normalise(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                var copy = new JsonObject();
                foreach (var (key, value) in o)
                    if (Normalise(value) is { } v && v is not JsonArray { Count: 0 }) copy[key] = v;
                return copy;
            case JsonArray a:
                return new JsonArray(a.Select(Normalise).ToArray());
            default:
                return node?.DeepClone();
        }
    }

    [Fact]
    public async Task NewCommuneTypedIntoTheTemplate_imports_runsItsCalendar_andCompiles()
    {
        var seeds = Folder.Combine("seeds");
        Directory.CreateDirectory(Path.Combine(seeds, "holidays"));
        foreach (var file in Directory.GetFiles(Path.Combine(TestPaths.Seeds, "holidays"))) File.Copy(file, Path.Combine(seeds, "holidays", Path.GetFileName(file)));
        var xlsx = Folder.Combine("xa-moi.xlsx");
        var template = await Hub("plans", "template", "--out", xlsx);
        Assert.True(template.ExitCode == 0, template.ToString());
        using (var fill = new WorkbookFill(xlsx))
        {
            Assert.Equal(["Mục", "Nội dung"], fill.Headers("Thông tin chung").Take(2));
            void Info(string label, string value) => fill.Set("Thông tin chung", "Mục", label, "Nội dung", value);
            Info("Mã kế hoạch", "an-hoa-2026");
            Info("Năm kế hoạch", "2026");
            Info("Tên xã/phường", "An Hòa");
            Info("Loại đơn vị", "xã");
            Info("Tỉnh", "Quảng Ngãi");
            Info("Cấp trên nhận báo cáo", "Sở Khoa học và Công nghệ tỉnh Quảng Ngãi");
            Info("Email cấp trên", "skhcn@quang-ngai.example");
            Info("Số kế hoạch", "15/KH-UBND");
            Info("Ngày kế hoạch", "20/01/2026");
            Info("Tên kế hoạch", "Kế hoạch Chuyển đổi số xã An Hòa năm 2026");
            Info("Thẩm quyền ký", "KT. CHỦ TỊCH");
            Info("Chức vụ người ký", "PHÓ CHỦ TỊCH");
            Info("Người ký", "Trần Văn B");
            Info("Nơi nhận", "Sở Khoa học và Công nghệ (b/cáo)\nLưu: VT.");
            Assert.Equal(["Mã", "Tên bộ phận", "Email"], fill.Headers("Bộ phận").Take(3));
            fill.Set("Bộ phận", 2, "Mã", "VP");
            fill.Set("Bộ phận", 2, "Tên bộ phận", "Văn phòng HĐND và UBND");
            fill.Set("Bộ phận", 2, "Email", "vp@an-hoa.example");
            fill.Set("Bộ phận", 3, "Mã", "VHXH");
            fill.Set("Bộ phận", 3, "Tên bộ phận", "Phòng Văn hóa - Xã hội");
            fill.Set("Bộ phận", 3, "Email", "vhxh@an-hoa.example");
            Assert.Equal(["Mã", "Nhóm", "Chỉ tiêu", "Đơn vị tính", "So sánh", "Mục tiêu", "Chủ trì", "Phối hợp", "Nguồn", "Ghi chú"], fill.Headers("Chỉ tiêu").Take(10));
            fill.Set("Chỉ tiêu", 2, "Mã", "1");
            fill.Set("Chỉ tiêu", 2, "Nhóm", "Chính quyền số");
            fill.Set("Chỉ tiêu", 2, "Chỉ tiêu", "Tỷ lệ hồ sơ xử lý trực tuyến toàn trình");
            fill.Set("Chỉ tiêu", 2, "Đơn vị tính", "%");
            fill.Set("Chỉ tiêu", 2, "So sánh", ">=");
            fill.Set("Chỉ tiêu", 2, "Mục tiêu", 80);
            fill.Set("Chỉ tiêu", 2, "Chủ trì", "VP");
            fill.Set("Chỉ tiêu", 2, "Phối hợp", "VHXH");
            Assert.Equal(["Mã", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời gian thực hiện", "Nguồn", "Ghi chú"], fill.Headers("Nhiệm vụ").Take(7));
            fill.Set("Nhiệm vụ", 2, "Mã", "1");
            fill.Set("Nhiệm vụ", 2, "Nhiệm vụ", "Tuyên truyền chuyển đổi số");
            fill.Set("Nhiệm vụ", 2, "Chủ trì", "VHXH");
            fill.Set("Nhiệm vụ", 2, "Thời gian thực hiện", "Quý I năm 2026");
            Assert.Equal(["Nội dung", "Số tiền (triệu đồng)", "Nguồn vốn"], fill.Headers("Kinh phí").Take(3));
            fill.Set("Kinh phí", 2, "Nội dung", "Tập huấn");
            fill.Set("Kinh phí", 2, "Số tiền (triệu đồng)", 25.5m);
            fill.Set("Kinh phí", 2, "Nguồn vốn", "Ngân sách xã");
            Assert.Equal(["Mã", "Nội dung", "Giá trị", "Tỷ lệ nêu trong kế hoạch", "Tử số", "Mẫu số"], fill.Headers("Số liệu nền").Take(6));
            fill.Set("Số liệu nền", 2, "Mã", "dossiers_received");
            fill.Set("Số liệu nền", 2, "Nội dung", "Tổng số hồ sơ tiếp nhận");
            fill.Set("Số liệu nền", 2, "Giá trị", 500);
            fill.Set("Số liệu nền", 3, "Mã", "dossiers_online");
            fill.Set("Số liệu nền", 3, "Nội dung", "Hồ sơ trực tuyến");
            fill.Set("Số liệu nền", 3, "Giá trị", 400);
            fill.Set("Số liệu nền", 3, "Tỷ lệ nêu trong kế hoạch", 80);
            fill.Set("Số liệu nền", 3, "Mẫu số", "dossiers_received");
        }

        var validate = await Hub("validate", xlsx);
        Assert.True(validate.ExitCode == 0, validate.ToString());
        var import = await Hub("plans", "import", xlsx, "--seeds", seeds);
        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.Contains(Path.Combine(seeds, "an-hoa-2026.json"), import.Stdout, StringComparison.Ordinal);

        var calendar = await Hub("calendar", "--plan", "an-hoa-2026", "--seeds", seeds, "--format", "json");
        Assert.True(calendar.ExitCode == 0, calendar.ToString());
        Assert.Equal(12, JsonNode.Parse(calendar.Stdout)!.AsArray().Count);
        var compile = await Hub("compile", "--plan", "an-hoa-2026", "--period", "2026-Q1", "--format", "json", "--seeds", seeds);
        Assert.True(compile.ExitCode == 0, compile.ToString());
        var report = JsonNode.Parse(compile.Stdout)!;
        Assert.Equal("an-hoa-2026", (string)report["planId"]!);
        Assert.Equal("1", (string)report["indicators"]![0]!["code"]!);
    }

    [Fact]
    public void Approval_goesThroughTheWorkbookInWords_andAnUnknownWordNamesItsCell()
    {
        var plan = Seeds.Find("tinh-thien-2025")! with { Approval = ApprovalModes.Required };
        using var buffer = new MemoryStream();
        PlanWorkbook.Write(plan, buffer);
        var path = Folder.Combine("approval.xlsx");
        File.WriteAllBytes(path, buffer.ToArray());

        PlanWorkbookResult result;
        using (var fill = new WorkbookFill(path))
            Assert.Equal("bắt buộc", fill.Get("Thông tin chung", "Mục", "Phê duyệt trước khi gửi", "Nội dung"));
        using (var file = File.OpenRead(path)) result = PlanWorkbook.Read(file, path);
        Assert.Equal(ApprovalModes.Required, result.Plan!.Approval);

        string cell;
        using (var fill = new WorkbookFill(path)) cell = fill.Set("Thông tin chung", "Mục", "Phê duyệt trước khi gửi", "Nội dung", "có lẽ");
        using (var file = File.OpenRead(path)) result = PlanWorkbook.Read(file, path);
        Assert.Null(result.Plan);
        Assert.Contains(result.Problems, p => p.ToString().StartsWith(cell + ": ", StringComparison.Ordinal) && p.Message.Contains("got \"có lẽ\"", StringComparison.Ordinal));
    }

    [Fact]
    public void LateNotice_goesThroughTheWorkbook_theHigherLevelInWords_andABadAddressNamesItsCell()
    {
        var seed = Seeds.Find("tinh-thien-2025")!;
        var plan = seed with { Approval = ApprovalModes.Required, Delivery = new DeliverySettings { Channels = seed.Channels, LateNotice = [LateNoticeRecipients.HigherLevel, "vanphong@so-khcn.example"] } };
        using var buffer = new MemoryStream();
        PlanWorkbook.Write(plan, buffer);
        var path = Folder.Combine("late-notice.xlsx");
        File.WriteAllBytes(path, buffer.ToArray());

        PlanWorkbookResult result;
        using (var fill = new WorkbookFill(path))
            Assert.Equal("cấp trên\nvanphong@so-khcn.example", fill.Get("Thông tin chung", "Mục", "Báo chậm gửi báo cáo cho", "Nội dung"));
        using (var file = File.OpenRead(path)) result = PlanWorkbook.Read(file, path);
        Assert.Equal([LateNoticeRecipients.HigherLevel, "vanphong@so-khcn.example"], result.Plan!.Delivery!.LateNotice!);
        Assert.Equal(plan.Channels, result.Plan.Channels);

        string cell;
        using (var fill = new WorkbookFill(path)) cell = fill.Set("Thông tin chung", "Mục", "Báo chậm gửi báo cáo cho", "Nội dung", "cấp trên\nvăn phòng sở");
        using (var file = File.OpenRead(path)) result = PlanWorkbook.Read(file, path);
        Assert.Null(result.Plan);
        Assert.Contains(result.Problems, p => p.ToString().StartsWith(cell + ": ", StringComparison.Ordinal) && p.Message.Contains("got \"văn phòng sở\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_namesEveryMistakesCell_andGivesNoPlan()
    {
        using var buffer = new MemoryStream();
        PlanWorkbook.Write(Seeds.Find("tinh-thien-2025")!, buffer);
        var path = Folder.Combine("broken.xlsx");
        File.WriteAllBytes(path, buffer.ToArray());
        var cells = new Dictionary<string, string>();
        using (var fill = new WorkbookFill(path))
        {
            var first = fill.Keys("Chỉ tiêu", "Mã")[0].Row;
            cells["lead"] = fill.Set("Chỉ tiêu", first, "Chủ trì", "Phòng VH");
            cells["op"] = fill.Set("Chỉ tiêu", first + 1, "So sánh", "about");
            cells["target"] = fill.Set("Chỉ tiêu", first + 2, "Mục tiêu", "nhiều");
            cells["source"] = fill.Set("Chỉ tiêu", first + 3, "Nguồn", "maybe");
            var task = fill.Keys("Nhiệm vụ", "Mã")[0].Row;
            cells["timeframe"] = fill.Set("Nhiệm vụ", task, "Thời gian thực hiện", "sớm nhất có thể");
            cells["coordinator"] = fill.Set("Nhiệm vụ", task + 1, "Phối hợp", "XYZ");
            cells["amount"] = fill.Set("Kinh phí", 2, "Số tiền (triệu đồng)", "năm mươi");
            cells["date"] = fill.Set("Thông tin chung", "Mục", "Ngày kế hoạch", "Nội dung", "hôm qua");
            cells["email"] = fill.Set("Bộ phận", 2, "Email", "không có");
        }

        PlanWorkbookResult result;
        using (var file = File.OpenRead(path)) result = PlanWorkbook.Read(file, path);

        Assert.Null(result.Plan);
        var text = result.Problems.Select(p => p.ToString()).ToList();
        void Has(string cell, string words) =>
            Assert.True(text.Any(t => t.StartsWith(cell + ": ", StringComparison.Ordinal) && t.Contains(words, StringComparison.Ordinal)), $"{cell} ({words}) not in:\n{string.Join("\n", text)}");
        Has(cells["lead"], "\"Phòng VH\" is not a department of this plan (Bộ phận: ");
        Has(cells["op"], "\"about\" is not a comparison");
        Has(cells["target"], "expected a number, got \"nhiều\"");
        Has(cells["source"], "expected stated or assumed");
        Has(cells["coordinator"], "\"XYZ\" is not a department of this plan");
        Has(cells["amount"], "expected a number");
        Has(cells["date"], "expected a date");
        // The second pass (the plan validator) runs only on a workbook without first-pass errors: the timeframe and email are its.
        using (var fill = new WorkbookFill(path))
        {
            var first = fill.Keys("Chỉ tiêu", "Mã")[0].Row;
            fill.Set("Chỉ tiêu", first, "Chủ trì", "VP");
            fill.Set("Chỉ tiêu", first + 1, "So sánh", ">=");
            fill.Set("Chỉ tiêu", first + 2, "Mục tiêu", 50);
            fill.Set("Chỉ tiêu", first + 3, "Nguồn", null);
            var task = fill.Keys("Nhiệm vụ", "Mã")[0].Row;
            fill.Set("Nhiệm vụ", task + 1, "Phối hợp", null);
            fill.Set("Kinh phí", 2, "Số tiền (triệu đồng)", 50);
            fill.Set("Thông tin chung", "Mục", "Ngày kế hoạch", "Nội dung", "2025-01-03");
        }
        using (var file = File.OpenRead(path)) result = PlanWorkbook.Read(file, path);
        Assert.Null(result.Plan);
        text = result.Problems.Select(p => p.ToString()).ToList();
        Has(cells["timeframe"], "sớm nhất có thể");
        Has(cells["email"], "expected an email address");
    }

    [Fact]
    public async Task Import_writesNothing_whenAnyProblemIsAnError()
    {
        var xlsx = Folder.Combine("p.xlsx");
        Assert.Equal(0, (await Hub("plans", "export", "--plan", "chanh-lo-2023", "--out", xlsx)).ExitCode);
        using (var fill = new WorkbookFill(xlsx)) fill.Set("Chỉ tiêu", fill.Keys("Chỉ tiêu", "Mã")[0].Row, "Chủ trì", "NOPE");
        var json = Folder.Combine("p.json");

        var run = await Hub("plans", "import", xlsx, "--out", json);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(run.StderrLines, l => l.Contains("Chỉ tiêu!G2: \"NOPE\" is not a department of this plan", StringComparison.Ordinal));
        Assert.False(File.Exists(json));
        var plans = await Hub("plans", "--format", "json");
        Assert.True(plans.ExitCode == 0, plans.ToString());
    }
}
