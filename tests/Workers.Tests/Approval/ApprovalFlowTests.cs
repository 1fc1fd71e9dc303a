using System.Globalization;
using ChuyenDoiSo.Reporting.Approval;
using ChuyenDoiSo.Reporting.Operations;
using ChuyenDoiSo.Reporting.Register;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Reporting.Users;
using ChuyenDoiSo.Workers.Approval;
using ChuyenDoiSo.Workers.Tests.Delivery;
using ChuyenDoiSo.Workers.Tests.Signing;
using ChuyenDoiSo.Workers.Tests.Smtp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Quartz;
using Xunit.Abstractions;

namespace ChuyenDoiSo.Workers.Tests.Approval;

/// <summary>
/// `approval: required` through the hub's own scheduler on a fake clock and a real SMTP server: the draft at the cut-off,
/// the notices, nothing sent at the send time without approval, then approval sends once with the number and both signatures.
/// </summary>
public sealed class ApprovalFlowTests(ITestOutputHelper output) : IDisposable
{
    private const string PlanId = ApprovalSetup.PlanId;
    private const string Period = "2026-11";
    private static readonly TimeSpan Local = TimeSpan.FromHours(7);
    private static readonly DateTimeOffset DraftAt = new(2026, 11, 12, 0, 0, 0, Local);   // end of the cut-off day, 11 November
    private static readonly DateTimeOffset RemindAt = new(2026, 11, 12, 8, 0, 0, Local);  // 24 h before is before the draft: 08:00 on the day
    private static readonly DateTimeOffset SendAt = new(2026, 11, 12, 17, 0, 0, Local);
    private readonly TempDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    /// <param name="seeds">Changes the seeds folder's files before the hub reads them.</param>
    private async Task<(DeliveryHost Hub, SmtpSink Smtp)> StartAsync(FakeTimeProvider clock, Action<string>? seeds = null)
    {
        var smtp = SmtpSink.Start();
        var folder = ApprovalSetup.Seeds(_data.Path);
        seeds?.Invoke(folder);
        var hub = DeliveryHost.Build(_data.Path, clock, output, new Dictionary<string, string?>
        {
            ["Hub:Seeds"] = folder,
            ["Hub:Smtp:Host"] = smtp.Host,
            ["Hub:Smtp:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Hub:Smtp:Security"] = "None",
            ["Hub:Http:PublicUrl"] = "https://cds.binhchuong.example/",
        });
        ApprovalSetup.Users(hub.Services.GetRequiredService<HubDatabase>(), clock.GetUtcNow());
        await hub.StartAsync();
        return (hub, smtp);
    }

    private static ApprovalService Approvals(DeliveryHost hub) => hub.Services.GetRequiredService<ApprovalService>();

    private static UserRow User(DeliveryHost hub, string name)
    {
        using var connection = hub.Services.GetRequiredService<HubDatabase>().Open();
        return new UserStore(connection).Find(name)!.Value.User;
    }

    private static async Task<ITrigger?> TriggerAsync(DeliveryHost hub, string name) =>
        await (await hub.SchedulerAsync()).GetTrigger(new TriggerKey($"{PlanId}|{Period}|{name}", "chuyendoiso"));

    private static Task<IReadOnlyList<SmtpSinkMessage>> MessagesAsync(SmtpSink smtp, int count, string what) =>
        DeliveryHost.EventuallyAsync(() => smtp.Accepted, m => m.Count >= count, what);

    [Fact]
    public async Task Required_draftAtCutOff_heldAtSendTime_thenApprovalSendsOnceWithNumberAndBothSignatures()
    {
        var clock = new FakeTimeProvider(DraftAt.AddHours(-2));
        var (hub, smtp) = await StartAsync(clock);
        await using var _ = hub;
        await using var __ = smtp;
        Assert.Equal(DraftAt, (await TriggerAsync(hub, "draft"))?.NextFireTimeUtc);
        Assert.Equal(RemindAt, (await TriggerAsync(hub, "approval-reminder"))?.NextFireTimeUtc);

        // The cut-off: the draft, and one email each to the office and the signer with the review link and the draft PDF.
        clock.SetUtcNow(DraftAt);
        var drafts = await MessagesAsync(smtp, 2, "the draft told the office and the signer");
        Assert.Equal([ApprovalSetup.SignerEmail, ApprovalSetup.OfficeEmail], drafts.Select(m => m.Recipients.Single()).Order(StringComparer.Ordinal));
        var notice = drafts[0].Parse();
        Assert.StartsWith("Dự thảo báo cáo chuyển đổi số", notice.Subject, StringComparison.Ordinal);
        Assert.Contains($"https://cds.binhchuong.example/review/{PlanId}/{Period}", notice.TextBody, StringComparison.Ordinal);
        var attached = Assert.Single(notice.Attachments.OfType<MimePart>());
        var draftFile = _data.Combine("draft.pdf");
        await using (var file = File.Create(draftFile)) await attached.Content!.DecodeToAsync(file);
        var draftText = (await PdfTools.RunAsync("pdftotext", draftFile, "-")).Output;
        Assert.Contains("DỰ THẢO", draftText, StringComparison.Ordinal);
        Assert.DoesNotContain("01/BC-UBND", draftText, StringComparison.Ordinal);
        Assert.Equal(ApprovalStates.Draft, Approvals(hub).Find(PlanId, Period)?.State);
        Assert.Equal(1L, ApprovalSetup.Gauges(hub.Services, "hub.reports.awaiting_approval")["hub.reports.awaiting_approval"]);

        // The reminder before the send time, to both again.
        clock.SetUtcNow(RemindAt);
        var reminders = (await MessagesAsync(smtp, 4, "the approval reminders")).Skip(2).Select(m => m.Parse()).ToList();
        Assert.All(reminders, m => Assert.StartsWith("Nhắc phê duyệt", m.Subject, StringComparison.Ordinal));

        // The send time without approval: nothing leaves, the ledger says awaiting_approval on both channels.
        clock.SetUtcNow(SendAt);
        var held = await DeliveryHost.EventuallyAsync(() => hub.Rows(Period), r => r.Count == 2 && r.All(x => x.Status == "awaiting_approval"), "held on both channels");
        Assert.All(held, r => Assert.Null(r.SentAt));
        await DeliveryHost.EventuallyFromAsync(() => hub.ReportTriggerAsync(Period), t => t is null, "the send-time trigger completed");
        Assert.Equal(4, smtp.Accepted.Count);
        Assert.Empty(hub.OutboxFiles("*.json", "forward"));
        Assert.Null(hub.Services.GetRequiredService<OutgoingRegister>().Current(PlanId, Period));
        Assert.Equal(new Dictionary<string, long> { ["hub.reports.awaiting_approval"] = 1, ["hub.reports.overdue"] = 1 },
            ApprovalSetup.Gauges(hub.Services, "hub.reports.awaiting_approval", "hub.reports.overdue"));

        // The signer approves half an hour late: issued (number, both signatures) and sent at once, on both channels.
        clock.SetUtcNow(SendAt.AddMinutes(30));
        var approved = await Approvals(hub).ApproveAsync(hub.Plan, Period, User(hub, ApprovalSetup.Signer), CancellationToken.None);
        Assert.Equal(("01/BC-UBND", false), (approved.Number, approved.AlreadyApproved));
        Assert.Equal([("email", "sent"), ("forward", "sent")], approved.Deliveries.Select(d => (d.Channel, d.Status)));
        Assert.All(hub.Rows(Period), r => Assert.Equal(("sent", SendAt.AddMinutes(30)), (r.Status, r.SentAt!.Value)));
        var report = Assert.Single(smtp.Accepted.Skip(4)).Parse();
        Assert.Equal("skhcn@quang-ngai.example", report.To.Mailboxes.Single().Address);
        Assert.EndsWith("(Số 01/BC-UBND)", report.Subject, StringComparison.Ordinal);
        var pdf = report.Attachments.OfType<MimePart>().Single(a => a.FileName!.EndsWith(".pdf", StringComparison.Ordinal));
        var signedFile = _data.Combine("signed.pdf");
        await using (var file = File.Create(signedFile)) await pdf.Content!.DecodeToAsync(file);
        var (validations, pdfsig) = await PdfTools.PdfSigAsync(signedFile);
        Assert.True(validations.Count == 2 && validations.All(v => v == "Signature is Valid."), pdfsig);
        Assert.DoesNotContain("DỰ THẢO", (await PdfTools.RunAsync("pdftotext", signedFile, "-")).Output, StringComparison.Ordinal);
        Assert.Equal(new Dictionary<string, long> { ["hub.reports.awaiting_approval"] = 0, ["hub.reports.overdue"] = 0 },
            ApprovalSetup.Gauges(hub.Services, "hub.reports.awaiting_approval", "hub.reports.overdue"));

        // A second approval sends nothing more.
        var again = await Approvals(hub).ApproveAsync(hub.Plan, Period, User(hub, ApprovalSetup.Signer), CancellationToken.None);
        Assert.True(again.AlreadyApproved);
        Assert.All(again.Deliveries, d => Assert.Equal("already_sent", d.Status));
        Assert.Equal(5, smtp.Accepted.Count);
        Assert.Single(hub.Services.GetRequiredService<OutgoingRegister>().All(PlanId));
        using var connection = hub.Services.GetRequiredService<HubDatabase>().Open();
        Assert.Equal([("hub", "draft_compiled"), (ApprovalSetup.Signer, "approved"), (ApprovalSetup.Signer, "approve_repeated")],
            new AuditLog(connection).For(ApprovalStore.Target(PlanId, Period)).Select(a => (a.Actor, a.Action)));
    }

    [Fact]
    public async Task ApprovedBeforeSendTime_isIssuedAtApproval_andSentAtTheSendTime_once()
    {
        var clock = new FakeTimeProvider(DraftAt.AddMinutes(-1));
        var (hub, smtp) = await StartAsync(clock);
        await using var _ = hub;
        await using var __ = smtp;
        clock.SetUtcNow(DraftAt);
        await MessagesAsync(smtp, 2, "the draft notices");

        clock.SetUtcNow(DraftAt.AddHours(6)); // 06:00, before the reminder
        var approved = await Approvals(hub).ApproveAsync(hub.Plan, Period, User(hub, ApprovalSetup.Signer), CancellationToken.None);
        Assert.Equal("01/BC-UBND", approved.Number);
        Assert.Empty(approved.Deliveries);
        Assert.Empty(hub.Rows(Period));
        Assert.True(hub.Services.GetRequiredService<OutgoingRegister>().Current(PlanId, Period)!.IsStored);

        // No reminder once approved; the send time sends it, once.
        clock.SetUtcNow(RemindAt);
        await DeliveryHost.EventuallyFromAsync(() => TriggerAsync(hub, "approval-reminder"), t => t is null, "the reminder trigger completed");
        clock.SetUtcNow(SendAt);
        var rows = await DeliveryHost.EventuallyAsync(() => hub.Rows(Period), r => r.Count == 2 && r.All(x => x.Status == "sent"), "sent at the send time");
        Assert.All(rows, r => Assert.Equal((SendAt, 1L), (r.SentAt!.Value, r.Attempts)));
        var messages = await MessagesAsync(smtp, 3, "the report");
        Assert.Equal(3, messages.Count);
        Assert.EndsWith("(Số 01/BC-UBND)", messages[2].Parse().Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PasswordAtSigning_wrongOrNoCertificatePasswordIssuesNothingAndLeavesItUnapproved_theRightOneIssues_andTheSendTimeSendsTheStoredPdf()
    {
        var clock = new FakeTimeProvider(DraftAt.AddMinutes(-1));
        var (hub, smtp) = await StartAsync(clock, seeds => ApprovalSetup.PasswordAtSigning(seeds, new TestCertificates(_data.Combine("certs"))));
        await using var _ = hub;
        await using var __ = smtp;
        clock.SetUtcNow(DraftAt);
        await MessagesAsync(smtp, 2, "the draft notices");
        var register = hub.Services.GetRequiredService<OutgoingRegister>();
        const string wrong = "không phải mật khẩu chứng thư 9";

        // A wrong certificate password, or none: refused in one line, not approved, no number taken; the signer may try again.
        clock.SetUtcNow(DraftAt.AddHours(6));
        foreach (var (typed, says) in new[] { (wrong, "cannot open the PKCS#12 file with the password typed at signing"), ((string?)null, "none was given") })
        {
            var refused = await Assert.ThrowsAsync<ApprovalRefusedException>(() => Approvals(hub).ApproveAsync(hub.Plan, Period, User(hub, ApprovalSetup.Signer), CancellationToken.None, typed));
            Assert.Contains(says, refused.Message, StringComparison.Ordinal);
            Assert.EndsWith("it is not approved and nothing was issued", refused.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(wrong, refused.Message, StringComparison.Ordinal);
            Assert.Equal(ApprovalStates.Draft, Approvals(hub).Find(PlanId, Period)?.State);
            Assert.Empty(register.All(PlanId));
        }

        // The right one: approved, issued with the first number, both signatures; nothing sent before the send time.
        var approved = await Approvals(hub).ApproveAsync(hub.Plan, Period, User(hub, ApprovalSetup.Signer), CancellationToken.None, ApprovalSetup.CertificatePassword);
        Assert.Equal(("01/BC-UBND", false), (approved.Number, approved.AlreadyApproved));
        Assert.Empty(approved.Deliveries);
        var issued = register.Current(PlanId, Period)!;
        Assert.True(issued.IsStored);

        // The send time sends the stored bytes (no password there, and nothing signed again).
        clock.SetUtcNow(SendAt);
        await DeliveryHost.EventuallyAsync(() => hub.Rows(Period), r => r.Count == 2 && r.All(x => x.Status == "sent"), "sent at the send time");
        var report = (await MessagesAsync(smtp, 3, "the report"))[2].Parse();
        var pdf = report.Attachments.OfType<MimePart>().Single(a => a.FileName!.EndsWith(".pdf", StringComparison.Ordinal));
        var signedFile = _data.Combine("signed.pdf");
        await using (var file = File.Create(signedFile)) await pdf.Content!.DecodeToAsync(file);
        Assert.Equal(issued.Pdf, await File.ReadAllBytesAsync(signedFile));
        var (validations, pdfsig) = await PdfTools.PdfSigAsync(signedFile);
        Assert.True(validations.Count == 2 && validations.All(v => v == "Signature is Valid."), pdfsig);
        Assert.Contains("Nguyễn Văn Chủ Tịch", pdfsig, StringComparison.Ordinal);
        Assert.Single(register.All(PlanId));

        using var connection = hub.Services.GetRequiredService<HubDatabase>().Open();
        var audit = new AuditLog(connection).For(ApprovalStore.Target(PlanId, Period));
        Assert.Equal([("hub", "draft_compiled"), (ApprovalSetup.Signer, "approve_refused"), (ApprovalSetup.Signer, "approve_refused"), (ApprovalSetup.Signer, "approved")],
            audit.Select(a => (a.Actor, a.Action)));
        var everything = string.Join("\n", Dapper.SqlMapper.Query<string>(connection, "SELECT actor || ' ' || action || ' ' || target || ' ' || COALESCE(detail, '') FROM audit_log"));
        Assert.Contains("cannot open the PKCS#12 file", everything, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(ApprovalSetup.CertificatePassword, everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADepartmentsUpdateAfterTheDraft_compilesTheKeptDraftAgainOnTheRefreshTimer_untilApproval()
    {
        var clock = new FakeTimeProvider(DraftAt.AddMinutes(-1));
        var (hub, smtp) = await StartAsync(clock);
        await using var _ = hub;
        await using var __ = smtp;
        clock.SetUtcNow(DraftAt);
        await MessagesAsync(smtp, 2, "the draft told the office and the signer");
        var first = Approvals(hub).Find(PlanId, Period)!.DraftCompiledAt;
        async Task<string> DraftText(string name)
        {
            var file = _data.Combine(name);
            await File.WriteAllBytesAsync(file, Approvals(hub).DraftPdf(PlanId, Period)!);
            return string.Join(' ', (await PdfTools.RunAsync("pdftotext", file, "-")).Output.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries));
        }
        Assert.Contains("28 chỉ tiêu chưa có số liệu", await DraftText("before.pdf"), StringComparison.Ordinal);

        // The centre reports indicator 1 after the cut-off: 43 of 50, above its 80 % target.
        Store(hub, clock, 43, 50);
        clock.Advance(TimeSpan.FromSeconds(61));
        await DeliveryHost.EventuallyAsync(() => Approvals(hub).Find(PlanId, Period)!.DraftCompiledAt, at => at > first, "the draft compiled again");
        Assert.Contains("1 chỉ tiêu đạt mục tiêu năm", await DraftText("after.pdf"), StringComparison.Ordinal);
        Assert.Empty(hub.Services.GetRequiredService<DraftRefresher>().Refresh());

        // Approved, the draft is locked: a later update is stored, the kept draft is not compiled again.
        clock.SetUtcNow(SendAt.AddMinutes(5));
        await Approvals(hub).ApproveAsync(hub.Plan, Period, User(hub, ApprovalSetup.Signer), CancellationToken.None);
        var approvedDraft = Approvals(hub).DraftPdf(PlanId, Period);
        Store(hub, clock, 20, 50);
        Assert.Empty(hub.Services.GetRequiredService<DraftRefresher>().Refresh());
        Assert.Equal(approvedDraft, Approvals(hub).DraftPdf(PlanId, Period));
    }

    /// <summary>The centre's update for the period, received now, as the hub's consumer stores it.</summary>
    private static void Store(DeliveryHost hub, FakeTimeProvider clock, int numerator, int denominator)
    {
        var update = new Contracts.DepartmentReportSubmitted
        {
            MessageId = Guid.NewGuid(), PlanId = PlanId, Department = "TTPVHCC", Period = Period,
            Indicators = [new Contracts.IndicatorValue { Code = "1", Numerator = numerator, Denominator = denominator }],
        };
        var outcome = hub.Services.GetRequiredService<Reporting.Ingest.IngestStore>().Store(new Reporting.Ingest.IncomingSubmission(update, update.MessageId,
            System.Text.Json.JsonSerializer.Serialize(update, Reporting.Plans.PlanJson.Options), clock.GetUtcNow(), null, Reporting.Ingest.SubmissionValidator.Validate(update, hub.Catalog)));
        Assert.Equal(Reporting.Ingest.IngestOutcome.Accepted, outcome.Outcome);
    }
}
