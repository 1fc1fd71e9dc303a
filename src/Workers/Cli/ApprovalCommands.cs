using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ChuyenDoiSo.Reporting.Approval;
using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Deliver;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Register;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Reporting.Users;
using ChuyenDoiSo.Reporting.Rollup;
using ChuyenDoiSo.Workers.Approval;
using ChuyenDoiSo.Workers.Rollup;
using ChuyenDoiSo.Workers.Deliver;
using ChuyenDoiSo.Workers.Wiring;

namespace ChuyenDoiSo.Workers.Cli;

/// <summary>drafts, review, approve: the review and approval of reports of plans with `approval: required`, without a browser.</summary>
public static class ApprovalCommands
{
    public static Command Drafts()
    {
        var plan = new Option<string?>("--plan") { Description = "Only this plan id (its file must say approval: required)" };
        var format = CliSupport.Format("table", "json", "table");
        var command = new Command("drafts", "Reports awaiting or past approval: state, warnings, departments sent back, the office's edits, who approved, the number, updates after approval") { plan, format };
        command.SetAction(parse =>
        {
            using var host = Host(parse);
            var catalog = CliSupport.LoadCatalog(host.Services);
            var plans = catalog.Plans.Where(p => p.RequiresApproval).ToList();
            // One level up, the body's roll-ups are what it approves.
            var body = CliSupport.Options(host.Services).IsHigherLevel ? host.Services.GetRequiredService<RollupSetup>().Body : null;
            if (parse.GetValue(plan) is { } id)
            {
                body = Body(host.Services, id);
                if (body is not null)
                {
                    if (!body.RequiresApproval) throw new UserException($"--plan {id}: the body's file says approval: {body.Approval ?? "none"}, so its roll-ups are sent without review; expected approval: required");
                    plans = [];
                }
                else
                {
                    var chosen = CliSupport.RequirePlan(catalog, id);
                    if (!chosen.RequiresApproval) throw new UserException($"--plan {id}: its file says approval: {chosen.Approval ?? "none"}, so its reports are sent without review; expected a plan with approval: required");
                    plans = [chosen];
                }
            }
            var drafts = plans.SelectMany(p => Standing(host.Services, catalog, p)).ToList();
            if (body is { RequiresApproval: true }) drafts.AddRange(RollupStanding(host.Services, host.Services.GetRequiredService<RollupSetup>()));
            if (parse.GetValue(format) == "json")
            {
                Console.WriteLine(JsonSerializer.Serialize(drafts, PlanJson.Indented));
                return 0;
            }
            Console.Write(CliSupport.Table(["plan", "period", "state", "send at (local)", "warnings", "returned", "approved by", "number", "late updates", "to decide"],
                drafts.Select(d => (IReadOnlyList<string>)[d.Plan, d.Period, d.State, Local(d.SendAt), d.Warnings.Count.ToString(CultureInfo.InvariantCulture),
                    string.Join(", ", d.Returned.Where(r => r.StillReturned).Select(r => r.Department)),
                    d.ApprovedBy is null ? "" : $"{d.ApprovedBy} {Local(d.ApprovedAt!.Value)}", d.Number ?? "", string.Join(", ", d.LateUpdates.Select(l => l.Department)),
                    d.Findings.Count.ToString(CultureInfo.InvariantCulture)])));
            return 0;
        });
        return command;
    }

    public static Command Review()
    {
        // The office reviews; with one office user on the plan, --user may be left out (the password is still asked and checked).
        var (plan, period, user) = Target(userRequired: false);
        var back = new Option<string?>("--return") { Description = "Send this department's update back (its code), with --comment" };
        var comment = new Option<string?>("--comment") { Description = "What the department must correct (it sees it on its portal page and by email)" };
        var edit = new Option<string?>("--edit") { Description = $"Edit one of the commune's own sections, with --text: {string.Join(", ", ApprovalSections.All)}" };
        var text = new Option<string?>("--text") { Description = "The section's new text" };
        var ready = new Option<bool>("--ready") { Description = "Mark the draft ready for signing" };
        var reopen = new Option<bool>("--reopen") { Description = "Reopen an approved report for a replacement, with --comment saying why; the signer's next approval issues a new number naming the old one" };
        var command = new Command("review", "The office's review of a draft: send a department back with a comment, edit a commune section, mark it ready for signing, or reopen an approved report for a replacement; --user is an office user, whose password is read from standard input or asked on the terminal")
        {
            plan, period, user, back, comment, edit, text, ready, reopen,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var actions = new[] { parse.GetValue(back) is not null, parse.GetValue(edit) is not null, parse.GetValue(ready), parse.GetValue(reopen) }.Count(x => x);
            if (actions != 1) throw new UserException("review needs exactly one of --return DEPT --comment TEXT, --edit SECTION --text TEXT, --ready, --reopen --comment TEXT");
            if (parse.GetValue(back) is not null && parse.GetValue(comment) is null) throw new UserException("--return needs --comment saying what the department must correct");
            if (parse.GetValue(reopen) && parse.GetValue(comment) is null) throw new UserException("--reopen needs --comment saying why the report is replaced");
            if (parse.GetValue(edit) is not null && parse.GetValue(text) is null) throw new UserException("--edit needs --text, the section's new text");
            using var host = Host(parse);
            var (subject, p, acting, approvals) = Act(host.Services, parse, plan, period, user, "review");
            var label = subject.Period;
            try
            {
                if (p is null && !parse.GetValue(ready) && !parse.GetValue(reopen))
                    throw new UserException($"--plan {subject.Id} is a higher body: its roll-up has no departments to send back or commune sections to edit; expected --ready or --reopen");
                if (parse.GetValue(back) is { } department)
                {
                    await approvals.ReturnDepartmentAsync(p!, label, acting, department, parse.GetValue(comment)!);
                    Console.WriteLine($"returned {department}'s update for {subject.Id} {label} with the comment; the department is told by email and on its portal page");
                }
                else if (parse.GetValue(edit) is { } section)
                {
                    approvals.EditSection(p!, label, acting, section, parse.GetValue(text)!);
                    Console.WriteLine($"edited {section} of {subject.Id} {label}");
                }
                else if (parse.GetValue(reopen))
                {
                    approvals.Reopen(subject, acting, parse.GetValue(comment)!);
                    Console.WriteLine($"{subject.Id} {label} is reopened for a replacement: a draft again; the signer's approval issues a new number naming the old one");
                }
                else
                {
                    approvals.MarkReady(subject, acting);
                    Console.WriteLine($"{subject.Id} {label} is ready for signing");
                }
            }
            catch (Exception e) when (e is ArgumentException or ApprovalRefusedException)
            {
                throw new UserException(e.Message);
            }
            return 0;
        });
        return command;
    }

    public static Command Approve()
    {
        var (plan, period, user) = Target();
        var command = new Command("approve", "The signer approves and signs a report: its number from the register, the signer's and the agency's signatures, sent at once or at its send time, whichever is later; the password is read from standard input or asked on the terminal, and then, for a plan whose signing.signer says passwordAtSigning, the signer's certificate password (a second line of standard input, or a second prompt)")
        {
            plan, period, user,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = Host(parse);
            var (subject, p, acting, approvals) = Act(host.Services, parse, plan, period, user, "approve");
            var (id, label) = (subject.Id, subject.Period);
            // Typed now and passed down for this one signing: never an option, never stored.
            var certificatePassword = p is not null && Signing.SigningSetup.PasswordAtSigning(p) ? PasswordInput.Read($"password of the signer's certificate ({p.Id})", confirm: false) : null;
            ApprovalOutcome outcome;
            try
            {
                outcome = await approvals.ApproveAsync(subject, acting, cancellationToken, certificatePassword);
            }
            catch (Exception e) when (e is Signing.SigningConfigurationException or ApprovalRefusedException)
            {
                throw new UserException(e.Message);
            }
            var row = approvals.Find(id, label)!;
            Console.WriteLine(outcome.AlreadyApproved
                ? $"{id} {label} was approved already by {row.ApprovedBy} at {Local(row.ApprovedAt!.Value)}; " +
                  (outcome.Number is null ? "nothing issued again" : $"its issue had failed: issued {outcome.Number} now")
                : $"approved {id} {label} as {acting.UserName}: issued {outcome.Number}, " +
                  (outcome.Deliveries.Count == 0 ? $"to be sent at {Local(outcome.SendAt)}" : "sent now"));
            foreach (var o in outcome.Deliveries)
                Console.WriteLine($"{o.Status,-12} {o.PlanId} {o.Period} {o.Channel,-8} {o.Recipient}  attempts {o.Attempts}{(o.Error is null ? "" : "  " + o.Error)}");
            return outcome.Deliveries.All(o => o.Status is "sent" or "already_sent") ? 0 : 3;
        });
        return command;
    }

    /// <summary>One report under review as `drafts` prints it.</summary>
    public sealed record DraftStanding(
        string Plan, string Period, string State, DateTimeOffset? DraftCompiledAt, DateTimeOffset SendAt, IReadOnlyList<string> Deliveries,
        IReadOnlyList<ReportWarning> Warnings, IReadOnlyList<DraftIndicator> Indicators, IReadOnlyList<DraftReturn> Returned, IReadOnlyList<DraftEdit> Edits,
        string? ReadyBy, DateTimeOffset? ReadyAt, string? ApprovedBy, DateTimeOffset? ApprovedAt, string? Number, IReadOnlyList<DraftLateUpdate> LateUpdates,
        IReadOnlyList<ReviewFinding> Findings);

    public sealed record DraftIndicator(string Code, decimal? Value);

    public sealed record DraftReturn(string Department, string Comment, string By, DateTimeOffset At, bool StillReturned);

    public sealed record DraftEdit(string Section, string Text, string By, DateTimeOffset At);

    public sealed record DraftLateUpdate(string Department, DateTimeOffset ReceivedAt);

    /// <summary>Every period of the plan whose draft is due (its cut-off passed) or stored, compiled now: the warnings are today's.</summary>
    private static IEnumerable<DraftStanding> Standing(IServiceProvider services, PlanCatalog catalog, Plan plan)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var producer = services.GetRequiredService<ReportProducer>();
        var register = services.GetRequiredService<OutgoingRegister>();
        var ledger = services.GetRequiredService<DeliveryLedger>().For(plan.Id);
        using var connection = services.GetRequiredService<HubDatabase>().Open();
        var store = new ApprovalStore(connection);
        var rows = store.All(plan.Id).ToDictionary(r => r.Period, StringComparer.Ordinal);
        foreach (var period in catalog.CalendarFor(plan).Where(x => rows.ContainsKey(x.Period) || DeliverySchedule.DraftAt(x) <= now))
        {
            var row = rows.GetValueOrDefault(period.Period);
            var report = producer.Compile(plan, period.Period);
            var receipts = store.Receipts(plan.Id, period.Period);
            var latest = store.LatestReceipts(plan.Id, period.Period);
            yield return new DraftStanding(
                plan.Id, period.Period, ApprovalStanding.For(plan, period, row, now).State, row?.DraftCompiledAt,
                DeliverySchedule.SendAt(plan, period),
                ledger.Where(r => r.Period == period.Period).Select(r => $"{r.Channel}: {r.Status}").ToList(),
                report.Warnings,
                report.Indicators.Where(i => i.Value is not null).Select(i => new DraftIndicator(i.Indicator.Code, i.Value)).ToList(),
                store.Returns(plan.Id, period.Period).Select(r => new DraftReturn(r.Department, r.Comment, r.ReturnedBy, r.ReturnedAt,
                    ApprovalWorkflow.IsStillReturned(r.ReturnedAt, latest.TryGetValue(r.Department, out var at) ? at : null))).ToList(),
                store.Edits(plan.Id, period.Period).Select(e => new DraftEdit(e.Section, e.Text, e.EditedBy, e.EditedAt)).ToList(),
                row?.ReadyBy, row?.ReadyAt, row?.ApprovedBy, row?.ApprovedAt,
                register.Current(plan.Id, period.Period)?.Number,
                receipts.Where(r => ApprovalWorkflow.IsLate(row?.ApprovedAt, r.ReceivedAt)).Select(r => new DraftLateUpdate(r.Department, r.ReceivedAt)).ToList(),
                // What the review page lists for a decision (Vietnamese, as the office reads it).
                ReviewFindings.For(report, store.Returns(plan.Id, period.Period), latest));
        }
    }

    private static (Option<string> Plan, Option<string> Period, Option<string> User) Target(bool userRequired = true) => (
        new Option<string>("--plan") { Description = "Plan id (its file says approval: required)", Required = true },
        new Option<string>("--period") { Description = "Period label, e.g. 2026-Q1", Required = true },
        new Option<string>("--user")
        {
            Description = userRequired ? "Who acts (a user of the plan, see `users list`)" : "Who acts (an office user of the plan, see `users list`); absent: the plan's only office user",
            Required = userRequired,
        });

    /// <summary>
    /// The report (a plan's, or on a higher hub the body's roll-up when --plan names the body), the plan when it is a
    /// commune's, and the acting user, whose password was read and checked; refusals are one line, exit 2.
    /// </summary>
    private static (ApprovalSubject Subject, Plan? Plan, UserRow User, ApprovalService Approvals) Act(
        IServiceProvider services, ParseResult parse, Option<string> plan, Option<string> period, Option<string> user, string action)
    {
        var approvals = services.GetRequiredService<ApprovalService>();
        var id = parse.GetValue(plan)!;
        ApprovalSubject subject;
        Plan? p = null;
        if (Body(services, id) is { } body)
        {
            if (!body.RequiresApproval) throw new UserException($"--plan {id}: the body's file says approval: {body.Approval ?? "none"}; its roll-ups are sent without review, so there is nothing to {action}");
            try
            {
                subject = services.GetRequiredService<RollupApproval>().Subject(parse.GetValue(period)!);
            }
            catch (ArgumentException e)
            {
                throw new UserException(e.Message);
            }
        }
        else
        {
            var catalog = CliSupport.LoadCatalog(services);
            p = CliSupport.RequirePlan(catalog, id);
            if (!p.RequiresApproval) throw new UserException($"--plan {p.Id}: its file says approval: {p.Approval ?? "none"}; its reports are sent without review, so there is nothing to {action}");
            subject = approvals.Subject(p, CliSupport.RequirePeriod(catalog, p, parse.GetValue(period)!).Period);
        }
        var name = parse.GetValue(user) ?? OnlyOfficeUser(services, subject.Id);
        var password = PasswordInput.Read($"password of {name}", confirm: false);
        try
        {
            return (subject, p, approvals.Authenticate(name, password, subject.Id, subject.Period, action), approvals);
        }
        catch (ApprovalRefusedException e)
        {
            throw new UserException(e.Message);
        }
    }

    /// <summary>The plan's one office user, when --user is left out; refused in one line when it has none or several.</summary>
    private static string OnlyOfficeUser(IServiceProvider services, string planId)
    {
        using var connection = services.GetRequiredService<HubDatabase>().Open();
        var office = new UserStore(connection).List(planId).Where(u => u.Role == UserRoles.Office).Select(u => u.UserName).ToList();
        return office.Count == 1 ? office[0]
            : throw new UserException(office.Count == 0
                ? $"--user: {planId} has no office user; add one (users add --plan {planId} --role office) or name the user"
                : $"--user is needed: {planId} has {office.Count} office users ({string.Join(", ", office)})");
    }

    /// <summary>The higher body --plan names (seeds/higher/&lt;id&gt;.json, the host set up for it); null for a plan.</summary>
    private static HigherBody? Body(IServiceProvider services, string id) =>
        CliSupport.IsHigherBody(CliSupport.Options(services), id) ? services.GetRequiredService<RollupSetup>().Body : null;

    private static IHost Host(ParseResult parse)
    {
        var builder = CliSupport.CreateBuilder(parse);
        // --plan naming a higher body: this host works for that body's roll-ups.
        if (parse.GetValue<string>("--plan") is { } id && CliSupport.IsHigherBody(HubOptionsReader.Read(builder.Configuration), id)) builder.Configuration["Hub:Higher:Id"] = id;
        builder.AddReportingHub().AddDelivery();
        return builder.Build();
    }

    /// <summary>A body's roll-ups under approval as `drafts` prints them: kept drafts and those whose communes' due date passed.</summary>
    private static IEnumerable<DraftStanding> RollupStanding(IServiceProvider services, RollupSetup setup)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var register = services.GetRequiredService<OutgoingRegister>();
        var ledger = services.GetRequiredService<DeliveryLedger>().For(setup.Body.Id);
        using var connection = services.GetRequiredService<HubDatabase>().Open();
        var rows = new ApprovalStore(connection).All(setup.Body.Id).ToDictionary(r => r.Period, StringComparer.Ordinal);
        foreach (var period in setup.Calendar.Where(x => rows.ContainsKey(x.Period) || RollupSetup.DraftAt(x) <= now))
        {
            var row = rows.GetValueOrDefault(period.Period);
            yield return new DraftStanding(setup.Body.Id, period.Period, row?.State ?? ApprovalStates.Draft, row?.DraftCompiledAt, setup.SendAt(period),
                ledger.Where(r => r.Period == period.Period).Select(r => $"{r.Channel}: {r.Status}").ToList(), [], [], [], [],
                row?.ReadyBy, row?.ReadyAt, row?.ApprovedBy, row?.ApprovedAt, register.Current(setup.Body.Id, period.Period)?.Number, [], []);
        }
    }

    private static string Local(DateTimeOffset at) => HubTime.LocalDateTime(at).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
