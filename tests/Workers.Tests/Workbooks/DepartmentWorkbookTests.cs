using System.Globalization;
using System.Text.Json.Nodes;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Workbooks;
using ChuyenDoiSo.Workers.Tests.Cli;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;

namespace ChuyenDoiSo.Workers.Tests.Workbooks;

/// <summary>Issue 12's workbook: template, fill by header name, ingest, compile; broken workbooks name their cells.</summary>
public sealed class DepartmentWorkbookTests : CliTest
{
    private static readonly PlanCatalog Seeds = PlanCatalog.LoadFolder(TestPaths.Seeds);

    private static string Q1(Plan plan) => $"{plan.Year}-Q1";

    private string Template(Plan plan, string department, string? period = null)
    {
        var path = Folder.Combine($"{plan.Id}-{department}.xlsx");
        using var file = File.Create(path);
        DepartmentWorkbook.Write(plan, department, Seeds.FindPeriod(plan, period ?? Q1(plan))!, null, file);
        return path;
    }

    private static DepartmentWorkbookResult Read(string path)
    {
        using var file = File.OpenRead(path);
        return DepartmentWorkbook.Read(file, Seeds);
    }

    [Theory]
    [MemberData(nameof(TestPaths.SeedPlanIds), MemberType = typeof(TestPaths))]
    public async Task Workbooks_ofEveryDepartment_arriveInTheCompiledReport(string planId)
    {
        var plan = Seeds.Find(planId)!;
        var folder = Folder.Combine("in");
        Directory.CreateDirectory(folder);
        var expectedIndicators = new Dictionary<string, decimal>();
        var expectedTasks = new Dictionary<string, decimal>();
        decimal received = 0;
        for (var d = 0; d < plan.Departments.Count; d++)
        {
            var department = plan.Departments[d].Code;
            var path = Path.Combine(folder, $"{department}.xlsx");
            // The first department's workbook comes from the verb itself, the rest from the same code in-process.
            if (d == 0)
            {
                var run = await Hub("template", "--plan", planId, "--department", department, "--period", Q1(plan), "--out", path);
                Assert.True(run.ExitCode == 0, run.ToString());
            }
            else
            {
                File.Copy(Template(plan, department), path);
            }
            using (var fill = new WorkbookFill(path))
            {
                Assert.Equal(DepartmentWorkbook.IndicatorHeaders, fill.Headers("Chỉ tiêu"));
                Assert.Equal(DepartmentWorkbook.TaskHeaders, fill.Headers("Nhiệm vụ"));
                Assert.Equal(DepartmentWorkbook.StatisticHeaders, fill.Headers("Số liệu"));
                Assert.Equal(DepartmentWorkbook.NarrativeHeaders, fill.Headers("Thuyết minh"));
                var listed = fill.Keys("Chỉ tiêu", "Mã").Select(k => k.Key).ToList();
                Assert.Equal(plan.Indicators.Where(i => i.Lead == department || i.Coordinators.Contains(department)).Select(i => i.Code), listed);
                foreach (var (indicator, i) in plan.Indicators.Select((x, i) => (x, i)).Where(x => x.x.Lead == department))
                {
                    if (indicator.IsPercentage && i % 2 == 0)
                    {
                        fill.Set("Chỉ tiêu", "Mã", indicator.Code, "Tử số", i + 1);
                        fill.Set("Chỉ tiêu", "Mã", indicator.Code, "Mẫu số", i + 4);
                        expectedIndicators[indicator.Code] = (i + 1m) / (i + 4m) * 100m;
                    }
                    else
                    {
                        var value = indicator.IsPercentage ? 40m + i : 3m + i;
                        fill.Set("Chỉ tiêu", "Mã", indicator.Code, "Giá trị", value);
                        expectedIndicators[indicator.Code] = value;
                    }
                }
                foreach (var (task, i) in plan.Tasks.Select((x, i) => (x, i)).Where(x => x.x.Lead == department))
                {
                    fill.Set("Nhiệm vụ", "Mã", task.Code, "Trạng thái", "Đang triển khai");
                    fill.Set("Nhiệm vụ", "Mã", task.Code, "Tiến độ (%)", 10 + i);
                    expectedTasks[task.Code] = 10 + i;
                }
                fill.Set("Số liệu", "Mã", "dossiers_received", "Giá trị", 100 + d);
                received += 100 + d;
                fill.Set("Thuyết minh", 2, "Kết quả", $"Kết quả của {department} trong quý I.");
            }
        }

        var ingest = await Hub("ingest", "--dir", folder, "--received-at", $"{plan.Year}-02-20T09:00:00+07:00");
        Assert.True(ingest.ExitCode == 0, ingest.ToString());
        Assert.Contains($"accepted {plan.Departments.Count}, duplicate 0, rejected 0", ingest.Stdout, StringComparison.Ordinal);

        var compile = await Hub("compile", "--plan", planId, "--period", Q1(plan), "--format", "json");
        Assert.True(compile.ExitCode == 0, compile.ToString());
        var report = JsonNode.Parse(compile.Stdout)!;
        foreach (var (code, value) in expectedIndicators)
        {
            var compiled = report["indicators"]!.AsArray().Single(i => (string)i!["code"]! == code)!;
            Assert.True(Math.Abs((decimal)compiled["value"]! - value) < 0.01m, $"indicator {code}: expected {value}, got {compiled["value"]}");
        }
        foreach (var (code, progress) in expectedTasks)
        {
            var compiled = report["tasks"]!.AsArray().Single(t => (string)t!["code"]! == code)!;
            Assert.Equal(("in_progress", progress), ((string)compiled["status"]!, (decimal)compiled["progress"]!));
        }
        Assert.Equal(received, (decimal)report["statistics"]!.AsArray().Single(s => (string)s!["code"]! == "dossiers_received")!["value"]!);
        foreach (var department in plan.Departments)
            Assert.Contains($"Kết quả của {department.Code} trong quý I.", compile.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_namesEveryBrokenCell_andGivesNoMessage()
    {
        var plan = Seeds.Find(BinhChuong)!;
        var path = Template(plan, "TTPVHCC");
        var cells = new Dictionary<string, string>();
        using (var fill = new WorkbookFill(path))
        {
            cells["not a number"] = fill.Set("Chỉ tiêu", "Mã", "1", "Giá trị", "tám mươi");
            cells["percentage"] = fill.Set("Chỉ tiêu", "Mã", "2", "Giá trị", 150);
            cells["numerator alone"] = fill.Set("Chỉ tiêu", "Mã", "3", "Tử số", 5);
            cells["zero denominator"] = fill.Set("Chỉ tiêu", "Mã", "4", "Mẫu số", 0);
            fill.Set("Chỉ tiêu", "Mã", "4", "Tử số", 0);
            var row = (uint)fill.Keys("Chỉ tiêu", "Mã").Max(k => k.Row) + 1;
            fill.Set("Chỉ tiêu", row, "Mã", "99");
            fill.Set("Chỉ tiêu", row, "Giá trị", 5);
            cells["unknown code"] = $"Chỉ tiêu!A{row}";
            cells["not responsible"] = $"Chỉ tiêu!A{row + 1}";
            fill.Set("Chỉ tiêu", row + 1, "Mã", "8");
            fill.Set("Chỉ tiêu", row + 1, "Giá trị", 5);
            var task = fill.Keys("Nhiệm vụ", "Mã")[0].Key;
            cells["status"] = fill.Set("Nhiệm vụ", "Mã", task, "Trạng thái", "Xong rồi");
            cells["progress"] = fill.Set("Nhiệm vụ", "Mã", task, "Tiến độ (%)", 120);
            cells["statistic"] = fill.Set("Số liệu", "Mã", "dossiers_received", "Giá trị", -4);
        }

        var result = Read(path);

        Assert.Null(result.Message);
        var text = result.Problems.Select(p => p.ToString()).ToList();
        void Has(string cell, string words) =>
            Assert.True(text.Any(t => t.StartsWith(cell + ": ", StringComparison.Ordinal) && t.Contains(words, StringComparison.Ordinal)), $"{cell} ({words}) not in:\n{string.Join("\n", text)}");
        Has(cells["not a number"], "expected a number, got \"tám mươi\"");
        Has(cells["percentage"], "expected 0–100");
        Has(cells["numerator alone"].Replace("!F", "!G", StringComparison.Ordinal), "expected a denominator beside the numerator");
        Has(cells["zero denominator"], "denominator is 0");
        Has(cells["unknown code"], "unknown indicator \"99\"");
        Has(cells["not responsible"], "neither leads nor coordinates indicator 8");
        Has(cells["status"], "\"Xong rồi\" is not a known status; expected Chưa triển khai, Đang triển khai, Hoàn thành");
        Has(cells["progress"], "expected a percentage 0–100");
        Has(cells["statistic"], "expected a count of 0 or more");
        Assert.Equal((BinhChuong, "TTPVHCC", "2026-Q1"), (result.PlanId, result.Department, result.Period));
    }

    [Fact]
    public void Read_namesTheSheet_whenAHeaderIsRenamed()
    {
        var path = Template(Seeds.Find(BinhChuong)!, "VP");
        using (var fill = new WorkbookFill(path)) fill.Set("Chỉ tiêu", 1, "Giá trị", "Value");

        var result = Read(path);

        Assert.Contains(result.Problems, p => p.Where == "Chỉ tiêu!1:1" && p.Message.Contains("\"Giá trị\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Write_prefillsThisPeriodsStoredValues_andReadGivesThemBack()
    {
        var plan = Seeds.Find(BinhChuong)!;
        var last = new Contracts.DepartmentReportSubmitted
        {
            MessageId = Guid.NewGuid(), PlanId = plan.Id, Department = "TTPVHCC", Period = "2026-Q1",
            Indicators = [new Contracts.IndicatorValue { Code = "1", Value = 81.5m }, new Contracts.IndicatorValue { Code = "7", Numerator = 3, Denominator = 10 }],
            Tasks = [new Contracts.TaskProgress { Code = plan.Tasks.First(t => t.IsReportableBy("TTPVHCC")).Code, Status = "done", Progress = 100, Note = "Xong" }],
            Statistics = [new Contracts.StatisticValue { Code = "dossiers_received", Value = 120 }],
            Narrative = new Contracts.Narrative { Results = "Tốt", Difficulties = "Mạng", Proposals = "Kinh phí" },
        };
        using var buffer = new MemoryStream();
        DepartmentWorkbook.Write(plan, "TTPVHCC", Seeds.FindPeriod(plan, "2026-Q1")!, last, buffer);
        buffer.Position = 0;

        var result = DepartmentWorkbook.Read(buffer, Seeds);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        var message = result.Message!;
        Assert.NotEqual(last.MessageId, message.MessageId);
        Assert.Equal(81.5m, message.Indicators.Single(i => i.Code == "1").Value);
        Assert.Equal((3m, 10m), (message.Indicators.Single(i => i.Code == "7").Numerator!.Value, message.Indicators.Single(i => i.Code == "7").Denominator!.Value));
        Assert.Equal(last.Tasks, message.Tasks);
        Assert.Equal(last.Statistics, message.Statistics);
        Assert.Equal(last.Narrative, message.Narrative);
    }

    [Fact]
    public async Task Ingest_refusesWithOneLine_notAWorkbookMacroEncryptedOrOversize()
    {
        var text = Folder.Combine("report.xlsx");
        await File.WriteAllTextAsync(text, "Mã,Giá trị\n1,80\n");
        var encrypted = Folder.Combine("secret.xlsx");
        await File.WriteAllBytesAsync(encrypted, [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0]);
        var big = Folder.Combine("big.xlsx");
        await File.WriteAllBytesAsync(big, [0x50, 0x4B, 0x03, 0x04, .. new byte[6 * 1024 * 1024]]);
        var macro = Folder.Combine("macro.xlsm");
        File.Copy(Template(Seeds.Find(BinhChuong)!, "VP"), macro);
        using (var document = SpreadsheetDocument.Open(macro, true)) document.ChangeDocumentType(SpreadsheetDocumentType.MacroEnabledWorkbook);

        foreach (var (file, words) in new[] { (text, "not an Excel workbook"), (encrypted, "encrypted"), (big, "larger than the limit"), (macro, "macro-enabled") })
        {
            var run = await Hub("ingest", "--file", file);
            Assert.True(run.ExitCode == 2, run.ToString());
            var line = Assert.Single(run.StderrLines);
            Assert.Contains(words, line, StringComparison.Ordinal);
            Assert.Contains(Path.GetFileName(file), line, StringComparison.Ordinal);
        }
        Assert.False(File.Exists(Path.Combine(Data, "hub.db")) && (int)(await StatusAsync())["updates"]!["stored"]! > 0);
    }

    [Fact]
    public async Task Ingest_printsEveryProblemWithItsCell_andStoresNothing()
    {
        var path = Template(Seeds.Find(BinhChuong)!, "TTPVHCC");
        using (var fill = new WorkbookFill(path))
        {
            fill.Set("Chỉ tiêu", "Mã", "1", "Giá trị", "n/a");
            fill.Set("Chỉ tiêu", "Mã", "2", "Giá trị", 90);
        }

        var run = await Hub("ingest", "--file", path);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(run.StdoutLines, l => l.StartsWith("Chỉ tiêu!E2: expected a number", StringComparison.Ordinal));
        Assert.Contains("rejected 1", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_refusesAnotherDepartmentsWorkbook_asImpersonation_beforeConnecting()
    {
        var path = Template(Seeds.Find(BinhChuong)!, "TTPVHCC");
        using (var fill = new WorkbookFill(path)) fill.Set("Chỉ tiêu", "Mã", "1", "Giá trị", 85);

        var run = await HubProgram.RunAsync(Folder.Path, new Dictionary<string, string> { ["Hub__RabbitMq__Uri"] = "amqp://127.0.0.1:1/chuyendoiso" }, TimeSpan.FromMinutes(2),
            "publish", "--file", path, "--user", "binh-chuong-2026.VP", "--password", "x", "--data", Data);

        Assert.True(run.ExitCode == 2, run.ToString());
        var line = Assert.Single(run.StderrLines);
        Assert.Contains("impersonation", line, StringComparison.Ordinal);
        Assert.Contains("TTPVHCC", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Template_protectsTheSheets_andKeepsItsMetaOnAVeryHiddenSheet()
    {
        var path = Template(Seeds.Find(BinhChuong)!, "VP");
        using var document = SpreadsheetDocument.Open(path, false);
        var sheets = document.WorkbookPart!.Workbook.Sheets!.Elements<DocumentFormat.OpenXml.Spreadsheet.Sheet>().ToList();
        Assert.Equal(["Chỉ tiêu", "Nhiệm vụ", "Số liệu", "Thuyết minh", "Hướng dẫn", "_hub"], sheets.Select(s => s.Name!.Value));
        Assert.Equal(DocumentFormat.OpenXml.Spreadsheet.SheetStateValues.VeryHidden, sheets[^1].State!.Value);
        foreach (var sheet in sheets)
        {
            var part = (WorksheetPart)document.WorkbookPart.GetPartById(sheet.Id!);
            Assert.NotNull(part.Worksheet.GetFirstChild<DocumentFormat.OpenXml.Spreadsheet.SheetProtection>());
        }
        var tasks = (WorksheetPart)document.WorkbookPart.GetPartById(sheets[1].Id!);
        var validations = tasks.Worksheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.DataValidation>().ToList();
        Assert.Contains(validations, v => v.Type!.Value == DocumentFormat.OpenXml.Spreadsheet.DataValidationValues.List && v.Formula1!.Text.Contains("Hoàn thành", StringComparison.Ordinal));
    }
}
