using System.Globalization;
using ChuyenDoiSo.Reporting.Approval;
using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Deliver;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Render;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Reporting.Users;
using ChuyenDoiSo.Workers.Deliver;
using ChuyenDoiSo.Workers.Signing;
using ChuyenDoiSo.Workers.Wiring;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ChuyenDoiSo.Workers.Approval;

/// <summary>An action the acting user may not take (wrong role, wrong plan, wrong password, locked period): said in one sentence.</summary>
public sealed class ApprovalRefusedException(string message, bool certificate = false) : Exception(message)
{
    /// <summary>Refused because a signing certificate did not open (a wrong password typed at signing), not for who the user is.</summary>
    public bool Certificate => certificate;
}

/// <summary>What an approval did: the register's number, and the sends it made now (none when the send time is still ahead).</summary>
public sealed record ApprovalOutcome(bool AlreadyApproved, string? Number, DateTimeOffset SendAt, IReadOnlyList<DeliveryOutcome> Deliveries);

/// <summary>
/// Review and approval of a plan's reports (issue 14), for plans with `approval: required`: the draft at the cut-off and
/// the notice to the office and the signer; their actions, each checked by <see cref="ApprovalWorkflow"/> and kept with who
/// and when; approval issues the report (number, both signatures) and sends it at once or at the send time, whichever is later.
/// </summary>
public sealed class ApprovalService(
    PlanRegistry registry,
    HubDatabase database,
    ReportProducer producer,
    ReportRegistrar registrar,
    DeliveryService delivery,
    DeliveryLoop loop,
    IOptions<HubOptions> options,
    TimeProvider clock,
    ILogger<ApprovalService> logger)
{
    /// <summary>The hub itself, in the audit log.</summary>
    public const string HubActor = "hub";

    private PlanCatalog catalog => registry.Current;

    /// <summary>A commune's report for a plan's period as approval sees it.</summary>
    public ApprovalSubject Subject(Plan plan, string period)
    {
        var reportingPeriod = catalog.FindPeriod(plan, period) ?? throw new ArgumentException($"--period \"{period}\" is not in plan {plan.Id}'s calendar");
        return new ApprovalSubject(plan.Id, period, ReportText.PeriodText(reportingPeriod), $"UBND {plan.Commune.FullName}", plan.RequiresApproval,
            DeliverySchedule.DraftAt(reportingPeriod), DeliverySchedule.SendAt(plan, reportingPeriod), ReviewLinks.Review(options.Value.Http, plan.Id, period),
            day => PdfReportRenderer.Render(ReportDocument.Build(producer.Compile(plan, period), new RenderOptions(day)), new PdfRenderSettings { Draft = true }),
            password => registrar.OpenSigners(plan, password),
            async (signers, correction, ct) => (await registrar.IssueAsync(plan, period, correction, ct, signers: signers)).Entry.Number,
            (resend, ct) => delivery.DeliverAsync(plan, period, resend, ct));
    }

    /// <summary>Compiles the draft (marked DỰ THẢO, no number) and keeps it; false when the period is approved (locked) or the plan needs no approval.</summary>
    public bool CompileDraft(Plan plan, string period) => CompileDraft(Subject(plan, period));

    public bool CompileDraft(ApprovalSubject subject)
    {
        if (!subject.RequiresApproval) return false;
        var pdf = subject.DraftPdf(HubTime.LocalDate(clock.GetUtcNow()));
        using var connection = database.Open();
        return new ApprovalStore(connection).SaveDraft(subject.Id, subject.Period, pdf, clock.GetUtcNow(), HubActor);
    }

    /// <summary>At the cut-off: the draft, and an email with it and the review link to each office and signer user of the plan.</summary>
    public Task<IReadOnlyList<string>> DraftAsync(Plan plan, string period, CancellationToken cancellationToken) => DraftAsync(Subject(plan, period), cancellationToken);

    public async Task<IReadOnlyList<string>> DraftAsync(ApprovalSubject subject, CancellationToken cancellationToken)
    {
        if (!CompileDraft(subject))
        {
            logger.LogInformation("No draft for {Plan} {Period}: {Why}", subject.Id, subject.Period, subject.RequiresApproval ? "approved already" : "it needs no approval");
            return [];
        }
        return await NotifyAsync(subject, "draft", cancellationToken);
    }

    /// <summary>Before the send time: the office and the signer reminded again, unless it is approved.</summary>
    public Task<IReadOnlyList<string>> RemindAsync(Plan plan, string period, CancellationToken cancellationToken) => RemindAsync(Subject(plan, period), cancellationToken);

    public async Task<IReadOnlyList<string>> RemindAsync(ApprovalSubject subject, CancellationToken cancellationToken)
    {
        if (!subject.RequiresApproval || IsApproved(subject.Id, subject.Period)) return [];
        EnsureDraft(subject);
        return await NotifyAsync(subject, "reminder", cancellationToken);
    }

    /// <summary>
    /// The draft of a period whose cut-off passed, compiled now when there is none yet (the hub was down at the cut-off, or
    /// installed after it), so the office and the signer always act on a kept draft.
    /// </summary>
    public void EnsureDraft(Plan plan, string period) => EnsureDraft(Subject(plan, period));

    public void EnsureDraft(ApprovalSubject subject)
    {
        if (subject.RequiresApproval && Find(subject.Id, subject.Period) is null && clock.GetUtcNow() >= subject.DraftAt) CompileDraft(subject);
    }

    public bool IsApproved(string planId, string period)
    {
        using var connection = database.Open();
        return new ApprovalStore(connection).IsApproved(planId, period);
    }

    /// <summary>The kept draft's PDF; null before the first draft.</summary>
    public byte[]? DraftPdf(string planId, string period)
    {
        using var connection = database.Open();
        return new ApprovalStore(connection).DraftPdf(planId, period);
    }

    public ApprovalRow? Find(string planId, string period)
    {
        using var connection = database.Open();
        return new ApprovalStore(connection).Find(planId, period);
    }

    /// <summary>The user, when the password is theirs; else refused (and the attempt recorded).</summary>
    public UserRow Authenticate(string userName, string password, string planId, string period, string action)
    {
        using var connection = database.Open();
        var found = new UserStore(connection).Find(userName);
        if (found is { } f && PasswordHash.Verify(password, f.PasswordHash)) return f.User;
        new ApprovalStore(connection).Refused(planId, period, userName, action, found is null ? "no such user" : "wrong password", clock.GetUtcNow());
        // The same words whether the user exists or not: a refusal must not tell which user names exist.
        throw new ApprovalRefusedException($"--user \"{userName}\": unknown user or wrong password");
    }

    public async Task ReturnDepartmentAsync(Plan plan, string period, UserRow user, string departmentCode, string comment)
    {
        var department = plan.FindDepartment(departmentCode)
            ?? throw new ArgumentException($"--return \"{departmentCode}\" is not a department of {plan.Id}; expected one of {string.Join(", ", plan.Departments.Select(d => d.Code))}");
        if (string.IsNullOrWhiteSpace(comment) || comment.Length > ApprovalSections.MaxLength)
            throw new ArgumentException($"--comment must say what to correct, 1 to {ApprovalSections.MaxLength} characters");
        var state = Decide(plan, period, user, ApprovalAction.ReturnDepartment, "return");
        using var connection = database.Open();
        var store = new ApprovalStore(connection);
        if (store.Receipts(plan.Id, period).All(r => r.Department != department.Code))
            throw new ArgumentException($"--return \"{department.Code}\" has sent no update for {period}; there is nothing to send back");
        var id = store.Return(plan.Id, period, department.Code, comment.Trim(), user.UserName, clock.GetUtcNow(), state);
        await SendReturnAsync(plan, period, department, comment.Trim(), id);
    }

    public void EditSection(Plan plan, string period, UserRow user, string section, string text)
    {
        if (!ApprovalSections.All.Contains(section))
            throw new ArgumentException($"--edit \"{section}\" is not a section the office writes; expected one of {string.Join(", ", ApprovalSections.All)}");
        if (text.Length > ApprovalSections.MaxLength) throw new ArgumentException($"--text has {text.Length} characters; expected at most {ApprovalSections.MaxLength}");
        var state = Decide(plan, period, user, ApprovalAction.EditSection, "edit");
        using var connection = database.Open();
        var store = new ApprovalStore(connection);
        if (store.Edit(plan.Id, period, section, text, user.UserName, clock.GetUtcNow(), state)) return;
        const string why = "the report was approved meanwhile and the period locked";
        store.Refused(plan.Id, period, user.UserName, "edit", why, clock.GetUtcNow());
        throw new ApprovalRefusedException($"--user \"{user.UserName}\" may not edit {plan.Id} {period}: {why}");
    }

    public void MarkReady(Plan plan, string period, UserRow user) => MarkReady(Subject(plan, period), user);

    public void MarkReady(ApprovalSubject subject, UserRow user)
    {
        Decide(subject, user, ApprovalAction.MarkReady, "ready");
        using var connection = database.Open();
        new ApprovalStore(connection).MarkReady(subject.Id, subject.Period, user.UserName, clock.GetUtcNow());
    }

    /// <summary>
    /// The signer approves: the period is locked, the report issued (the register's number, the signer's and the agency's
    /// signatures, stored) and sent now when its send time has come; else the send time's trigger sends the stored bytes. A
    /// second approval changes nothing and sends only what the ledger has not sent yet (nothing, once all went); it issues
    /// only a report approved whose issue failed.
    /// </summary>
    /// <param name="signerCertificatePassword">
    /// For a plan whose signer's certificate password is typed at signing (`signing.signer.passwordAtSigning`): that password,
    /// used for this one signing and never kept. Ignored for other plans.
    /// </param>
    public Task<ApprovalOutcome> ApproveAsync(Plan plan, string period, UserRow user, CancellationToken cancellationToken, string? signerCertificatePassword = null) =>
        ApproveAsync(Subject(plan, period), user, cancellationToken, signerCertificatePassword);

    public async Task<ApprovalOutcome> ApproveAsync(ApprovalSubject subject, UserRow user, CancellationToken cancellationToken, string? signerCertificatePassword = null)
    {
        var (id, period, sendAt) = (subject.Id, subject.Period, subject.SendAt);
        var row = Find(id, period);
        if (row?.State == ApprovalStates.Approved)
        {
            using (var connection = database.Open())
                new Reporting.Operations.AuditLog(connection).Record(clock.GetUtcNow(), user.UserName, "approve_repeated", ApprovalStore.Target(id, period),
                    $"approved by {row.ApprovedBy} at {row.ApprovedAt:O}");
            string? number = null;
            if ((row.Replacing || !registrar.IsIssued(id, period)) && user.Role == UserRoles.Signer && user.PlanId == id)
            {
                // Approved, but its issue failed (a timestamp server down, a crash): the signer issues it now.
                using var lease = OpenSigners(subject, user, signerCertificatePassword, "it stays approved and is not issued yet");
                number = await IssueAsync(subject, lease, row.Replacing, cancellationToken);
            }
            return new ApprovalOutcome(true, number, sendAt, clock.GetUtcNow() >= sendAt || row.Replacing ? await subject.Deliver(row.Replacing, cancellationToken) : []);
        }
        if (row is null && clock.GetUtcNow() < subject.DraftAt)
            throw new ApprovalRefusedException($"the data of {period} are open until {HubTime.LocalDateTime(subject.DraftAt):yyyy-MM-dd HH:mm}; there is no draft to approve yet");
        Decide(subject, user, ApprovalAction.Approve, "approve");
        // The certificates opened before anything is recorded: one that does not open (a wrong password typed) leaves the
        // report unapproved and takes no number, so the signer can try again.
        using (var lease = OpenSigners(subject, user, signerCertificatePassword, "it is not approved and nothing was issued"))
        {
            // The approved content is the draft as it stands now: compiled once more, then locked.
            CompileDraft(subject);
            bool approved;
            using (var connection = database.Open()) approved = new ApprovalStore(connection).Approve(id, period, user.UserName, clock.GetUtcNow());
            if (!approved) return new ApprovalOutcome(true, null, sendAt, []);
            // A report reopened for a replacement: a new number naming the old one, sent again on every channel at once.
            var replacing = row?.Replacing == true;
            var number = await IssueAsync(subject, lease, replacing, cancellationToken);
            var now = clock.GetUtcNow() >= sendAt || replacing;
            logger.LogInformation("Report {Plan} {Period} approved by {User}: issued as {Number}{Replacement}; {When}", id, period, user.UserName, number,
                replacing ? " (a replacement)" : "", now ? "sending now" : $"sending at {HubTime.LocalDateTime(sendAt):yyyy-MM-dd HH:mm}");
            var sent = now ? await subject.Deliver(replacing, cancellationToken) : [];
            return new ApprovalOutcome(false, number, sendAt, sent);
        }
    }

    /// <summary>Issues the approved report, or its replacement; a replacement issued clears the reopened mark.</summary>
    private async Task<string> IssueAsync(ApprovalSubject subject, SigningLease lease, bool replacing, CancellationToken cancellationToken)
    {
        var number = await subject.Issue(lease.Signers, replacing, cancellationToken);
        if (replacing)
        {
            using var connection = database.Open();
            new ApprovalStore(connection).ReplacementIssued(subject.Id, subject.Period);
        }
        return number;
    }

    /// <summary>
    /// The office reopens an approved report for a replacement (updates after approval, an error found): the period is a
    /// draft again, reviewed as before, and the signer's approval issues a new number naming the old one.
    /// </summary>
    public void Reopen(ApprovalSubject subject, UserRow user, string reason)
    {
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > ApprovalSections.MaxLength)
            throw new ArgumentException($"--comment must say why the report is replaced, 1 to {ApprovalSections.MaxLength} characters");
        Decide(subject, user, ApprovalAction.Reopen, "reopen");
        using var connection = database.Open();
        if (!new ApprovalStore(connection).Reopen(subject.Id, subject.Period, user.UserName, reason.Trim(), clock.GetUtcNow()))
            throw new ApprovalRefusedException($"{subject.Id} {subject.Period} is not approved: there is nothing to replace");
        logger.LogInformation("Report {Plan} {Period} reopened by {User} for a replacement", subject.Id, subject.Period, user.UserName);
    }

    /// <summary>The signers of this approval's issue, or refused (and the refusal recorded): the message names the setting, never the password.</summary>
    private SigningLease OpenSigners(ApprovalSubject subject, UserRow user, string? signerCertificatePassword, string outcome)
    {
        try
        {
            return subject.OpenSigners(signerCertificatePassword);
        }
        catch (SigningConfigurationException e)
        {
            using var connection = database.Open();
            new ApprovalStore(connection).Refused(subject.Id, subject.Period, user.UserName, "approve", e.Message, clock.GetUtcNow());
            throw new ApprovalRefusedException($"{e.Message}; {subject.Id} {subject.Period}: {outcome}", certificate: true);
        }
    }

    /// <summary>The state after the action, or refused: the refusal recorded in the audit log and thrown.</summary>
    private string Decide(Plan plan, string period, UserRow user, ApprovalAction action, string name) => Decide(Subject(plan, period), user, action, name);

    private string Decide(ApprovalSubject subject, UserRow user, ApprovalAction action, string name)
    {
        var decision = ApprovalWorkflow.Decide(Find(subject.Id, subject.Period)?.State, action, subject.Id, user.Role, user.PlanId);
        if (decision.Allowed)
        {
            // The office acts on a kept draft (the approval compiles its own, last one).
            if (action is not (ApprovalAction.Approve or ApprovalAction.Reopen)) EnsureDraft(subject);
            return decision.State;
        }
        using var connection = database.Open();
        new ApprovalStore(connection).Refused(subject.Id, subject.Period, user.UserName, name, decision.Refusal!, clock.GetUtcNow());
        throw new ApprovalRefusedException($"--user \"{user.UserName}\" may not {name} {subject.Id} {subject.Period}: {decision.Refusal}");
    }

    private async Task<IReadOnlyList<string>> NotifyAsync(ApprovalSubject subject, string kind, CancellationToken cancellationToken)
    {
        IReadOnlyList<UserRow> users;
        byte[]? pdf;
        using (var connection = database.Open())
        {
            users = new UserStore(connection).List(subject.Id).Where(u => u.Role is UserRoles.Office or UserRoles.Signer).ToList();
            pdf = new ApprovalStore(connection).DraftPdf(subject.Id, subject.Period);
        }
        if (users.Count == 0)
        {
            logger.LogWarning("{Plan} requires approval but has no office or signer user to tell about {Period} (users add --plan {Plan} --role office|signer)", subject.Id, subject.Period, subject.Id);
            return [];
        }
        var notices = users.Select(u => new Reminder($"approval-{kind}:{u.UserName}", u.Email, Notice(subject, u, kind, pdf),
            $"approval-{kind}_{subject.Id}_{subject.Period}_{u.UserName}.eml"));
        return await loop.RemindAsync(subject.Id, subject.Period, 0, notices, cancellationToken, countAsReminder: false);
    }

    private MimeMessage Notice(ApprovalSubject subject, UserRow user, string kind, byte[]? pdf)
    {
        var words = subject.PeriodText;
        var sendAt = HubTime.LocalDateTime(subject.SendAt).ToString("HH:mm 'ngày' dd/MM/yyyy", CultureInfo.InvariantCulture);
        var title = kind == "draft"
            ? $"Dự thảo báo cáo chuyển đổi số {words} chờ rà soát, phê duyệt"
            : $"Nhắc phê duyệt: báo cáo chuyển đổi số {words} phải gửi lúc {sendAt}";
        var ask = user.Role == UserRoles.Signer ? "Đề nghị đồng chí xem xét, phê duyệt và ký số báo cáo." : "Đề nghị Văn phòng rà soát dự thảo, trả lại bộ phận có số liệu chưa đúng và trình ký.";
        var lead = kind == "draft"
            ? $"Dự thảo báo cáo kết quả thực hiện Kế hoạch chuyển đổi số {words} đã được tổng hợp. Báo cáo sẽ được gửi cấp trên lúc {sendAt} khi đã được phê duyệt."
            : $"Báo cáo kết quả thực hiện Kế hoạch chuyển đổi số {words} chưa được phê duyệt; hạn gửi cấp trên lúc {sendAt}. Báo cáo chưa phê duyệt sẽ không được gửi.";
        return ReportEmail.Notice(new MailboxAddress(subject.Sender, options.Value.Smtp.From), new MailboxAddress(user.UserName, user.Email),
            title, $"{subject.Id.Replace('#', '-')}.{subject.Period}.{user.UserName}.approval-{kind}@chuyendoiso.hub",
            [$"Kính gửi {user.UserName},", lead, ask, subject.Sender],
            subject.ReviewLink is { } link ? ("Xem và phê duyệt dự thảo", link) : null,
            pdf is null ? null : ($"{subject.Id}_{subject.Period}_du-thao.pdf", pdf));
    }

    /// <summary>The department sent back hears it by email (once per return), with the comment and the link to its form.</summary>
    private async Task SendReturnAsync(Plan plan, string period, Department department, string comment, long returnId)
    {
        try
        {
            var reportingPeriod = catalog.FindPeriod(plan, period)!;
            var message = ReportEmail.Notice(new MailboxAddress($"UBND {plan.Commune.FullName}", options.Value.Smtp.From), new MailboxAddress(department.Name, department.Email),
                $"Trả lại báo cáo chuyển đổi số {ReportText.PeriodText(reportingPeriod)}: đề nghị {department.Name} rà soát, gửi lại",
                $"{plan.Id}.{period}.{department.Code}.returned{returnId}@chuyendoiso.hub",
                [$"Kính gửi {department.Name},", $"Văn phòng trả lại báo cáo {ReportText.PeriodText(reportingPeriod)} của {department.Name} với ý kiến: {comment}",
                 "Đề nghị rà soát và gửi lại báo cáo.", $"UBND {plan.Commune.FullName}"],
                ("Sửa báo cáo trên cổng thông tin của xã", PortalLinks.Form(options.Value.Http, plan.Id, period)));
            await loop.RemindAsync(plan.Id, period, 0, [new Reminder($"returned:{department.Code}:{returnId}", department.Email, message, $"returned_{plan.Id}_{period}_{department.Code}_{returnId}.eml")],
                CancellationToken.None, countAsReminder: false);
        }
        catch (Exception e)
        {
            logger.LogError(e, "The return of {Plan} {Period} to {Department} was recorded, but its email failed", plan.Id, period, department.Code);
        }
    }
}
