using System.Net;
using System.Text.Json.Nodes;
using ChuyenDoiSo.Workers.Tests.Faults;
using ChuyenDoiSo.Workers.Tests.Operations;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace ChuyenDoiSo.Workers.Tests.Portal;

/// <summary>
/// The department portal on `run` (a real process, real Kestrel, a real SQLite file), driven over HTTP and by a real
/// headless Chromium at phone width. Each test uses departments of its own so they share one hub.
/// Screenshots go to bin/…/artifacts/portal/.
/// </summary>
public sealed class PortalTests(PortalHub hub, ITestOutputHelper output) : IClassFixture<PortalHub>
{
    private const string Plan = PortalHub.PlanId;
    public static string Artifacts => Path.Combine(AppContext.BaseDirectory, "artifacts", "portal");

    private static string User(string department) => $"{Plan}.{department}";

    private string Password(string department) => hub.Passwords[User(department)];

    [Fact]
    public async Task Portal_departmentLogsInOnAPhone_fillsTheForm_seesTheReceipt_andTheCompiledReportHasItsValues()
    {
        Assert.True(HeadlessChromium.Executable is not null, "chromium is not installed; scripts/test.sh installs it");
        await using var chromium = await HeadlessChromium.StartAsync(390, 844);
        async Task NoHorizontalScroll(string page)
        {
            var width = (int)(await chromium.EvaluateAsync("document.documentElement.scrollWidth"))!;
            Assert.True(width <= 390, $"{page}: scrollWidth {width} > 390");
        }

        // Not logged in: the form's link leads to the login page, and back to the form after it.
        await chromium.NavigateAsync(new Uri(hub.BaseUri, $"portal/{Plan}/2026-11").ToString());
        Assert.Contains("/portal/login?returnUrl=", (string)(await chromium.EvaluateAsync("location.href"))!, StringComparison.Ordinal);
        await NoHorizontalScroll("login");
        await chromium.ScreenshotAsync(Path.Combine(Artifacts, "login.png"));
        await chromium.EvaluateAsync($"document.getElementById('user').value = '{User("VHXH")}'; document.getElementById('password').value = '{Password("VHXH")}'");
        await chromium.ClickAndWaitForLoadAsync("#login");

        Assert.EndsWith($"/portal/{Plan}/2026-11", (string)(await chromium.EvaluateAsync("location.href"))!, StringComparison.Ordinal);
        // Exactly what VHXH reports: indicator 12 it leads, 11 it coordinates, 1 (TTPVHCC's) not at all.
        Assert.Contains("Chủ trì", await chromium.TextAsync("[data-indicator='12'] legend"), StringComparison.Ordinal);
        Assert.Contains("Phối hợp", await chromium.TextAsync("[data-indicator='11'] legend"), StringComparison.Ordinal);
        Assert.Equal(0, (int)(await chromium.EvaluateAsync("document.querySelectorAll(\"[data-indicator='1']\").length"))!);
        await NoHorizontalScroll("form");
        await chromium.EvaluateAsync("""
            document.getElementById('ind.12.numerator').value = '45';
            document.getElementById('ind.12.denominator').value = '50';
            document.getElementById('task.III.1.a.status').value = 'in_progress';
            document.getElementById('task.III.1.a.progress').value = '60';
            document.getElementById('stat.dossiers_received').value = '120';
            document.getElementById('narrative.results').value = 'Đã số hóa hồ sơ <script>alert(1)</script>';
            """);
        await chromium.ScreenshotAsync(Path.Combine(Artifacts, "form.png"));
        // The whole form is a long strip; the phone's screen at the filled indicator is what a person sees.
        await chromium.EvaluateAsync("window.scrollTo(0, document.querySelector(\"[data-indicator='12']\").getBoundingClientRect().top + window.scrollY - 8)");
        var screen = await chromium.SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png" });
        await File.WriteAllBytesAsync(Path.Combine(Artifacts, "form-screen.png"), Convert.FromBase64String((string)screen["data"]!));
        await chromium.ClickAndWaitForLoadAsync("#submit");

        var outcome = (string?)await chromium.EvaluateAsync("document.getElementById('outcome')?.dataset.outcome");
        Assert.True(outcome == "accepted", $"receipt: {await chromium.TextAsync("main")}\n{hub.Process.Tail(30)}");
        Assert.Contains("/receipt/", (string)(await chromium.EvaluateAsync("location.href"))!, StringComparison.Ordinal);
        // Today against the department's deadline of 2026-11 (12/11/2026): the hub says which.
        var expected = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh")).DateTime) <= new DateOnly(2026, 11, 12) ? "đúng hạn" : "muộn hạn";
        Assert.Contains(expected, await chromium.TextAsync("#timeliness"), StringComparison.Ordinal);
        await NoHorizontalScroll("receipt");
        await chromium.ScreenshotAsync(Path.Combine(Artifacts, "receipt.png"));

        // The form again: pre-filled with what was just sent, the department's text encoded, never run.
        await chromium.NavigateAsync(new Uri(hub.BaseUri, $"portal/{Plan}/2026-11").ToString());
        Assert.Equal("45", (string?)await chromium.EvaluateAsync("document.getElementById('ind.12.numerator').value"));
        Assert.Equal("Đã số hóa hồ sơ <script>alert(1)</script>", (string?)await chromium.EvaluateAsync("document.getElementById('narrative.results').value"));
        Assert.Equal(0, (int)(await chromium.EvaluateAsync("document.querySelectorAll('main script').length"))!);
        await chromium.NavigateAsync(new Uri(hub.BaseUri, $"portal/{Plan}/2026-11/history").ToString());
        Assert.Contains("Bản được tính", await chromium.TextAsync("main"), StringComparison.Ordinal);
        await NoHorizontalScroll("history");
        await chromium.ScreenshotAsync(Path.Combine(Artifacts, "history.png"));
        output.WriteLine($"screenshots: {Artifacts}");

        var compile = await HubProcess.RunAsync(hub.Folder, hub.Environment(), "compile", "--plan", Plan, "--period", "2026-11", "--format", "json");
        Assert.True(compile.ExitCode == 0, compile.Stderr);
        var report = JsonNode.Parse(compile.Stdout)!;
        var indicator = report["indicators"]!.AsArray().Single(i => (string?)i!["code"] == "12")!;
        Assert.Equal(45m, (decimal?)indicator["numerator"]);
        Assert.Equal(50m, (decimal?)indicator["denominator"]);
        Assert.Equal(90m, (decimal?)indicator["value"]);
        var task = report["tasks"]!.AsArray().Single(t => (string?)t!["code"] == "III.1.a")!;
        Assert.Equal("in_progress", (string?)task["status"]);
        Assert.Equal(60m, (decimal?)task["progress"]);
        Assert.Contains(report["narratives"]!.AsArray(), n => (string?)n!["department"] == "VHXH" && ((string?)n["text"])!.Contains("Đã số hóa hồ sơ", StringComparison.Ordinal));
        Assert.Contains(report["submissions"]!.AsArray(), s => (string?)s!["department"] == "VHXH");
    }

    [Fact]
    public async Task Portal_showsADepartmentOnlyItsOwn_andRefusesTamperedFieldsAndOtherPlans()
    {
        // VHXH sends something for 2026-FY; TTPVHCC must see none of it.
        using var vhxh = hub.Client();
        Assert.Equal(HttpStatusCode.Redirect, (await vhxh.LoginAsync(User("VHXH"), Password("VHXH"))).Status);
        var vhxhForm = await vhxh.GetAsync($"portal/{Plan}/2026-FY");
        var sent = await vhxh.PostAsync($"portal/{Plan}/2026-FY", [new("__RequestVerificationToken", PortalClient.Token(vhxhForm.Html)), new("ind.13.value", "3")]);
        Assert.True(sent.Status == HttpStatusCode.SeeOther, sent.Html);
        var receipt = sent.Location!.ToString();

        using var client = hub.Client();
        Assert.Equal(HttpStatusCode.Redirect, (await client.LoginAsync(User("TTPVHCC"), Password("TTPVHCC"))).Status);
        var form = await client.GetAsync($"portal/{Plan}/2026-FY");
        Assert.Equal(HttpStatusCode.OK, form.Status);
        Assert.Contains("name=\"ind.1.value\"", form.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"ind.13.value\"", form.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(receipt)).Status);
        var history = await client.GetAsync($"portal/{Plan}/2026-FY/history");
        Assert.DoesNotContain(receipt.Split('/')[^1], history.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("portal/tam-phuoc-2023/2023-01")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("portal/tam-phuoc-2023/2023-01/history")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"portal/{Plan}/2025-01")).Status);

        var token = PortalClient.Token(form.Html);
        var otherDepartment = await client.PostAsync($"portal/{Plan}/2026-FY", [new("__RequestVerificationToken", token), new("department", "VHXH"), new("ind.1.value", "50")]);
        Assert.Equal(HttpStatusCode.Forbidden, otherDepartment.Status);
        var notItsIndicator = await client.PostAsync($"portal/{Plan}/2026-FY", [new("__RequestVerificationToken", token), new("ind.13.value", "4")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notItsIndicator.Status);
        Assert.Contains("neither leads nor coordinates indicator 13", notItsIndicator.Html, StringComparison.Ordinal);
        var otherPlan = await client.PostAsync("portal/tam-phuoc-2023/2023-01", [new("__RequestVerificationToken", token), new("ind.1.value", "50")]);
        Assert.Equal(HttpStatusCode.NotFound, otherPlan.Status);
        // Nothing of those reached the hub.
        Assert.Equal(0L, Scalar("SELECT COUNT(*) FROM receipts r LEFT JOIN submissions s ON s.id = r.submission_id LEFT JOIN rejections x ON x.id = r.rejection_id WHERE COALESCE(s.department, x.department) = 'TTPVHCC'"));
    }

    [Fact]
    public async Task Portal_sessionCookieIsHttpOnlyAndSameSiteStrict_andTheDepartmentComesFromIt()
    {
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = hub.BaseUri };
        using var page = await http.GetAsync("portal/login");
        var antiforgery = page.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("cds_portal_af=", StringComparison.Ordinal));
        using var request = new HttpRequestMessage(HttpMethod.Post, "portal/login")
        {
            Content = new FormUrlEncodedContent([new("__RequestVerificationToken", PortalClient.Token(await page.Content.ReadAsStringAsync())), new("user", User("TRUONG_HOC")), new("password", Password("TRUONG_HOC"))]),
        };
        request.Headers.Add("Cookie", antiforgery.Split(';')[0]);
        using var login = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var session = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("cds_portal=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("httponly", session, StringComparison.Ordinal);
        Assert.Contains("samesite=strict", session, StringComparison.Ordinal);
        Assert.Contains("path=/portal", session, StringComparison.Ordinal);
        // Plain HTTP on loopback: not Secure (SameAsRequest); behind HTTPS it would be.
        Assert.DoesNotContain("secure", session.Replace("samesite", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("samesite=strict", antiforgery.ToLowerInvariant(), StringComparison.Ordinal);
        // Without the cookie, the form is the login page's business.
        using var anonymous = await http.GetAsync($"portal/{Plan}/2026-FY");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Equal($"/portal/login?returnUrl=%2Fportal%2F{Plan}%2F2026-FY", anonymous.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Portal_refusesAPostWithoutAnAntiforgeryToken_andSendsNothing()
    {
        using var client = hub.Client();
        Assert.Equal(HttpStatusCode.Redirect, (await client.LoginAsync(User("VP"), Password("VP"))).Status);
        var form = await client.GetAsync($"portal/{Plan}/2026-FY");
        Assert.Equal(HttpStatusCode.OK, form.Status);

        var without = await client.PostAsync($"portal/{Plan}/2026-FY", [new("ind.8.value", "50")]);
        var forged = await client.PostAsync($"portal/{Plan}/2026-FY", [new("__RequestVerificationToken", "CfDJ8forged"), new("ind.8.value", "50")]);
        var login = await hub.Client().PostAsync("portal/login", [new("user", User("VP")), new("password", Password("VP"))]);

        Assert.Equal(HttpStatusCode.BadRequest, without.Status);
        Assert.Equal(HttpStatusCode.BadRequest, forged.Status);
        Assert.Equal(HttpStatusCode.BadRequest, login.Status);
        Assert.Equal(0L, Scalar("SELECT COUNT(*) FROM submissions WHERE department = 'VP'") + Scalar("SELECT COUNT(*) FROM rejections WHERE department = 'VP'"));
    }

    [Fact]
    public async Task Portal_locksOutTheSixthAttempt_afterFiveWrongPasswords_andRecordsIt()
    {
        using var client = hub.Client();
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.LoginAsync(User("KT"), "wrong-password")).Status);

        var sixth = await client.LoginAsync(User("KT"), Password("KT"));

        Assert.Equal((HttpStatusCode)429, sixth.Status);
        Assert.Contains("tạm khóa", sixth.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync($"portal/{Plan}/2026-FY")).Status);
        Assert.Equal(4L, Scalar($"SELECT COUNT(*) FROM audit_log WHERE target = 'portal' AND actor = '{User("KT")}' AND action = 'portal_login_failure'"));
        Assert.Equal(1L, Scalar($"SELECT COUNT(*) FROM audit_log WHERE target = 'portal' AND actor = '{User("KT")}' AND action = 'portal_login_lockout'"));
        Assert.Equal(1L, Scalar($"SELECT COUNT(*) FROM audit_log WHERE target = 'portal' AND actor = '{User("KT")}' AND action = 'portal_login_locked'"));
        Assert.Equal(0L, Scalar($"SELECT COUNT(*) FROM audit_log WHERE target = 'portal' AND actor = '{User("KT")}' AND action = 'portal_login_success'"));
    }

    [Fact]
    public async Task Portal_refusesAnotherDepartmentsWorkbook_andAFileThatIsNotOne_inOneLine()
    {
        using var vhxh = hub.Client();
        Assert.Equal(HttpStatusCode.Redirect, (await vhxh.LoginAsync(User("VHXH"), Password("VHXH"))).Status);
        var theirs = await vhxh.BytesAsync($"portal/{Plan}/2026-FY/workbook");
        Assert.Equal((byte)'P', theirs[0]);

        using var client = hub.Client();
        Assert.Equal(HttpStatusCode.Redirect, (await client.LoginAsync(User("CA"), Password("CA"))).Status);
        var form = await client.GetAsync($"portal/{Plan}/2026-FY");
        var token = PortalClient.Token(form.Html);
        var impersonation = await client.PostFileAsync($"portal/{Plan}/2026-FY/workbook", token, theirs, "VHXH.xlsx");
        var notAWorkbook = await client.PostFileAsync($"portal/{Plan}/2026-FY/workbook", token, "planId,department\n"u8.ToArray(), "report.xlsx");
        var own = await client.PostFileAsync($"portal/{Plan}/2026-FY/workbook", token, await client.BytesAsync($"portal/{Plan}/2026-FY/workbook"), "CA.xlsx");
        var noToken = await client.PostFileAsync($"portal/{Plan}/2026-FY/workbook", "forged", theirs, "VHXH.xlsx");
        var macro = await client.PostFileAsync($"portal/{Plan}/2026-FY/workbook", token, MacroEnabled(await client.BytesAsync($"portal/{Plan}/2026-FY/workbook")), "CA.xlsm");

        Assert.Equal(HttpStatusCode.Forbidden, impersonation.Status);
        Assert.Contains("mạo danh", impersonation.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, notAWorkbook.Status);
        Assert.Contains("id=\"upload-error\">Tệp bị từ chối:", notAWorkbook.Html, StringComparison.Ordinal);
        // Its own template, not filled in: refused with the problem, nothing sent.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, own.Status);
        Assert.Contains("nothing is filled in", own.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, noToken.Status);
        Assert.Equal(HttpStatusCode.BadRequest, macro.Status);
        Assert.Contains("macro-enabled", macro.Html, StringComparison.Ordinal);
        Assert.Equal(0L, Scalar("SELECT COUNT(*) FROM submissions WHERE department = 'CA'") + Scalar("SELECT COUNT(*) FROM rejections WHERE department = 'CA'"));
    }

    [Fact]
    public async Task Portal_sendsAFilledWorkbook_andListsABrokenOnesProblemsByCell_sendingNothingOfIt()
    {
        using var client = hub.Client();
        Assert.Equal(HttpStatusCode.Redirect, (await client.LoginAsync(User("TTCUDV"), Password("TTCUDV"))).Status);
        var token = PortalClient.Token((await client.GetAsync($"portal/{Plan}/2026-FY")).Html);
        var path = Path.Combine(hub.Folder, "ttcudv.xlsx");
        await File.WriteAllBytesAsync(path, await client.BytesAsync($"portal/{Plan}/2026-FY/workbook"));

        string cell;
        using (var fill = new Workbooks.WorkbookFill(path)) cell = fill.Set("Chỉ tiêu", "Mã", "15", "Giá trị", "nhiều");
        var broken = await client.PostFileAsync($"portal/{Plan}/2026-FY/workbook", token, await File.ReadAllBytesAsync(path), "ttcudv.xlsx");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, broken.Status);
        Assert.Contains($"data-cell=\"{cell}\"", broken.Html, StringComparison.Ordinal);
        Assert.Equal(0L, Scalar("SELECT COUNT(*) FROM receipts r JOIN rejections x ON x.id = r.rejection_id WHERE x.department = 'TTCUDV'"));

        using (var fill = new Workbooks.WorkbookFill(path)) fill.Set("Chỉ tiêu", "Mã", "15", "Giá trị", 70);
        var sent = await client.PostFileAsync($"portal/{Plan}/2026-FY/workbook", token, await File.ReadAllBytesAsync(path), "ttcudv.xlsx");
        Assert.True(sent.Status == HttpStatusCode.SeeOther, sent.Html);
        Assert.Contains("data-outcome=\"accepted\"", (await client.GetAsync(sent.Location!.ToString())).Html, StringComparison.Ordinal);
        Assert.Equal(1L, Scalar("SELECT COUNT(*) FROM submissions WHERE department = 'TTCUDV' AND period = '2026-FY' AND json_extract(indicators_json, '$[0].code') = '15'"));
    }

    [Fact]
    public async Task Accounts_rotatesOneDepartmentsPassword_andThePortalTakesOnlyTheNewOne()
    {
        var before = await Summary();
        var rotate = await HubProcess.RunAsync(hub.Folder, hub.Environment(), "accounts", "--rotate", "--plan", Plan, "--department", "TYT");
        Assert.True(rotate.ExitCode == 0, rotate.Stderr);
        Assert.DoesNotContain(Password("TYT"), rotate.Stdout + rotate.Stderr, StringComparison.Ordinal);
        var after = await Summary();

        Assert.NotEqual(before[User("TYT")], after[User("TYT")]);
        foreach (var user in before.Keys.Where(u => u != User("TYT"))) Assert.Equal(before[user], after[user]);
        using var client = hub.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.LoginAsync(User("TYT"), before[User("TYT")])).Status);
        Assert.Equal(HttpStatusCode.Redirect, (await client.LoginAsync(User("TYT"), after[User("TYT")])).Status);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"portal/{Plan}/2026-FY")).Status);

        async Task<Dictionary<string, string>> Summary()
        {
            var run = await HubProcess.RunAsync(hub.Folder, hub.Environment(), "accounts", "--plan", Plan, "--format", "json");
            Assert.True(run.ExitCode == 0, run.Stderr);
            return JsonNode.Parse(run.Stdout)!["departments"]!.AsArray().ToDictionary(d => (string)d!["user"]!, d => (string)d!["password"]!);
        }
    }

    private long Scalar(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={hub.DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>The same workbook saved as macro-enabled (.xlsm content type), as Excel would with a macro in it.</summary>
    private static byte[] MacroEnabled(byte[] workbook)
    {
        using var stream = new MemoryStream();
        stream.Write(workbook);
        using (var document = DocumentFormat.OpenXml.Packaging.SpreadsheetDocument.Open(stream, true))
            document.ChangeDocumentType(DocumentFormat.OpenXml.SpreadsheetDocumentType.MacroEnabledWorkbook);
        return stream.ToArray();
    }
}
