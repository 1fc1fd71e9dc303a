using System.Net;
using ChuyenDoiSo.Reporting.Approval;
using ChuyenDoiSo.Reporting.Operations;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Reporting.Users;
using ChuyenDoiSo.Workers.Tests.Approval;
using ChuyenDoiSo.Workers.Tests.Operations;
using ChuyenDoiSo.Workers.Tests.Portal;
using ChuyenDoiSo.Workers.Tests.Signing;
using MimeKit;
using Xunit.Abstractions;

namespace ChuyenDoiSo.Workers.Tests.Review;

/// <summary>
/// The review pages on `run` (a real process, real Kestrel, a real SQLite file, a real SMTP server): the office reviews
/// a draft in a real headless Chromium, sends a department back, the department corrects it on its portal, the signer
/// approves; and every role is refused over HTTP what it may not do. Screenshots go to bin/…/artifacts/review/.
/// </summary>
public sealed class ReviewPageTests(ReviewHub hub, ITestOutputHelper output) : IClassFixture<ReviewHub>
{
    private const string Plan = ApprovalSetup.PlanId;
    private const string Indicator1 = "Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến toàn trình";
    public static string Artifacts => Path.Combine(AppContext.BaseDirectory, "artifacts", "review");

    [Fact]
    public async Task OfficeReviewsAndReturnsADepartment_theDepartmentCorrects_theSignerApproves_sentOnceWithBothSignatures()
    {
        const string period = "2026-11";
        const string comment = "Số hồ sơ xử lý trực tuyến chưa khớp sổ theo dõi, đề nghị kiểm tra lại";
        const string difficulties = "Hạ tầng mạng tại một số thôn còn yếu.";
        await SendIndicator1Async(period, 37, 50);

        Assert.True(HeadlessChromium.Executable is not null, "chromium is not installed; scripts/test.sh installs it");
        await using var chromium = await HeadlessChromium.StartAsync(1400, 1000);
        var page = new Uri(hub.BaseUri, $"review/{Plan}/{period}").ToString();
        async Task<string> DraftRow(string name) =>
            (string?)await chromium.EvaluateAsync($"[...document.getElementById('draft').contentDocument.querySelectorAll('tr')].find(r => r.innerText.includes('{name}'))?.innerText ?? ''") ?? "";
        // Every finding, the folded groups' too.
        async Task<string> FindingsAsync() => (string?)await chromium.EvaluateAsync("document.getElementById('findings').textContent") ?? "";
        async Task<string> DepartmentStatus(string code) => (string?)await chromium.EvaluateAsync($"document.querySelector(\"#departments tr[data-department='{code}'] td[data-status]\").dataset.status") ?? "";
        async Task LogInAsync(string user)
        {
            await chromium.NavigateAsync(page);
            Assert.Contains("/review/login?returnUrl=", (string?)await chromium.EvaluateAsync("location.href") ?? "", StringComparison.Ordinal);
            await chromium.EvaluateAsync($"document.getElementById('user').value = '{user}'; document.getElementById('password').value = '{ApprovalSetup.Password}'");
            await chromium.ClickAndWaitForLoadAsync("#login");
            Assert.EndsWith($"/review/{Plan}/{period}", (string)(await chromium.EvaluateAsync("location.href"))!, StringComparison.Ordinal);
        }

        // The office: the draft as it prints (no number yet) beside what needs deciding.
        await LogInAsync(ApprovalSetup.Office);
        Assert.Equal("draft", (string?)await chromium.EvaluateAsync("document.getElementById('state').dataset.state"));
        Assert.Contains("DỰ THẢO", await chromium.TextAsync("#watermark"), StringComparison.Ordinal);
        Assert.Contains("74", await DraftRow(Indicator1), StringComparison.Ordinal);
        var findings = await FindingsAsync();
        Assert.Contains("Trạm Y tế xã chưa gửi báo cáo.", findings, StringComparison.Ordinal);
        Assert.Equal(0, (int)(await chromium.EvaluateAsync("document.querySelectorAll('#approve').length"))!);
        await chromium.ScreenshotAsync(Path.Combine(Artifacts, "1-office-reviews.png"));

        // Sends the centre's update back with a comment.
        await chromium.EvaluateAsync($"document.getElementById('comment-TTPVHCC').value = '{comment}'");
        await chromium.ClickAndWaitForLoadAsync("#return-TTPVHCC");
        Assert.Contains("Đã trả lại", await chromium.TextAsync("#done"), StringComparison.Ordinal);
        Assert.Equal("returned", await DepartmentStatus("TTPVHCC"));
        Assert.Contains(comment, await FindingsAsync(), StringComparison.Ordinal);
        await chromium.ScreenshotAsync(Path.Combine(Artifacts, "2-office-returned.png"));
        var returnedMail = await EventuallyMailAsync(m => (m.Subject ?? "").StartsWith("Trả lại báo cáo", StringComparison.Ordinal), "the return's email to the department");
        Assert.Equal("Trung tâm Phục vụ hành chính công", returnedMail.To.Mailboxes.Single().Name);
        Assert.Contains(comment, returnedMail.TextBody!, StringComparison.Ordinal);

        // The operators' matrix marks it returned too.
        using (var dashboard = hub.Client())
            Assert.Contains($"<td class=\"returned\" data-department=\"TTPVHCC\" data-period=\"{period}\"", (await dashboard.GetAsync($"matrix?plan={Plan}")).Html, StringComparison.Ordinal);

        // The department sees the comment on its form and sends a correction.
        using (var department = hub.Client())
        {
            Assert.Equal(HttpStatusCode.Redirect, (await department.LoginAsync($"{Plan}.TTPVHCC", hub.Passwords[$"{Plan}.TTPVHCC"])).Status);
            Assert.Contains(comment, WebUtility.HtmlDecode((await department.GetAsync($"portal/{Plan}/{period}")).Html), StringComparison.Ordinal);
        }
        await SendIndicator1Async(period, 43, 50);

        // The draft shows the new value; the centre is no longer "returned". The office writes a section, marks it ready.
        await chromium.NavigateAsync(page);
        Assert.Contains("86", await DraftRow(Indicator1), StringComparison.Ordinal);
        Assert.Equal("late", await DepartmentStatus("TTPVHCC"));
        using (var dashboard = hub.Client())
            Assert.Contains($"<td class=\"late\" data-department=\"TTPVHCC\" data-period=\"{period}\"", (await dashboard.GetAsync($"matrix?plan={Plan}")).Html, StringComparison.Ordinal);
        await chromium.EvaluateAsync($"document.getElementById('section-difficulties').value = '{difficulties}'");
        await chromium.ClickAndWaitForLoadAsync("#save-difficulties");
        Assert.Equal(difficulties, (string?)await chromium.EvaluateAsync("document.getElementById('section-difficulties').value"));
        Assert.Contains(difficulties, (string?)await chromium.EvaluateAsync("document.getElementById('draft').contentDocument.body.innerText") ?? "", StringComparison.Ordinal);
        await chromium.ClickAndWaitForLoadAsync("#ready");
        Assert.Equal("ready", (string?)await chromium.EvaluateAsync("document.getElementById('state').dataset.state"));
        await chromium.ClickAndWaitForLoadAsync("#logout");

        // The signer approves: the number, both signatures, sent at once (the send time has passed).
        await LogInAsync(ApprovalSetup.Signer);
        Assert.Equal(0, (int)(await chromium.EvaluateAsync("document.querySelectorAll('#ready, #sections, [id^=return-]').length"))!);
        await chromium.ScreenshotAsync(Path.Combine(Artifacts, "3-signer-reviews.png"));
        await chromium.EvaluateAsync($"document.getElementById('confirm-password').value = '{ApprovalSetup.Password}'");
        await chromium.ClickAndWaitForLoadAsync("#approve");
        var done = await chromium.TextAsync("#done");
        Assert.Contains("Đã phê duyệt, cấp số", done, StringComparison.Ordinal);
        Assert.Equal("approved", (string?)await chromium.EvaluateAsync("document.getElementById('state').dataset.state"));
        Assert.Equal(0, (int)(await chromium.EvaluateAsync("document.querySelectorAll('#approve').length"))!);
        // The page now shows the issued document, with its number, and links its signed PDF.
        var number = System.Text.RegularExpressions.Regex.Match(done, @"\d{2}/BC-UBND").Value;
        Assert.Contains(number, await chromium.TextAsync("#watermark"), StringComparison.Ordinal);
        Assert.Contains(number, (string?)await chromium.EvaluateAsync("document.getElementById('draft').contentDocument.body.innerText") ?? "", StringComparison.Ordinal);
        Assert.Equal(1, (int)(await chromium.EvaluateAsync("document.querySelectorAll('#issued-pdf').length"))!);
        await chromium.ScreenshotAsync(Path.Combine(Artifacts, "4-signer-approved.png"));
        output.WriteLine($"screenshots: {Artifacts}; {done}");

        var report = await EventuallyMailAsync(m => (m.Subject ?? "").Contains("(Số ", StringComparison.Ordinal) && (m.Subject ?? "").Contains("tháng 11", StringComparison.Ordinal), "the approved report to the level above");
        var pdf = report.Attachments.OfType<MimePart>().Single(a => a.FileName!.EndsWith(".pdf", StringComparison.Ordinal));
        var signed = Path.Combine(hub.Folder, "approved.pdf");
        await using (var file = File.Create(signed)) await pdf.Content!.DecodeToAsync(file);
        var (validations, pdfsig) = await PdfTools.PdfSigAsync(signed);
        Assert.True(validations.Count == 2 && validations.All(v => v == "Signature is Valid."), pdfsig);
        var text = (await PdfTools.RunAsync("pdftotext", signed, "-")).Output;
        Assert.DoesNotContain("DỰ THẢO", text, StringComparison.Ordinal);
        // The office's words are the commune's, printed in the issued document.
        Assert.Contains(difficulties, text.ReplaceLineEndings(" "), StringComparison.Ordinal);

        // Reloading the approved page (or posting the approval again) sends nothing more.
        await chromium.NavigateAsync(page);
        Assert.Single(Mails(m => (m.Subject ?? "").Contains("(Số ", StringComparison.Ordinal) && (m.Subject ?? "").Contains("tháng 11", StringComparison.Ordinal)));
        using var connection = new HubDatabase(hub.DatabasePath).Open();
        var actions = new AuditLog(connection).For(ApprovalStore.Target(Plan, period)).Select(a => (a.Actor, a.Action)).ToList();
        Assert.Contains((ApprovalSetup.Office, "department_returned"), actions);
        Assert.Contains((ApprovalSetup.Office, "section_edited"), actions);
        Assert.Contains((ApprovalSetup.Office, "marked_ready"), actions);
        Assert.Contains((ApprovalSetup.Signer, "approved"), actions);

        // A replacement from the page: the office reopens it with its reason, the signer approves: a new number naming the
        // old one, sent again.
        var path = $"review/{Plan}/{period}";
        using (var office = hub.Client())
        {
            Assert.Equal(HttpStatusCode.Redirect, (await office.LoginAsync("review", ApprovalSetup.Office, ApprovalSetup.Password, null)).Status);
            var approvedPage = await office.GetAsync(path);
            Assert.Contains("id=\"reopen\"", approvedPage.Html, StringComparison.Ordinal);
            var reopened = await office.PostAsync($"{path}/reopen", [new("__RequestVerificationToken", PortalClient.Token(approvedPage.Html)), new("reason", "Trung tâm gửi số liệu sau khi phê duyệt")]);
            Assert.True(reopened.Status == HttpStatusCode.SeeOther, reopened.Html);
            var draftAgain = await office.GetAsync(path);
            Assert.Contains("data-state=\"draft\"", draftAgain.Html, StringComparison.Ordinal);
            Assert.Contains("id=\"replacing\"", draftAgain.Html, StringComparison.Ordinal);
        }
        using (var signer = hub.Client())
        {
            Assert.Equal(HttpStatusCode.Redirect, (await signer.LoginAsync("review", ApprovalSetup.Signer, ApprovalSetup.Password, null)).Status);
            var page2 = await signer.GetAsync(path);
            var approvedAgain = await signer.PostAsync($"{path}/approve", [new("__RequestVerificationToken", PortalClient.Token(page2.Html)), new("password", ApprovalSetup.Password)]);
            Assert.True(approvedAgain.Status == HttpStatusCode.SeeOther, approvedAgain.Html);
        }
        var next = $"{int.Parse(number[..2], System.Globalization.CultureInfo.InvariantCulture) + 1:00}/BC-UBND";
        var replacement = await EventuallyMailAsync(m => (m.Subject ?? "").EndsWith($"(Số {next})", StringComparison.Ordinal), "the replacement sent");
        var replacementPdf = Path.Combine(hub.Folder, "replacement.pdf");
        await using (var file = File.Create(replacementPdf))
            await replacement.Attachments.OfType<MimePart>().Single(a => a.FileName!.EndsWith(".pdf", StringComparison.Ordinal)).Content!.DecodeToAsync(file);
        Assert.Contains($"thay thế Báo cáo số {number}", (await PdfTools.RunAsync("pdftotext", replacementPdf, "-")).Output.ReplaceLineEndings(" "), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EachRole_isRefusedOverHttp_whatItMayNotDo_andTheAuditLogSaysWho()
    {
        const string period = "2026-10";
        var path = $"review/{Plan}/{period}";
        using var office = await LoggedInAsync(ApprovalSetup.Office);
        using var signer = await LoggedInAsync(ApprovalSetup.Signer);
        using var @operator = await LoggedInAsync(ApprovalSetup.Operator);

        // Each sees the page; each action not its own is refused (403) and recorded, nothing changes.
        foreach (var client in new[] { office, signer, @operator })
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(path)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(office, path, "approve", [new("password", ApprovalSetup.Password)])).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(@operator, path, "approve", [new("password", ApprovalSetup.Password)])).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(@operator, path, "ready", [])).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(@operator, path, "edit", [new("section", "results"), new("text", "x")])).Status);
        var signerEdits = await PostAsync(signer, path, "edit", [new("section", "results"), new("text", "x")]);
        Assert.Equal(HttpStatusCode.Forbidden, signerEdits.Status);
        Assert.Contains("Lãnh đạo ký duyệt", WebUtility.HtmlDecode(signerEdits.Html), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(signer, path, "ready", [])).Status);
        // The signer's approval needs the password typed again: a wrong one approves nothing.
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(signer, path, "approve", [new("password", "not the password")])).Status);
        // A form without the page's token, or posted from another site, is refused before anything.
        Assert.Equal(HttpStatusCode.BadRequest, (await office.PostAsync($"{path}/ready", [])).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await office.PostAsync($"{path}/ready", [], ("Origin", "https://evil.example"))).Status);
        using (var connection = new HubDatabase(hub.DatabasePath).Open())
        {
            Assert.NotEqual(ApprovalStates.Approved, new ApprovalStore(connection).Find(Plan, period)?.State);
            Assert.Empty(new ApprovalStore(connection).Edits(Plan, period));
            var refused = new AuditLog(connection).For(ApprovalStore.Target(Plan, period)).Where(a => a.Action.EndsWith("_refused", StringComparison.Ordinal)).Select(a => (a.Actor, a.Action)).ToList();
            Assert.Equal([(ApprovalSetup.Office, "approve_refused"), (ApprovalSetup.Operator, "approve_refused"), (ApprovalSetup.Operator, "ready_refused"),
                (ApprovalSetup.Operator, "edit_refused"), (ApprovalSetup.Signer, "edit_refused"), (ApprovalSetup.Signer, "ready_refused")], refused);
            Assert.Contains(new AuditLog(connection).For("review"), a => a.Actor == ApprovalSetup.Signer && a.Action == "signing_confirmed_failed");
        }

        // A user of another plan sees nothing of this one; a department's credentials do not open the review pages.
        using (var other = await LoggedInAsync(ReviewHub.OtherPlanOffice))
            Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync(path)).Status);
        using (var department = hub.Client())
            Assert.Equal(HttpStatusCode.Unauthorized, (await department.LoginAsync("review", $"{Plan}.TTPVHCC", hub.Passwords[$"{Plan}.TTPVHCC"], null)).Status);
        using (var nobody = hub.Client())
        {
            var anonymous = await nobody.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, anonymous.Status);
            Assert.StartsWith("/review/login?returnUrl=", anonymous.Location!.OriginalString, StringComparison.Ordinal);
        }

        // A password changed since the login ends the session.
        using (var connection = new HubDatabase(hub.DatabasePath).Open())
            Assert.True(new UserStore(connection).ChangePassword(ApprovalSetup.Operator, PasswordHash.Hash("một mật khẩu mới dài", new byte[16], 1_000), DateTimeOffset.UtcNow.AddSeconds(1), "test"));
        Assert.Equal(HttpStatusCode.Redirect, (await @operator.GetAsync(path)).Status);
    }

    private async Task<PortalClient> LoggedInAsync(string user)
    {
        var client = hub.Client();
        var login = await client.LoginAsync("review", user, ApprovalSetup.Password, null);
        Assert.True(login.Status == HttpStatusCode.Redirect, $"{user}: {login.Status} {login.Html}");
        return client;
    }

    /// <summary>Posts one of the page's forms with the page's token, as the browser does.</summary>
    private static async Task<(HttpStatusCode Status, string Html, Uri? Location)> PostAsync(PortalClient client, string path, string action, KeyValuePair<string, string>[] fields)
    {
        var page = await client.GetAsync(path);
        return await client.PostAsync($"{path}/{action}", [new("__RequestVerificationToken", PortalClient.Token(page.Html)), .. fields]);
    }

    /// <summary>The centre (TTPVHCC) reports indicator 1 on its portal form: numerator of denominator.</summary>
    private async Task SendIndicator1Async(string period, int numerator, int denominator)
    {
        using var client = hub.Client();
        Assert.Equal(HttpStatusCode.Redirect, (await client.LoginAsync($"{Plan}.TTPVHCC", hub.Passwords[$"{Plan}.TTPVHCC"])).Status);
        var form = await client.GetAsync($"portal/{Plan}/{period}");
        var sent = await client.PostAsync($"portal/{Plan}/{period}", [new("__RequestVerificationToken", PortalClient.Token(form.Html)),
            new("ind.1.numerator", numerator.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("ind.1.denominator", denominator.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        Assert.True(sent.Status == HttpStatusCode.SeeOther, sent.Html);
        // The portal's update is stored by the hub's consumer: wait until the compiled report counts it.
        await Delivery.DeliveryHost.EventuallyAsync(() => Receipt(period), r => r is not null && r > LastSeen, $"the hub stored {numerator}/{denominator}");
        LastSeen = Receipt(period)!.Value;
    }

    private DateTimeOffset LastSeen { get; set; } = DateTimeOffset.MinValue;

    private DateTimeOffset? Receipt(string period)
    {
        using var connection = new HubDatabase(hub.DatabasePath).Open();
        return new ApprovalStore(connection).LatestReceipts(Plan, period).TryGetValue("TTPVHCC", out var at) ? at : null;
    }

    private IReadOnlyList<MimeMessage> Mails(Func<MimeMessage, bool> match) => hub.Smtp.Accepted.Select(m => m.Parse()).Where(match).ToList();

    private async Task<MimeMessage> EventuallyMailAsync(Func<MimeMessage, bool> match, string what) =>
        (await Delivery.DeliveryHost.EventuallyAsync(() => Mails(match), m => m.Count > 0, what, TimeSpan.FromSeconds(60)))[0];
}
