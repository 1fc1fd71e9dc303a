using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace ChuyenDoiSo.Workers.Tests.Cli;

/// <summary>
/// The command-line contract of issues 3 and 4, checked against the real program run as a process. Every run
/// gets `--data` in a temp folder of its own and that folder as working directory, so nothing lands in the repo.
/// Three classes so that xunit runs them side by side; each test still has its own folder.
/// </summary>
public abstract partial class CliTest : IDisposable
{
    protected const string BinhChuong = "binh-chuong-2026";
    protected const string ValidId = "3f2c6f0e-7a51-4a55-9a8e-2b6f1d0c4e11";
    protected const string InvalidId = "9b1e4d2a-0c3f-4e7b-8a6d-5f2e1c9b7a30";

    protected static readonly string[] SeedPlanIds = [BinhChuong, "chanh-lo-2023", "linh-toai-2023", "tam-phuoc-2023", "tinh-thien-2025"];

    protected TempDataFolder Folder { get; } = new();

    public void Dispose()
    {
        Folder.Dispose();
        GC.SuppressFinalize(this);
    }

    protected string Data => Folder.Combine("data");

    /// <summary>Runs a verb with this test's --data.</summary>
    protected Task<HubRun> Hub(params string[] args) => HubProgram.RunAsync(Folder.Path, [.. args, "--data", Data]);

    protected async Task<JsonNode> StatusAsync()
    {
        var run = await Hub("status", "--format", "json");
        Assert.True(run.ExitCode == 0, run.ToString());
        return JsonNode.Parse(run.Stdout)!;
    }

    protected static (int Accepted, int Duplicate, int Rejected, int Conflict, int Stored) Counts(JsonNode updates) =>
        ((int)updates["accepted"]!, (int)updates["duplicate"]!, (int)updates["rejected"]!, (int)updates["conflict"]!, (int)updates["stored"]!);

    /// <summary>A DepartmentReportSubmitted as a department sends it (the wire example of issue 4).</summary>
    protected static string Update(string messageId, string department = "TTPVHCC", string indicator = "1", string value = "85.0", string submittedAt = "2026-03-02T09:00:00+07:00")
    {
        var counted = department == "TTPVHCC" ? """, {"code": "7", "numerator": 3, "denominator": 10}""" : "";
        var tasks = department == "TTPVHCC" ? """{"code": "III.5.b", "status": "in_progress", "progress": 50, "note": "Đang triển khai"}""" : "";
        var statistics = department == "TTPVHCC" ? """{"code": "dossiers_received", "value": 120}""" : "";
        return $$"""
            {
              "messageId": "{{messageId}}", "planId": "binh-chuong-2026", "department": "{{department}}",
              "period": "2026-Q1", "submittedAt": "{{submittedAt}}", "submittedBy": "Nguyễn Văn A",
              "indicators": [ {"code": "{{indicator}}", "value": {{value}}}{{counted}} ],
              "tasks": [ {{tasks}} ],
              "statistics": [ {{statistics}} ],
              "narrative": {"results": "Triển khai đúng kế hoạch.", "difficulties": "Hạ tầng mạng còn chập chờn.", "proposals": "Hỗ trợ kinh phí tập huấn."}
            }
            """;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$")]
    protected static partial Regex IsoDate();
}

/// <summary>plans, calendar, validate; mistakes and --help.</summary>
public sealed class CliTests : CliTest
{
    [Fact]
    public async Task Plans_printsFivePlansWithContractFields_asJson()
    {
        var run = await Hub("plans", "--format", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var plans = JsonNode.Parse(run.Stdout)!.AsArray();
        Assert.Equal(SeedPlanIds, plans.Select(p => (string)p!["id"]!).Order(StringComparer.Ordinal));
        foreach (var plan in plans.Select(p => p!.AsObject()))
        {
            var id = (string)plan["id"]!;
            var departments = plan["departments"]!.AsArray();
            Assert.NotEmpty(departments);
            Assert.All(departments, d => Assert.All(new[] { "code", "name" }, f => Assert.False(string.IsNullOrWhiteSpace((string?)d![f]), $"{id}: department.{f}")));
            var codes = departments.Select(d => (string)d!["code"]!).ToHashSet();

            var indicators = plan["indicators"]!.AsArray();
            Assert.NotEmpty(indicators);
            foreach (var indicator in indicators.Select(i => i!.AsObject()))
            {
                var where = $"{id} indicator {indicator["code"]}";
                Assert.All(new[] { "code", "group", "name", "unit", "lead" }, f => Assert.True(indicator[f] is JsonValue v && v.GetValueKind() == JsonValueKind.String, $"{where}: {f}"));
                var target = indicator["target"]!.AsObject();
                Assert.Contains((string)target["op"]!, new[] { ">=", ">", "<=", "<", "=", "done" });
                Assert.True(target.ContainsKey("value"), $"{where}: target.value");
                if ((string)target["op"]! != "done") Assert.Equal(JsonValueKind.Number, target["value"]!.GetValueKind());
                Assert.Contains((string)indicator["lead"]!, codes);
                Assert.All(indicator["coordinators"]!.AsArray(), c => Assert.Contains((string)c!, codes));
            }

            foreach (var task in plan["tasks"]!.AsArray().Select(t => t!.AsObject()))
                Assert.All(new[] { "code", "name", "lead", "timeframe" }, f => Assert.False(string.IsNullOrWhiteSpace((string?)task[f]), $"{id} task {task["code"]}: {f}"));

            foreach (var line in plan["budget"]!.AsArray().Select(b => b!.AsObject()))
            {
                Assert.False(string.IsNullOrWhiteSpace((string?)line["item"]));
                Assert.False(string.IsNullOrWhiteSpace((string?)line["source"]));
                Assert.Equal(JsonValueKind.Number, line["amountMillionVnd"]!.GetValueKind());
            }
        }

        var binhChuong = plans.Single(p => (string)p!["id"]! == BinhChuong)!;
        Assert.Equal(28, binhChuong["indicators"]!.AsArray().Count);
        var tinhThienBudget = plans.Single(p => (string)p!["id"]! == "tinh-thien-2025")!["budget"]!.AsArray();
        Assert.Equal(5, tinhThienBudget.Count);
        Assert.Equal(40m, tinhThienBudget.Sum(b => (decimal)b!["amountMillionVnd"]!));
    }

    [Fact]
    public async Task Plans_table_countsAssumedValues_andMarksThem_forOnePlan()
    {
        var all = await Hub("plans", "--format", "table");
        Assert.True(all.ExitCode == 0, all.ToString());
        Assert.Contains("assumed", all.Stdout.Split('\n')[0], StringComparison.Ordinal);
        Assert.Matches(@"tam-phuoc-2023 .*\b127\s*$", all.Stdout.Split('\n').Single(l => l.StartsWith("tam-phuoc-2023", StringComparison.Ordinal)).TrimEnd());

        var one = await Hub("plans", "--plan", "tam-phuoc-2023", "--format", "table");
        Assert.True(one.ExitCode == 0, one.ToString());
        var lead = one.Stdout.Split('\n').Single(l => l.StartsWith("nhiệm vụ 2.1.b.1 ", StringComparison.Ordinal) && Field(l) == "lead");
        Assert.Contains("GIẢ ĐỊNH: the plan names no lead", lead, StringComparison.Ordinal);
        var target = one.Stdout.Split('\n').First(l => l.StartsWith("chỉ tiêu 2.1.a.1 ", StringComparison.Ordinal) && Field(l) == "target");
        Assert.Contains("theo kế hoạch: \"100%\"", target, StringComparison.Ordinal);
    }

    // The table's columns are separated by two or more spaces: item, field, value, source.
    private static string Field(string line) => line.Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[1];

    [Fact]
    public async Task Calendar_printsTwelveReportsWithIsoDates_forBinhChuong2026()
    {
        var run = await Hub("calendar", "--plan", BinhChuong, "--format", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var rows = JsonNode.Parse(run.Stdout)!.AsArray().Select(r => r!.AsObject()).ToList();
        Assert.Equal(
            ["2026-01", "2026-02", "2026-Q1", "2026-04", "2026-05", "2026-H1", "2026-07", "2026-08", "2026-9M", "2026-10", "2026-11", "2026-FY"],
            rows.Select(r => (string)r["period"]!));
        Assert.Equal(
            ["monthly", "monthly", "quarterly", "monthly", "monthly", "half-year", "monthly", "monthly", "nine-month", "monthly", "monthly", "annual"],
            rows.Select(r => (string)r["kind"]!));
        foreach (var row in rows)
            foreach (var field in new[] { "windowStart", "cutOff", "dueDate", "adjustedDueDate" })
                Assert.Matches(IsoDate(), (string?)row[field] ?? $"{row["period"]}: {field} missing");

        var nineMonth = rows.Single(r => (string)r["period"]! == "2026-9M");
        Assert.Equal(("2026-09-05", "2026-09-07"), ((string)nineMonth["dueDate"]!, (string)nineMonth["adjustedDueDate"]!));
        var q1 = rows.Single(r => (string)r["period"]! == "2026-Q1");
        Assert.Equal(("2026-03-05", "2026-03-05"), ((string)q1["dueDate"]!, (string)q1["adjustedDueDate"]!));
        Assert.All(rows, r => Assert.True(string.CompareOrdinal((string)r["cutOff"]!, (string)r["dueDate"]!) < 0, $"{r["period"]}: cut-off before the due date"));
    }

    [Theory]
    [MemberData(nameof(TestPaths.SeedPlanIds), MemberType = typeof(TestPaths))]
    public async Task Validate_exitsZero_forSeedPlan(string id)
    {
        var run = await Hub("validate", Path.Combine(TestPaths.Seeds, id + ".json"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"valid plan {id}", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_exitsTwoAndListsEveryProblem_forBrokenFile()
    {
        var plan = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(TestPaths.Seeds, BinhChuong + ".json")))!;
        plan["indicators"]![0]!["lead"] = "NOPE";
        plan["indicators"]![1]!["code"] = (string)plan["indicators"]![2]!["code"]!;
        plan["indicators"]![3]!["target"]!["op"] = "about";
        plan["tasks"]![0]!["timeframe"] = "Quý I năm 2030";
        var path = Folder.Combine("broken.json");
        await File.WriteAllTextAsync(path, plan.ToJsonString());

        var run = await Hub("validate", path);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
        var errors = run.StderrLines.Where(l => l.StartsWith("error", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, errors.Count);
        Assert.All(errors, e => Assert.Contains("broken.json", e, StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("$.indicators[0].lead", StringComparison.Ordinal) && e.Contains("NOPE", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("$.indicators[2].code", StringComparison.Ordinal) && e.Contains("duplicate", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("$.indicators[3].target.op", StringComparison.Ordinal) && e.Contains("about", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("$.tasks[0].timeframe", StringComparison.Ordinal) && e.Contains("2030", StringComparison.Ordinal));
    }

    // ---- mistakes and help ----

    [Theory]
    [InlineData("plans --plan nope", "nope")]
    [InlineData("calendar --plan nope --format json", "nope")]
    [InlineData("calendar --format json", "--plan")]
    [InlineData("compile --plan binh-chuong-2026 --format json", "--period")]
    [InlineData("compile --plan binh-chuong-2026 --period 2026-Q5 --format json", "2026-Q5")]
    [InlineData("validate", "plan-file")]
    [InlineData("validate {dir}/missing.json", "missing.json")]
    [InlineData("ingest", "--file")]
    [InlineData("ingest --file {dir}/missing.json", "missing.json")]
    [InlineData("ingest --file {dir}/update.json --received-at yesterday", "--received-at")]
    [InlineData("frobnicate", "frobnicate")]
    [InlineData("plans --format xml", "xml")]
    public async Task Program_exitsTwoWithOneLineNamingTheMistake_whenUserGetsItWrong(string command, string named)
    {
        await File.WriteAllTextAsync(Folder.Combine("update.json"), Update(ValidId));
        var args = command.Replace("{dir}", Folder.Path, StringComparison.Ordinal).Split(' ');

        var run = await Hub(args);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", run.Stderr, StringComparison.Ordinal);
        var line = Assert.Single(run.StderrLines);
        Assert.Contains(named, line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("plans")]
    [InlineData("calendar")]
    [InlineData("validate")]
    [InlineData("ingest")]
    [InlineData("status")]
    [InlineData("compile")]
    [InlineData("demo")]
    [InlineData("run")]
    [InlineData("bench")]
    public async Task Verb_printsUsageAndExitsZero_whenAskedForHelp(string verb)
    {
        var run = await Hub(verb.Length == 0 ? ["--help"] : [verb, "--help"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Usage:", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("--data", run.Stdout, StringComparison.Ordinal);
        Assert.Equal("", run.Stderr.Trim());
        // Help must not start the verb's work.
        Assert.False(Directory.Exists(Data), $"{verb} --help created the data folder");
    }
}

/// <summary>ingest, status and compile.</summary>
public sealed class CliIngestTests : CliTest
{
    [Fact]
    public async Task Ingest_printsAcceptedDuplicateRejectedAndExitsTwo_whenFileHoldsValidRepeatAndInvalid()
    {
        var file = Folder.Combine("three.json");
        await File.WriteAllTextAsync(file, $"[{Update(ValidId)}, {Update(ValidId)}, {Update(InvalidId, department: "NOPE", value: "150")}]");

        var run = await Hub("ingest", "--file", file, "--received-at", "2026-03-02T09:00:00+07:00");

        Assert.True(run.ExitCode == 2, run.ToString());
        var outcomes = run.StdoutLines.Where(l => l.Contains("three.json", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, outcomes.Count);
        Assert.Matches($"^accepted +{ValidId} .*three\\.json\\[0\\]$", outcomes[0]);
        Assert.Matches($"^duplicate +{ValidId} .*three\\.json\\[1\\]$", outcomes[1]);
        Assert.Matches($"^rejected +{InvalidId} .*three\\.json\\[2\\]$", outcomes[2]);
        Assert.Contains(run.StdoutLines, l => l.StartsWith("$.department:", StringComparison.Ordinal) && l.Contains("\"NOPE\"", StringComparison.Ordinal) && l.EndsWith("[unknown_department]", StringComparison.Ordinal));
        Assert.Contains(run.StdoutLines, l => l.StartsWith("$.indicators[0].value:", StringComparison.Ordinal) && l.EndsWith("[out_of_range]", StringComparison.Ordinal));
        Assert.Contains("accepted 1, duplicate 1, rejected 1", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stdout + run.Stderr, StringComparison.Ordinal);

        var updates = (await StatusAsync())["updates"]!;
        Assert.Equal((1, 1, 1, 1), ((int)updates["accepted"]!, (int)updates["duplicate"]!, (int)updates["rejected"]!, (int)updates["stored"]!));
    }

    [Fact]
    public async Task IngestDir_storesEveryGoodUpdate_andReportsEveryBadOneWithFileAndIndex_inAMixedFolder()
    {
        var dir = Folder.Combine("mixed");
        Directory.CreateDirectory(dir);
        string[] good = ["5d0c1e2f-3a4b-4c5d-8e6f-000000000001", "5d0c1e2f-3a4b-4c5d-8e6f-000000000002", "5d0c1e2f-3a4b-4c5d-8e6f-000000000003"];
        await File.WriteAllTextAsync(Path.Combine(dir, "a-good.json"), Update(good[0]));
        await File.WriteAllTextAsync(Path.Combine(dir, "b-duplicate-keys.json"), """{ "planId": "a-2026", "planId": "b-2026" }""");
        await File.WriteAllBytesAsync(Path.Combine(dir, "c-not-utf8.json"), [(byte)'{', 0xFF, 0xFE, (byte)'}']);
        await File.WriteAllTextAsync(Path.Combine(dir, "d-array.json"),
            $"[{Update(good[1], department: "VP", indicator: "8")}, {Update("00000000-0000-0000-0000-000000000000")}, {Update(good[2]).Replace("2026-Q1", "0000-01", StringComparison.Ordinal)}, {{ \"a\": 1, \"a\": 2 }}]");
        await File.WriteAllTextAsync(Path.Combine(dir, "e-huge-number.json"), Update("5d0c1e2f-3a4b-4c5d-8e6f-000000000009", value: "79228162514264337593543950335"));
        await File.WriteAllTextAsync(Path.Combine(dir, "f-surrogate.json"), Update("5d0c1e2f-3a4b-4c5d-8e6f-00000000000a").Replace("\"TTPVHCC\"", "\"\\ud800\"", StringComparison.Ordinal));
        // A FIFO named like an update: opening it would wait for a writer forever.
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", Path.Combine(dir, "g-fifo.json"))) await mkfifo.WaitForExitAsync();

        var run = await Hub("ingest", "--dir", dir);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.DoesNotContain("   at ", run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.Matches($"^accepted +{good[0]} .*a-good\\.json$", run.StdoutLines.Single(l => l.EndsWith("a-good.json", StringComparison.Ordinal)));
        Assert.Matches($"^accepted +{good[1]} .*d-array\\.json\\[0\\]$", run.StdoutLines.Single(l => l.EndsWith("d-array.json[0]", StringComparison.Ordinal)));
        foreach (var bad in new[] { "b-duplicate-keys.json", "c-not-utf8.json", "d-array.json[1]", "d-array.json[2]", "d-array.json[3]", "e-huge-number.json", "f-surrogate.json", "g-fifo.json" })
            Assert.StartsWith("rejected", run.StdoutLines.Single(l => l.EndsWith(bad, StringComparison.Ordinal)), StringComparison.Ordinal);

        var updates = (await StatusAsync())["updates"]!;
        Assert.Equal(2, (int)updates["stored"]!);
    }

    [Fact]
    public async Task Ingest_exitsZero_whenEveryMessageIsValid()
    {
        var file = Folder.Combine("valid.json");
        await File.WriteAllTextAsync(file, $"[{Update(ValidId)}, {Update("5d0c1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f", department: "VP", indicator: "8")}]");

        var run = await Hub("ingest", "--file", file);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(2, run.StdoutLines.Count(l => l.StartsWith("accepted ", StringComparison.Ordinal) && l.Contains("valid.json", StringComparison.Ordinal)));
        Assert.Contains("accepted 2, duplicate 0, rejected 0", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_rejectsWithFieldPath_whenValueIsNotANumber()
    {
        var file = Folder.Combine("text.json");
        await File.WriteAllTextAsync(file, Update(InvalidId, value: "\"85%\""));

        var run = await Hub("ingest", "--file", file);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(run.StdoutLines, l => l.StartsWith("rejected", StringComparison.Ordinal) && l.Contains(InvalidId, StringComparison.Ordinal));
        Assert.Contains(run.StdoutLines, l => l.StartsWith("$.indicators[0].value:", StringComparison.Ordinal) && l.EndsWith("[not_a_number]", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("2026-03-10T09:00:00+07:00", "late")]
    [InlineData("2026-03-02T09:00:00+07:00", "on_time")]
    public async Task Ingest_judgesTimelinessByReceivedAt_notBySubmittedAt(string receivedAt, string expected)
    {
        var file = Folder.Combine("q1.json");
        // The sender claims it sent the update in February either way.
        await File.WriteAllTextAsync(file, Update(ValidId, submittedAt: "2026-02-20T09:00:00+07:00"));

        var run = await Hub("ingest", "--file", file, "--received-at", receivedAt);
        Assert.True(run.ExitCode == 0, run.ToString());
        var status = await StatusAsync();

        var ttpvhcc = status["submissions"]!.AsArray().Single(p => (string)p!["plan"]! == BinhChuong)!["periods"]!.AsArray()
            .Single(p => (string)p!["period"]! == "2026-Q1")!["departments"]!.AsArray()
            .Single(d => (string)d!["department"]! == "TTPVHCC")!;
        Assert.Equal(expected, (string)ttpvhcc["status"]!);
        Assert.Equal(DateTimeOffset.Parse(receivedAt, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.Parse((string)ttpvhcc["receivedAt"]!, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Binh Chuong's valid Q1 update, received on time (2 March), for the compile tests.</summary>
    private async Task IngestQ1UpdateAsync()
    {
        var file = Folder.Combine("q1.json");
        await File.WriteAllTextAsync(file, Update(ValidId));
        var run = await Hub("ingest", "--file", file, "--received-at", "2026-03-02T09:00:00+07:00");
        Assert.True(run.ExitCode == 0, run.ToString());
    }

    [Fact]
    public async Task Ingest_recordsAFaultInsideTheConsumer_asTheHubsFault_underTheUpdatesOwnId()
    {
        // A real fault inside the consumer's store step on the in-memory bus: the database refuses this one update's row.
        Assert.Equal(0, (await Hub("status", "--format", "json")).ExitCode);
        using (var connection = new Reporting.Storage.HubDatabase(Path.Combine(Data, "hub.db")).Open())
            Dapper.SqlMapper.Execute(connection, $"CREATE TRIGGER injected_fault BEFORE INSERT ON submissions WHEN NEW.message_id = '{ValidId}' BEGIN SELECT RAISE(ABORT, 'injected fault'); END");
        var file = Folder.Combine("q1.json");
        await File.WriteAllTextAsync(file, Update(ValidId));

        var run = await Hub("ingest", "--file", file, "--received-at", "2026-03-02T09:00:00+07:00");

        // After the retries it is the hub's fault, said so, under the department's own message id: never "missing field"
        // reasons read off the bus's envelope, never under a transport id.
        Assert.True(run.ExitCode == 2, run.ToString());
        using var check = new Reporting.Storage.HubDatabase(Path.Combine(Data, "hub.db")).Open();
        var rows = Dapper.SqlMapper.Query<(string MessageId, string Reasons)>(check, "SELECT message_id, reasons_json FROM rejections").ToList();
        var (messageId, reasons) = Assert.Single(rows);
        Assert.Equal(ValidId, messageId);
        var codes = System.Text.Json.Nodes.JsonNode.Parse(reasons)!.AsArray().Select(r => (string)r!["code"]!).ToList();
        Assert.Equal(["fault"], codes);
        Assert.Contains("injected fault", reasons, StringComparison.Ordinal);
        Assert.Equal(0L, Dapper.SqlMapper.ExecuteScalar<long>(check, "SELECT COUNT(*) FROM submissions"));
    }

    [Fact]
    public async Task Ingest_rejectsAPaperReport_submittedAfterItWasReceived()
    {
        var file = Folder.Combine("q1.json");
        await File.WriteAllTextAsync(file, Update(ValidId, submittedAt: "2026-03-02T12:00:00+07:00"));

        var run = await Hub("ingest", "--file", file, "--received-at", "2026-03-02T09:00:00+07:00");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("in_future", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("after the update was received", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compile_showsIngestedValues_asJson()
    {
        await IngestQ1UpdateAsync();

        var run = await Hub("compile", "--plan", BinhChuong, "--period", "2026-Q1", "--format", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var report = JsonNode.Parse(run.Stdout)!;
        Assert.Equal((BinhChuong, "2026-Q1", "quarterly", "2026-03-05", "2026-03-05"),
            ((string)report["planId"]!, (string)report["period"]!, (string)report["kind"]!, (string)report["dueDate"]!, (string)report["adjustedDueDate"]!));
        var indicators = report["indicators"]!.AsArray();
        Assert.Equal(28, indicators.Count);
        Assert.All(indicators, i => Assert.All(new[] { "code", "name", "unit", "target", "value", "previousValue", "achieved", "lead" }, f => Assert.True(i!.AsObject().ContainsKey(f), $"indicators[].{f}")));
        var first = indicators.Single(i => (string)i!["code"]! == "1")!;
        Assert.Equal((85m, "yes", ">=", 80m), ((decimal)first["value"]!, (string)first["achieved"]!, (string)first["target"]!["op"]!, (decimal)first["target"]!["value"]!));
        // A rate sent as counts is computed from them: 3 of 10 is 30%.
        var seventh = indicators.Single(i => (string)i!["code"]! == "7")!;
        Assert.Equal((30m, "yes"), ((decimal)seventh["value"]!, (string)seventh["achieved"]!));
        Assert.Equal("not_reported", (string)indicators.Single(i => (string)i!["code"]! == "2")!["achieved"]!);
        var task = report["tasks"]!.AsArray().Single(t => (string)t!["code"]! == "III.5.b")!;
        Assert.Equal(("in_progress", 50m), ((string)task["status"]!, (decimal)task["progress"]!));
        var submission = report["submissions"]!.AsArray().Single(s => (string)s!["department"]! == "TTPVHCC")!;
        Assert.Equal("on_time", (string)submission["status"]!);
        Assert.Contains(report["submissions"]!.AsArray(), s => (string)s!["status"]! == "missing");
        var statistic = report["statistics"]!.AsArray().Single(s => (string)s!["code"]! == "dossiers_received")!;
        Assert.Equal(120m, (decimal)statistic["value"]!);
        Assert.All(report["warnings"]!.AsArray(), w => Assert.False(string.IsNullOrWhiteSpace((string?)w!["code"]) || string.IsNullOrWhiteSpace((string?)w["message"])));
    }

    [Fact]
    public async Task Compile_writesDocxThatOpenXmlOpens_whenFormatIsDocx()
    {
        await IngestQ1UpdateAsync();
        var output = Folder.Combine("x.docx");

        var run = await Hub("compile", "--plan", BinhChuong, "--period", "2026-Q1", "--format", "docx", "--out", output, "--date", "2026-03-05");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var docx = WordprocessingDocument.Open(output, isEditable: false);
        var body = docx.MainDocumentPart!.Document!.Body!;
        var paragraphs = body.Descendants<Paragraph>().Select(p => p.InnerText).ToList();
        Assert.Contains("ỦY BAN NHÂN DÂN", paragraphs);
        Assert.Contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", paragraphs);
        Assert.Contains("BÁO CÁO", paragraphs);
        Assert.Contains(paragraphs, p => p.Contains("ngày 05 tháng 3 năm 2026", StringComparison.Ordinal));
        Assert.True(body.Descendants<Table>().Count() >= 3, "header, indicator and task tables");
        var row = body.Descendants<TableRow>().Single(r => r.Elements<TableCell>().Any(c => c.InnerText.StartsWith("Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến toàn trình", StringComparison.Ordinal)));
        var cells = row.Elements<TableCell>().Select(c => c.InnerText.Trim()).ToList();
        Assert.Contains("85", cells);
        Assert.Contains("Đạt", cells);
    }

    [Fact]
    public async Task Compile_writesAPdfWhosTextReadsBack_whenFormatIsPdf()
    {
        await IngestQ1UpdateAsync();
        var output = Folder.Combine("x.pdf");

        var run = await Hub("compile", "--plan", BinhChuong, "--period", "2026-Q1", "--format", "pdf", "--out", output, "--date", "2026-03-05");

        Assert.True(run.ExitCode == 0, run.ToString());
        var start = new System.Diagnostics.ProcessStartInfo("pdftotext") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-raw", output, "-" }) start.ArgumentList.Add(argument);
        System.Diagnostics.Process? process = null;
        try { process = System.Diagnostics.Process.Start(start); }
        catch (System.ComponentModel.Win32Exception e) { Assert.Fail($"pdftotext is not installed ({e.Message}): install Debian's poppler-utils (scripts/test.sh does)."); }
        using (process)
        {
            var text = await process!.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.Contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", text);
            Assert.Contains("Bình Chương, ngày 05 tháng 3 năm 2026", text);
            Assert.Contains("Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến toàn trình", string.Join(' ', text.Split((char[])['\n', ' '], StringSplitOptions.RemoveEmptyEntries)));
        }
    }
}

/// <summary>demo: the README's first command.</summary>
public sealed class CliDemoTests : CliTest
{
    [Fact]
    public async Task Demo_writesFiveFilesForEachOfSixtyReports()
    {
        var output = Folder.Combine("out");

        var run = await Hub("demo", "--out", output);

        Assert.True(run.ExitCode == 0, run.ToString());
        var files = Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories).ToList();
        var byExtension = files.GroupBy(f => Path.GetExtension(f)).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { [".docx"] = 60, [".eml"] = 60, [".html"] = 60, [".json"] = 60, [".pdf"] = 60 }, byExtension);
        foreach (var id in SeedPlanIds)
            Assert.Equal(60, files.Count(f => Path.GetFileName(Path.GetDirectoryName(f)) == id));
        Assert.Contains("300 files", run.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Data, "hub.db")), "the demo's database is in --data");
        // The generated year is judged against each update's receipt, not the day the demo runs: in 2026 the 2026 plan's
        // autumn updates were refused as "in the future" (9 of them on 2 December).
        using var connection = new Reporting.Storage.HubDatabase(Path.Combine(Data, "hub.db")).Open();
        var codes = Dapper.SqlMapper.Query<string>(connection, "SELECT DISTINCT json_extract(r.value, '$.code') FROM rejections j, json_each(j.reasons_json) r").ToList();
        Assert.NotEmpty(codes);
        Assert.DoesNotContain("in_future", codes);
        // Every report of the replayed year went through the register on its due date: numbered in the order of those dates.
        var (_, january) = await Signing.PdfTools.RunAsync("pdftotext", Path.Combine(output, "binh-chuong-2026", "binh-chuong-2026_2026-01.pdf"), "-");
        var (_, year) = await Signing.PdfTools.RunAsync("pdftotext", Path.Combine(output, "binh-chuong-2026", "binh-chuong-2026_2026-FY.pdf"), "-");
        Assert.Contains("Số: 01/BC-UBND", january, StringComparison.Ordinal);
        Assert.Contains("Số: 12/BC-UBND", year, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_storesNothingTwiceAndCountsDuplicates_whenRunTwiceOverSameData()
    {
        var output = Folder.Combine("out");
        var first = await Hub("demo", "--out", output);
        Assert.True(first.ExitCode == 0, first.ToString());
        var before = (await StatusAsync())["updates"]!;
        var (accepted, duplicate, rejected, conflict, stored) = Counts(before);
        var received = accepted + duplicate + rejected + conflict;

        var second = await Hub("demo", "--out", output);

        Assert.True(second.ExitCode == 0, second.ToString());
        var after = Counts((await StatusAsync())["updates"]!);
        // The same seed gives the same updates, so every one of them comes back as a duplicate of itself.
        Assert.Equal((accepted, duplicate + received, rejected, conflict, stored), after);
    }
}
