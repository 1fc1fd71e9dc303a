using System.Text.Json;
using System.Text.Json.Nodes;
using ChuyenDoiSo.Reporting.Approval;
using ChuyenDoiSo.Reporting.Operations;
using ChuyenDoiSo.Reporting.Register;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Tests.Cli;
using ChuyenDoiSo.Workers.Tests.Signing;
using MimeKit;

namespace ChuyenDoiSo.Workers.Tests.Approval;

/// <summary>
/// `review`, `approve` and `drafts` as an operator without a browser runs them, on a plan with `approval: required` whose
/// 2026-11 report is past its cut-off and its send time: each role refused what it may not do, the department sent back
/// and its correction seen, approval issued and sent once, the period locked, the replacement path still open.
/// </summary>
public sealed class ApprovalCliTests : IDisposable
{
    private const string PlanId = ApprovalSetup.PlanId;
    private const string Period = "2026-11";
    private readonly ApprovalFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Data => _folder.Data;

    private Task<HubRun> Run(string? password, params string[] args) => _folder.Run(password, args);

    private async Task Ingest(string department, string indicator, decimal value, string? difficulties = null)
    {
        var file = _folder.Combine($"{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new
        {
            messageId = Guid.NewGuid().ToString(), planId = PlanId, department, period = Period, submittedAt = DateTimeOffset.UtcNow,
            indicators = new[] { new { code = indicator, value } },
            narrative = new { difficulties },
        }));
        var run = await Run(null, "ingest", "--file", file);
        Assert.True(run.ExitCode == 0, run.ToString());
    }

    private async Task<JsonObject> Draft()
    {
        var run = await Run(null, "drafts", "--plan", PlanId, "--format", "json");
        Assert.True(run.ExitCode == 0, run.ToString());
        return JsonNode.Parse(run.Stdout)!.AsArray().Single(d => (string)d!["period"]! == Period)!.AsObject();
    }

    private static decimal? Value(JsonObject draft, string code) =>
        draft["indicators"]!.AsArray().Where(i => (string)i!["code"]! == code).Select(i => (decimal?)i!["value"]).SingleOrDefault();

    [Fact]
    public async Task OfficeReturns_departmentCorrects_operatorAndOfficeCannotApprove_signerApprovesOnce_andThePeriodIsLocked()
    {
        await Ingest("TTPVHCC", "1", 40);

        // Nobody but the signer approves; a wrong password is refused the same way as an unknown user.
        foreach (var (user, password, says) in new[]
                 {
                     (ApprovalSetup.Office, ApprovalSetup.Password, "only the signer may approve and sign; the user is office"),
                     (ApprovalSetup.Operator, ApprovalSetup.Password, "only the signer may approve and sign; the user is operator"),
                     (ApprovalSetup.Signer, "not the password", "unknown user or wrong password"),
                 })
        {
            var refused = await Run(password, "approve", "--plan", PlanId, "--period", Period, "--user", user);
            Assert.True(refused.ExitCode == 2, refused.ToString());
            Assert.Contains(says, Assert.Single(refused.StderrLines), StringComparison.Ordinal);
            Assert.DoesNotContain(ApprovalSetup.Password, refused.Stdout + refused.Stderr, StringComparison.Ordinal);
        }
        var signerReturns = await Run(ApprovalSetup.Password, "review", "--plan", PlanId, "--period", Period, "--return", "TTPVHCC", "--comment", "x", "--user", ApprovalSetup.Signer);
        Assert.True(signerReturns.ExitCode == 2, signerReturns.ToString());
        Assert.Contains("only the office may send a department's update back", signerReturns.Stderr, StringComparison.Ordinal);
        var unknownDepartment = await Run(ApprovalSetup.Password, "review", "--plan", PlanId, "--period", Period, "--return", "NOPE", "--comment", "x", "--user", ApprovalSetup.Office);
        Assert.True(unknownDepartment.ExitCode == 2, unknownDepartment.ToString());
        Assert.Contains("--return \"NOPE\" is not a department of binh-chuong-2026", unknownDepartment.Stderr, StringComparison.Ordinal);

        // The office sends TTPVHCC back: recorded, the department emailed with the comment and the link to its form.
        const string comment = "Tỷ lệ hồ sơ trực tuyến 40% thấp hơn số đã báo cáo tháng trước, đề nghị kiểm tra lại";
        // As the issue spells it, without --user: the plan's only office user acts, its password read and checked.
        var returned = await Run(ApprovalSetup.Password, "review", "--plan", PlanId, "--period", Period, "--return", "TTPVHCC", "--comment", comment);
        Assert.True(returned.ExitCode == 0, returned.ToString());
        var email = MimeMessage.Load(Directory.EnumerateFiles(Path.Combine(Data, "outbox"), "returned_*.eml").Single());
        Assert.Contains(comment, email.TextBody, StringComparison.Ordinal);
        Assert.Contains($"/portal/{PlanId}/{Period}", email.TextBody, StringComparison.Ordinal);
        var draft = await Draft();
        Assert.Equal(("draft", 40m), ((string)draft["state"]!, Value(draft, "1")));
        var back = draft["returned"]!.AsArray().Single()!;
        Assert.Equal(("TTPVHCC", comment, ApprovalSetup.Office, true), ((string)back["department"]!, (string)back["comment"]!, (string)back["by"]!, (bool)back["stillReturned"]!));
        // What the review page lists for a decision is in `drafts` too: the centre sent back, not corrected yet.
        var returnedFinding = draft["findings"]!.AsArray().Single(f => (string?)f!["kind"] == FindingKinds.DepartmentReturned)!;
        Assert.Equal("TTPVHCC", (string?)returnedFinding["department"]);
        Assert.Contains(comment, (string?)returnedFinding["text"], StringComparison.Ordinal);

        // Its correction: no longer returned, and the draft has the new value.
        await Ingest("TTPVHCC", "1", 82);
        draft = await Draft();
        Assert.False((bool)draft["returned"]![0]!["stillReturned"]!);
        Assert.DoesNotContain(draft["findings"]!.AsArray(), f => (string?)f!["kind"] == FindingKinds.DepartmentReturned);
        Assert.Equal(82m, Value(draft, "1"));

        // The signer approves: past the send time, so issued and sent at once; a second approval issues and sends nothing.
        var approve = await Run(ApprovalSetup.Password, "approve", "--plan", PlanId, "--period", Period, "--user", ApprovalSetup.Signer);
        Assert.True(approve.ExitCode == 0, approve.ToString());
        Assert.Contains("issued 01/BC-UBND, sent now", approve.Stdout, StringComparison.Ordinal);
        var again = await Run(ApprovalSetup.Password, "approve", "--plan", PlanId, "--period", Period, "--user", ApprovalSetup.Signer);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("approved already by chutich.bc", again.Stdout, StringComparison.Ordinal);
        Assert.Contains("already_sent", again.Stdout, StringComparison.Ordinal);
        var report = MimeMessage.Load(Path.Combine(Data, "outbox", $"{PlanId}_{Period}.eml"));
        Assert.EndsWith("(Số 01/BC-UBND)", report.Subject, StringComparison.Ordinal);

        // Locked: a late update is stored and marked; the issued document stays byte for byte; nothing goes again.
        await Ingest("TTPVHCC", "1", 90);
        draft = await Draft();
        Assert.Equal(("approved", "chutich.bc", "01/BC-UBND"), ((string)draft["state"]!, (string)draft["approvedBy"]!, (string)draft["number"]!));
        Assert.Equal("TTPVHCC", (string)draft["lateUpdates"]![0]!["department"]!);
        var register = new OutgoingRegister(new HubDatabase(Path.Combine(Data, "hub.db")));
        var issued = register.Current(PlanId, Period)!;
        var pdf = _folder.Combine("compiled.pdf");
        Assert.Equal(0, (await Run(null, "compile", "--plan", PlanId, "--period", Period, "--format", "pdf", "--out", pdf)).ExitCode);
        Assert.Equal(issued.Pdf, await File.ReadAllBytesAsync(pdf));
        var deliver = await Run(null, "deliver", "--plan", PlanId, "--period", Period);
        Assert.True(deliver.ExitCode == 0, deliver.ToString());
        Assert.All(deliver.StdoutLines, l => Assert.StartsWith("already_sent", l, StringComparison.Ordinal));
        var edit = await Run(ApprovalSetup.Password, "review", "--plan", PlanId, "--period", Period, "--edit", "difficulties", "--text", "Mới", "--user", ApprovalSetup.Office);
        Assert.True(edit.ExitCode == 2, edit.ToString());
        Assert.Contains("approved and the period locked", edit.Stderr, StringComparison.Ordinal);

        // The replacement path: not unseen by `deliver --correction`, but reopened by the office and approved by the signer,
        // then a new number that names the one it replaces, with the late update in it, sent again.
        var correction = await Run(null, "deliver", "--plan", PlanId, "--period", Period, "--correction");
        Assert.True(correction.ExitCode == 2, correction.ToString());
        Assert.Contains("--reopen", correction.Stderr, StringComparison.Ordinal);
        Assert.Equal(issued.Id, register.Current(PlanId, Period)!.Id);
        var signerReopens = await Run(ApprovalSetup.Password, "review", "--plan", PlanId, "--period", Period, "--reopen", "--comment", "Cập nhật sau phê duyệt", "--user", ApprovalSetup.Signer);
        Assert.True(signerReopens.ExitCode == 2, signerReopens.ToString());
        var reopen = await Run(ApprovalSetup.Password, "review", "--plan", PlanId, "--period", Period, "--reopen", "--comment", "Trung tâm gửi số liệu sau phê duyệt", "--user", ApprovalSetup.Office);
        Assert.True(reopen.ExitCode == 0, reopen.ToString());
        Assert.Equal("draft", (string)(await Draft())["state"]!);
        var reapproved = await Run(ApprovalSetup.Password, "approve", "--plan", PlanId, "--period", Period, "--user", ApprovalSetup.Signer);
        Assert.True(reapproved.ExitCode == 0, reapproved.ToString());
        Assert.Contains("issued 02/BC-UBND, sent now", reapproved.Stdout, StringComparison.Ordinal);
        var replacement = register.Current(PlanId, Period)!;
        Assert.Equal(("02/BC-UBND", issued.Id), (replacement.Number, replacement.ReplacesId!.Value));
        await File.WriteAllBytesAsync(pdf, replacement.Pdf!);
        Assert.Contains("thay thế Báo cáo số 01/BC-UBND", (await PdfTools.RunAsync("pdftotext", pdf, "-")).Output, StringComparison.Ordinal);
        Assert.Equal(issued.Pdf, register.Find(issued.Id)!.Pdf);

        using var connection = new HubDatabase(Path.Combine(Data, "hub.db")).Open();
        Assert.Equal(
            [
                (ApprovalSetup.Office, "approve_refused"), (ApprovalSetup.Operator, "approve_refused"), (ApprovalSetup.Signer, "approve_refused"),
                // The hub had no draft kept (the CLI ran no cut-off): the office's first allowed action compiles it.
                (ApprovalSetup.Signer, "return_refused"), ("hub", "draft_compiled"), (ApprovalSetup.Office, "department_returned"),
                (ApprovalSetup.Signer, "approved"), (ApprovalSetup.Signer, "approve_repeated"), (ApprovalSetup.Office, "edit_refused"),
                (ApprovalSetup.Signer, "reopen_refused"), (ApprovalSetup.Office, "reopened"), (ApprovalSetup.Signer, "approved"),
            ],
            new AuditLog(connection).For($"{PlanId}/{Period}").Select(a => (a.Actor, a.Action)));
    }

    private async Task<string> PdfText(byte[] pdf)
    {
        var file = _folder.Combine($"{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(file, pdf);
        return (await PdfTools.RunAsync("pdftotext", file, "-")).Output;
    }

    private async Task Edit(string section, string text)
    {
        var edit = await Run(ApprovalSetup.Password, "review", "--plan", PlanId, "--period", Period, "--edit", section, "--text", text, "--user", ApprovalSetup.Office);
        Assert.True(edit.ExitCode == 0, edit.ToString());
    }

    [Fact]
    public async Task OfficeEdits_arePrintedInTheDraftAndTheIssuedSignedPdf_andAnEditAfterApprovalIsRefusedAndChangesNothing()
    {
        await Ingest("TTPVHCC", "1", 82, difficulties: "Thiếu máy quét hồ sơ.");
        await Edit("results", "Xã hoàn thành cơ bản kế hoạch tháng.\nTỷ lệ hồ sơ trực tuyến tăng.");
        await Edit("difficulties", "Bản nháp đầu tiên của văn phòng.");
        await Edit("difficulties", "Đường truyền ở thôn xa còn yếu.");
        await Edit("proposals", "Đề nghị Sở hỗ trợ kinh phí.");
        await Edit("next_tasks", "Tập trung số hóa hồ sơ đất đai.");
        string[] printed = ["Đánh giá chung", "Xã hoàn thành cơ bản kế hoạch tháng.", "Tỷ lệ hồ sơ trực tuyến tăng.", "Đường truyền ở thôn xa còn yếu.",
            "Đề nghị Sở hỗ trợ kinh phí.", "Tập trung số hóa hồ sơ đất đai."];

        // The draft as the office and the signer see it: every edit, the newest of each section, the office's words first.
        var draftFile = _folder.Combine("draft.pdf");
        Assert.Equal(0, (await Run(null, "compile", "--plan", PlanId, "--period", Period, "--format", "pdf", "--out", draftFile)).ExitCode);
        var draft = await PdfText(await File.ReadAllBytesAsync(draftFile));
        Assert.Contains("DỰ THẢO", draft, StringComparison.Ordinal);
        Assert.All(printed, t => Assert.Contains(t, draft, StringComparison.Ordinal));
        Assert.DoesNotContain("Bản nháp đầu tiên", draft, StringComparison.Ordinal);
        Assert.True(draft.IndexOf("Đường truyền ở thôn xa", StringComparison.Ordinal) < draft.IndexOf("Thiếu máy quét", StringComparison.Ordinal), draft);

        // Approved: the last draft kept and the issued, signed PDF both print them.
        var approve = await Run(ApprovalSetup.Password, "approve", "--plan", PlanId, "--period", Period, "--user", ApprovalSetup.Signer);
        Assert.True(approve.ExitCode == 0, approve.ToString());
        var database = new HubDatabase(Path.Combine(Data, "hub.db"));
        byte[] lastDraft;
        using (var connection = database.Open()) lastDraft = new Reporting.Approval.ApprovalStore(connection).DraftPdf(PlanId, Period)!;
        var kept = await PdfText(lastDraft);
        Assert.All(printed, t => Assert.Contains(t, kept, StringComparison.Ordinal));
        var issued = new OutgoingRegister(database).Current(PlanId, Period)!;
        var signedFile = _folder.Combine("signed.pdf");
        await File.WriteAllBytesAsync(signedFile, issued.Pdf!);
        var signed = await PdfText(issued.Pdf!);
        Assert.All(printed, t => Assert.Contains(t, signed, StringComparison.Ordinal));
        Assert.DoesNotContain("DỰ THẢO", signed, StringComparison.Ordinal);
        var (validations, pdfsig) = await PdfTools.PdfSigAsync(signedFile);
        Assert.True(validations.Count == 2 && validations.All(v => v == "Signature is Valid."), pdfsig);
        Assert.Contains("Đường truyền ở thôn xa còn yếu.", issued.Json!, StringComparison.Ordinal);

        // After approval an edit is refused and changes nothing: no new edit, the issued bytes and the compiled PDF the same.
        var late = await Run(ApprovalSetup.Password, "review", "--plan", PlanId, "--period", Period, "--edit", "proposals", "--text", "Sau phê duyệt.", "--user", ApprovalSetup.Office);
        Assert.True(late.ExitCode == 2, late.ToString());
        Assert.Contains("approved and the period locked", Assert.Single(late.StderrLines), StringComparison.Ordinal);
        using (var connection = database.Open())
        {
            var edits = new Reporting.Approval.ApprovalStore(connection).Edits(PlanId, Period);
            Assert.Equal(5, edits.Count);
            Assert.DoesNotContain(edits, e => e.Text == "Sau phê duyệt.");
        }
        Assert.Equal(issued.Pdf, new OutgoingRegister(database).Current(PlanId, Period)!.Pdf);
        Assert.Equal(0, (await Run(null, "compile", "--plan", PlanId, "--period", Period, "--format", "pdf", "--out", draftFile)).ExitCode);
        Assert.Equal(issued.Pdf, await File.ReadAllBytesAsync(draftFile));
    }

    [Fact]
    public async Task Approve_withPasswordAtSigning_asksTheCertificatePasswordSecond_refusesAWrongOneWithNothingIssued_thenIssuesWithTheRightOne()
    {
        ApprovalSetup.PasswordAtSigning(_folder.Seeds, new TestCertificates(_folder.Combine("certs")));
        await Ingest("TTPVHCC", "1", 82);
        const string wrong = "không phải mật khẩu chứng thư 9";
        var runs = new List<HubRun>();
        async Task<HubRun> Approve(string input)
        {
            var run = await HubProgram.RunWithInputAsync(_folder.Path, input, "approve", "--plan", PlanId, "--period", Period, "--user", ApprovalSetup.Signer, "--data", Data, "--seeds", _folder.Seeds);
            runs.Add(run);
            return run;
        }

        // The user's password, then a wrong certificate password: one line, exit 2, not approved, no number taken.
        var refused = await Approve($"{ApprovalSetup.Password}\n{wrong}\n");
        Assert.True(refused.ExitCode == 2, refused.ToString());
        var line = Assert.Single(refused.StderrLines);
        Assert.Contains("signing.signer.certificate: cannot open the PKCS#12 file with the password typed at signing", line, StringComparison.Ordinal);
        Assert.Contains("it is not approved and nothing was issued", line, StringComparison.Ordinal);
        var noSecondLine = await Approve(ApprovalSetup.Password + "\n");
        Assert.True(noSecondLine.ExitCode == 2, noSecondLine.ToString());
        Assert.Contains("expected the password on standard input", Assert.Single(noSecondLine.StderrLines), StringComparison.Ordinal);
        var draft = await Draft();
        Assert.Equal("draft", (string)draft["state"]!);
        Assert.Null(draft["number"]);
        var register = new OutgoingRegister(new HubDatabase(Path.Combine(Data, "hub.db")));
        Assert.Empty(register.All(PlanId));

        // The right one: approved, issued 01 (no number was used up) with both signatures, and sent (the send time has passed).
        var approved = await Approve($"{ApprovalSetup.Password}\n{ApprovalSetup.CertificatePassword}\n");
        Assert.True(approved.ExitCode == 0, approved.ToString());
        Assert.Contains("issued 01/BC-UBND, sent now", approved.Stdout, StringComparison.Ordinal);
        var signedFile = _folder.Combine("signed.pdf");
        await File.WriteAllBytesAsync(signedFile, register.Current(PlanId, Period)!.Pdf!);
        var (validations, pdfsig) = await PdfTools.PdfSigAsync(signedFile);
        Assert.True(validations.Count == 2 && validations.All(v => v == "Signature is Valid."), pdfsig);
        Assert.Contains("Nguyễn Văn Chủ Tịch", pdfsig, StringComparison.Ordinal);

        // Neither password is in any output (the logs included) nor in any file of the data folder (hub.db and its journal, the outbox).
        foreach (var secret in new[] { wrong, ApprovalSetup.CertificatePassword })
        {
            Assert.All(runs, r => Assert.DoesNotContain(secret, r.Stdout + r.Stderr, StringComparison.Ordinal));
            var bytes = System.Text.Encoding.UTF8.GetBytes(secret);
            Assert.All(Directory.EnumerateFiles(Data, "*", SearchOption.AllDirectories), f => Assert.True(File.ReadAllBytes(f).AsSpan().IndexOf(bytes) < 0, $"{secret} in {f}"));
        }
        using var connection = new HubDatabase(Path.Combine(Data, "hub.db")).Open();
        // The missing second line never reached the certificate: refused by the verb, before anything is tried.
        Assert.Equal([(ApprovalSetup.Signer, "approve_refused"), ("hub", "draft_compiled"), (ApprovalSetup.Signer, "approved")],
            new AuditLog(connection).For($"{PlanId}/{Period}").Select(a => (a.Actor, a.Action)));
    }
}
