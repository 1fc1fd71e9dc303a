using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using ChuyenDoiSo.Workers.Tests.Cli;
using ChuyenDoiSo.Workers.Tests.Faults;
using Microsoft.Data.Sqlite;

namespace ChuyenDoiSo.Workers.Tests.Hardening;

/// <summary>
/// Issue 16, settings, options and files: every value that cannot work is one line on stderr and exit 2 (never a .NET
/// type name, a stack trace or a hang), a damaged or locked hub.db is said in one line and left as it was, and the
/// dashboard and /metrics say what they should from the first start. The real program, as a process.
/// </summary>
public sealed class HardeningTests : IDisposable
{
    private const string Secret = "s3cr3t-Pa55";
    private readonly TempDataFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Data => _folder.Combine("data");

    private Dictionary<string, string> Environment(params (string Key, string Value)[] settings)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["Hub__Data"] = Data, ["Hub__Seeds"] = TestPaths.Seeds };
        foreach (var (key, value) in settings) environment[key] = value;
        return environment;
    }

    private static void AssertOneLine(HubRun run, params string[] mentions)
    {
        Assert.True(run.ExitCode == 2, run.ToString());
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", line, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, run.Stdout + run.Stderr, StringComparison.Ordinal);
        foreach (var mention in mentions) Assert.Contains(mention, line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Hub__Transport", "RabbitMQQ", "Hub:Transport")]
    [InlineData("Hub__Transport", "", "Hub:Transport")]
    [InlineData("Hub__Level", "District", "Hub:Level")]
    [InlineData("Hub__Smtp__Security", "TLS1.3", "Hub:Smtp:Security")]
    [InlineData("Hub__Smtp__Port", "twenty-five", "Hub:Smtp:Port")]
    [InlineData("Hub__Smtp__Port", "70000", "Hub:Smtp:Port")]
    [InlineData("Hub__Smtp__From", "not an address", "Hub:Smtp:From")]
    [InlineData("Hub__Smtp__RetryDelaysSeconds__0", "-5", "Hub:Smtp:RetryDelaysSeconds")]
    [InlineData("Hub__Smtp__RetryDelaysSeconds__0", "soon", "Hub:Smtp:RetryDelaysSeconds")]
    [InlineData("Hub__Ingest__BatchSize", "0", "Hub:Ingest:BatchSize")]
    [InlineData("Hub__Ingest__BatchSize", "-1", "Hub:Ingest:BatchSize")]
    [InlineData("Hub__Ingest__BatchSize", "many", "Hub:Ingest:BatchSize")]
    [InlineData("Hub__RabbitMq__Uri", "amqp://hub:" + Secret + "@:5672:x/", "Hub:RabbitMq:Uri")]
    [InlineData("Hub__RabbitMq__Uri", "http://hub:" + Secret + "@localhost/", "Hub:RabbitMq:Uri")]
    [InlineData("Hub__RabbitMq__ManagementUri", "localhost:15672", "Hub:RabbitMq:ManagementUri")]
    [InlineData("Hub__Forward__Uri", "amqp//nowhere", "Hub:Forward:Uri")]
    [InlineData("Hub__Http__Urls", "ftp://127.0.0.1:21", "Hub:Http:Urls")]
    [InlineData("Hub__Http__Urls", "http://127.0.0.1:port", "Hub:Http:Urls")]
    [InlineData("Hub__Http__PublicUrl", "cds.example.gov.vn", "Hub:Http:PublicUrl")]
    [InlineData("Hub__Http__PublicUrl", "ftp://cds.example.gov.vn/", "Hub:Http:PublicUrl")]
    [InlineData("Hub__Http__KnownProxies", "10.0.0.5;the-proxy", "Hub:Http:KnownProxies")]
    [InlineData("Hub__Http__Operator__User", "ops", "Hub:Http:Operator")]
    [InlineData("Hub__Data", "", "Hub:Data")]
    public async Task Run_exitsTwoWithOneLineNamingTheSetting_whenASettingCannotWork(string variable, string value, string setting)
    {
        var run = await HubProgram.RunAsync(_folder.Path, Environment((variable, value)), TimeSpan.FromMinutes(2), "run");

        AssertOneLine(run, setting);
        Assert.False(File.Exists(Path.Combine(Data, "hub.db")), "nothing may be created before the settings are checked");
    }

    public static TheoryData<string[], string> BadValues()
    {
        var data = new TheoryData<string[], string>
        {
            { ["bench", "--count", "-5"], "--count" },
            { ["bench", "--count", "abc"], "--count" },
            { ["bench", "--rollup", "--communes", "10,x"], "--communes" },
            { ["calendar", "--plan", "binh-chuong-2026", "--year", "abc"], "--year" },
            { ["calendar", "--plan", "binh-chuong-2026", "--year", "99999999999"], "--year" },
            { ["demo", "--seed", "x"], "--seed" },
            { ["publish", "--file", "update.json", "--confirm-timeout", "-1"], "--confirm-timeout" },
            { ["schedule", "--from", "2026-06-01", "--to", "2026-01-01"], "--from" },
            { ["schedule", "--from", "June"], "--from" },
            { ["status", "--data", ""], "--data" },
            { ["status", "--data", "update.json"], "--data" },
            { ["plans", "--seeds", "missing-folder"], "--seeds" },
            { ["validate", "fifo.json"], "FIFO" },
            { ["validate", "folder"], "folder" },
            { ["validate", "missing.json"], "no such file" },
            { ["ingest", "--file", "folder"], "--file" },
            { ["ingest", "--file", "fifo.json"], "--file" },
            { ["ingest", "--dir", "update.json"], "--dir" },
            { ["publish", "--file", "fifo.json"], "--file" },
            { ["compile", "--plan", "binh-chuong-2026", "--period", "2026-Q1", "--out", "missing-folder/q1.json"], "--out" },
            { ["compile", "--plan", "binh-chuong-2026", "--period", "2026-Q1", "--out", "folder"], "--out" },
            { ["compile", "--plan", "binh-chuong-2026", "--period", "2026-Q1", "--out", ""], "--out" },
            { ["compile", "--plan", "binh-chuong-2026", "--period", "2026-Q1", "--out", "/dev/full"], "/dev/full" },
            { ["compile", "--plan", "binh-chuong-2026", "--period", "2026-Q1", "--format", "docx", "--out", "/dev/full"], "/dev/full" },
            { ["compile", "--plan", "binh-chuong-2026", "--period", "2026-Q1", "--out", "/proc/q1.json"], "--out" },
            { ["compile", "--plan", "binh-chuong-2026", "--period", "2026-Q1", "--date", "tomorrow"], "--date" },
            { ["demo", "--out", "update.json"], "--out" },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task Verb_exitsTwoWithOneLineWithoutTypeNames_forABadValue(string[] args, string mention)
    {
        File.WriteAllText(_folder.Combine("update.json"), "{}");
        Directory.CreateDirectory(_folder.Combine("folder"));
        using (var mkfifo = Process.Start("mkfifo", _folder.Combine("fifo.json"))) await mkfifo.WaitForExitAsync();

        var run = await HubProgram.RunAsync(_folder.Path, Environment(), TimeSpan.FromMinutes(2), args);

        AssertOneLine(run, mention);
    }

    /// <summary>A migrated hub.db with everything in the main file (checkpointed, no -wal left), as a copy to damage.</summary>
    private async Task<string> FreshDatabaseAsync()
    {
        var status = await HubProgram.RunAsync(_folder.Path, Environment(), TimeSpan.FromMinutes(2), "status", "--format", "json");
        Assert.True(status.ExitCode == 0, status.ToString());
        var path = Path.Combine(Data, "hub.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;";
            checkpoint.ExecuteNonQuery();
        }
        return path;
    }

    [Theory]
    [InlineData(0L, "not a SQLite database")]
    [InlineData(4096L * 2, "damaged")]
    public async Task Verbs_sayInOneLineAndLeaveTheFileAlone_whenHubDbIsDamaged(long offset, string said)
    {
        var path = await FreshDatabaseAsync();
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            file.Position = offset;
            await file.WriteAsync(Enumerable.Range(0, 4096).Select(i => (byte)(i * 37 % 251)).ToArray());
        }
        var before = SHA256.HashData(File.ReadAllBytes(path));

        foreach (var args in new[] { new[] { "status" }, ["deliveries"], ["deliver", "--plan", "binh-chuong-2026", "--period", "2026-01"], ["run"] })
        {
            var run = await HubProgram.RunAsync(_folder.Path, Environment(), TimeSpan.FromMinutes(2), args);
            AssertOneLine(run, said, "hub.db");
        }

        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(path)));
    }

    [Fact]
    public async Task Verb_saysInOneLineThatTheDatabaseIsLocked_whenAnotherProcessHoldsTheWriteLock()
    {
        Directory.CreateDirectory(Data);
        var path = Path.Combine(Data, "hub.db");
        using var holder = new SqliteConnection($"Data Source={path};Pooling=False");
        holder.Open();
        using (var wal = holder.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL; CREATE TABLE held (x INTEGER);";
            wal.ExecuteNonQuery();
        }
        using var transaction = holder.BeginTransaction(deferred: false);
        using (var write = holder.CreateCommand())
        {
            write.Transaction = transaction;
            write.CommandText = "INSERT INTO held VALUES (1)";
            write.ExecuteNonQuery();
        }

        var run = await HubProgram.RunAsync(_folder.Path, Environment(), TimeSpan.FromMinutes(2), "status");

        AssertOneLine(run, "locked", "SQLITE_BUSY");
        transaction.Rollback();
    }

    [Fact]
    public async Task Verbs_neverPrintAPassword_fromTheUrisTheyAreGiven()
    {
        var port = TestNetwork.FreePort();
        var environment = Environment(
            ("Hub__Transport", "RabbitMq"),
            ("Hub__RabbitMq__Uri", $"amqp://binh-chuong-2026.TTPVHCC:{Secret}@127.0.0.1:{port}/chuyendoiso"),
            ("Hub__RabbitMq__ManagementUri", $"http://admin:{Secret}@127.0.0.1:{port}/"),
            ("Hub__RabbitMq__AdminUser", "admin"),
            ("Hub__RabbitMq__AdminPassword", Secret));
        File.WriteAllText(_folder.Combine("update.json"), """{"planId": "binh-chuong-2026", "department": "TTPVHCC", "period": "2026-01"}""");
        foreach (var args in new[] { new[] { "status" }, ["status", "--format", "json"], ["publish", "--file", "update.json", "--confirm-timeout", "3"],
                     ["accounts", "--plan", "binh-chuong-2026", "--apply"], ["accounts", "--plan", "binh-chuong-2026"] })
        {
            var run = await HubProgram.RunAsync(_folder.Path, environment, TimeSpan.FromMinutes(2), args);
            Assert.DoesNotContain(Secret, run.Stdout + run.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("System.", run.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Run_showsEveryDocumentedCounterAtZero_andTheDeliveriesDueButNotSent_andA404ForAnUnknownPlan()
    {
        var port = TestNetwork.FreePort();
        await using var hub = HubProcess.Start(_folder.Path, Environment(("Hub__Http__Urls", $"http://127.0.0.1:{port}")), "run");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };

        var metrics = await (await hub.GetWhenListeningAsync(http, "metrics")).Content.ReadAsStringAsync();
        var deliveries = await http.GetStringAsync("deliveries");
        using var unknown = await http.GetAsync("matrix?plan=khong-co-2026");
        using var known = await http.GetAsync("matrix?plan=tam-phuoc-2023");

        foreach (var outcome in new[] { "accepted", "duplicate", "conflict", "rejected" })
            Assert.Matches($"hub_updates_total\\{{[^}}]*outcome=\"{outcome}\"[^}}]*\\}} 0", metrics);
        Assert.Matches(@"hub_update_rejections_total(\{[^}]*\})? 0", metrics);
        Assert.Matches(@"hub_reports_compiled_total(\{[^}]*\})? 0", metrics);
        Assert.Matches(@"hub_reminders_sent_total(\{[^}]*\})? 0", metrics);
        foreach (var channel in new[] { "email", "forward" })
            foreach (var status in new[] { "sent", "pending", "failed" })
                Assert.Matches($"hub_reports_delivered_total\\{{[^}}]*channel=\"{channel}\",[^}}]*status=\"{status}\"[^}}]*\\}} 0", metrics);
        Assert.Contains("hub_deadline_next_seconds", metrics, StringComparison.Ordinal);
        // A fresh hub sends nothing by itself for deadlines already past (first start): they are due and not sent.
        Assert.Contains("data-status=\"not_sent\"", deliveries, StringComparison.Ordinal);
        Assert.Contains("Đến hạn, chưa gửi (not sent)", deliveries, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("khong-co-2026", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, known.StatusCode);
    }

    [Fact]
    public async Task Matrix_listsTheLateAndMissingDepartments_withTheirPortalFormUnderThePublicUrl()
    {
        var port = TestNetwork.FreePort();
        await using var hub = HubProcess.Start(_folder.Path, Environment(("Hub__Http__Urls", $"http://127.0.0.1:{port}"), ("Hub__Http__PublicUrl", "https://cds.binhchuong.example/")), "run");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };

        // Tam Phước's 2023 year is over and nothing was sent: every department is missing for every period.
        var page = await (await hub.GetWhenListeningAsync(http, "matrix?plan=tam-phuoc-2023")).Content.ReadAsStringAsync();

        var list = page[page.IndexOf("id=\"late-list\"", StringComparison.Ordinal)..];
        Assert.Contains("data-period=\"2023-FY\"", list, StringComparison.Ordinal);
        Assert.Contains("href=\"https://cds.binhchuong.example/portal/tam-phuoc-2023/2023-FY\"", list, StringComparison.Ordinal);
        Assert.Contains("href=\"https://cds.binhchuong.example/portal/tam-phuoc-2023/2023-01\"", list, StringComparison.Ordinal);
        Assert.Contains("Chưa nộp", list, StringComparison.Ordinal);
        // Latest period first: the annual report before January's.
        Assert.True(list.IndexOf("2023-FY", StringComparison.Ordinal) < list.IndexOf("/2023-01\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rejections_showDepartmentWrittenTextEncoded_whenAnUpdateCarriesHostileText()
    {
        const string Hostile = "<script>alert(\"x\")</script>\"'&<img src=x onerror=alert(1)>";
        var file = _folder.Combine("hostile.json");
        File.WriteAllText(file, System.Text.Json.JsonSerializer.Serialize(new
        {
            messageId = Guid.NewGuid(),
            planId = "binh-chuong-2026",
            department = Hostile,
            period = "2026-Q1\u0001" + Hostile,
            submittedBy = Hostile,
            indicators = new[] { new { code = Hostile, value = 1 } },
        }));
        var ingested = await HubProgram.RunAsync(_folder.Path, Environment(), TimeSpan.FromMinutes(2), "ingest", "--file", file);
        Assert.True(ingested.ExitCode != 0, ingested.ToString()); // the update was rejected, and said so
        var port = TestNetwork.FreePort();
        await using var hub = HubProcess.Start(_folder.Path, Environment(("Hub__Http__Urls", $"http://127.0.0.1:{port}")), "run");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };

        var rejections = await (await hub.GetWhenListeningAsync(http, "rejections")).Content.ReadAsStringAsync();

        // The rejection is on the page, encoded: no tag of the department's survives, no raw control character either.
        Assert.Contains("&lt;script&gt;", rejections, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", rejections, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", rejections, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain('\u0001', rejections);
        Assert.Contains("2026-Q1\\u0001&lt;script&gt;", rejections, StringComparison.Ordinal);
        Assert.Contains("&quot;&#39;&amp;", rejections, StringComparison.Ordinal);
    }
}
