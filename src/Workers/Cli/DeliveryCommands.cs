using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ChuyenDoiSo.Reporting.Approval;
using ChuyenDoiSo.Reporting.Deliver;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Deliver;
using ChuyenDoiSo.Workers.Wiring;

namespace ChuyenDoiSo.Workers.Cli;

/// <summary>schedule, deliveries, deliver: what should go out, what did, and sending one now.</summary>
public static class DeliveryCommands
{
    public static Command Schedule()
    {
        var plan = new Option<string?>("--plan") { Description = "Only this plan id" };
        var from = new Option<string?>("--from") { Description = "From this date (yyyy-MM-dd, local)" };
        var to = new Option<string?>("--to") { Description = "To this date, inclusive (yyyy-MM-dd, local)" };
        var format = CliSupport.Format("table", "json", "table");
        var command = new Command("schedule", "What will go out when: reports on each channel and reminders, from each plan's calendar") { plan, from, to, format };
        command.SetAction(parse =>
        {
            var catalog = PlanCommands.LoadCatalog(parse);
            if (parse.GetValue(plan) is { } id) CliSupport.RequirePlan(catalog, id);
            var fromAt = Date(parse.GetValue(from), "--from") is { } f ? HubTime.At(f, TimeOnly.MinValue) : (DateTimeOffset?)null;
            var toAt = Date(parse.GetValue(to), "--to") is { } t ? HubTime.At(t, TimeOnly.MaxValue) : (DateTimeOffset?)null;
            if (fromAt > toAt) throw new UserException($"--from {parse.GetValue(from)} is after --to {parse.GetValue(to)}; expected --from on or before --to");
            var options = CliSupport.ReadOptions(parse);
            var items = DeliverySchedule.For(catalog, parse.GetValue(plan), fromAt, toAt, options.Approval.ReminderLead);
            // No host here (it would create the data folder): the database is read when the hub has one, checked and migrated as every verb does.
            var database = File.Exists(options.DatabasePath) ? new HubDatabase(options.DatabasePath) : null;
            database?.Migrate();
            var approvals = Approvals(catalog, database, TimeProvider.System.GetUtcNow());
            if (parse.GetValue(format) == "json")
            {
                Console.WriteLine(JsonSerializer.Serialize(items.Select(i => new
                {
                    kind = i.Kind,
                    plan = i.PlanId,
                    period = i.Period,
                    channel = i.Channel,
                    recipient = i.Recipient,
                    at = HubTime.LocalDateTime(i.At),
                    reminderOffsetDays = i.ReminderOffsetDays,
                    approval = approvals.For(i.PlanId, i.Period),
                }), PlanJson.Indented));
                return 0;
            }
            Console.Write(CliSupport.Table(["at (local)", "kind", "plan", "period", "channel", "recipient", "approval"],
                items.Select(i => (IReadOnlyList<string>)[HubTime.LocalDateTime(i.At).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                    i.Kind == ScheduledItem.Reminder ? $"reminder {i.ReminderOffsetDays:+0;-0;0}d" : i.Kind, i.PlanId, i.Period, i.Channel, i.Recipient,
                    approvals.For(i.PlanId, i.Period).Text(Local)])));
            return 0;
        });
        return command;
    }

    public static Command Deliveries()
    {
        var format = CliSupport.Format("table", "json", "table");
        var command = new Command("deliveries", "What should have gone out and what did: plan, period, recipient, channel, due, sent, status, attempts, last error") { format };
        command.SetAction(parse =>
        {
            var builder = CliSupport.CreateBuilder(parse);
            builder.AddReportingHub();
            using var host = builder.Build();
            var catalog = host.Services.GetRequiredService<PlanCatalog>();
            var ledger = new DeliveryLedger(host.Services.GetRequiredService<HubDatabase>());
            var now = host.Services.GetRequiredService<TimeProvider>().GetUtcNow();
            // One level up, the body's own roll-ups are what goes out; a commune hub sends its plans' reports.
            var rollup = CliSupport.Options(host.Services).IsHigherLevel ? host.Services.GetRequiredService<Reporting.Rollup.RollupSetup>() : null;
            var schedule = rollup is not null ? rollup.Schedule() : DeliverySchedule.For(catalog, null, null, null);
            // Every report due by now, whether or not the ledger has it ("should have gone out" includes the ones that never
            // started), and what the ledger has for later ones; the same join as the dashboard's deliveries page.
            var approvals = Approvals(catalog, host.Services.GetRequiredService<HubDatabase>(), now, rollup);
            var rows = DeliveryStanding.For(schedule, ledger.All(), now)
                .Where(r => r.Status != DeliveryStanding.NotDue)
                .Select(r => new
                {
                    plan = r.PlanId, period = r.Period, recipient = r.Recipient, channel = r.Channel, due = r.DueAt, sent = r.SentAt, status = r.Status, attempts = r.Attempts, lastError = r.LastError,
                    approval = approvals.For(r.PlanId, r.Period),
                })
                .ToList();
            if (parse.GetValue(format) == "json")
            {
                Console.WriteLine(JsonSerializer.Serialize(rows, PlanJson.Indented));
                return 0;
            }
            Console.Write(CliSupport.Table(["plan", "period", "channel", "recipient", "due (local)", "sent (local)", "status", "attempts", "last error", "approval"],
                rows.Select(r => (IReadOnlyList<string>)[r.plan, r.period, r.channel, r.recipient, Local(r.due), r.sent is { } s ? Local(s) : "", r.status,
                    r.attempts.ToString(CultureInfo.InvariantCulture), r.lastError ?? "", r.approval.Text(Local)])));
            return 0;
        });
        return command;
    }

    public static Command Deliver()
    {
        var plan = new Option<string?>("--plan") { Description = "Plan id (with --level commune)" };
        var period = new Option<string>("--period") { Description = "Period label, e.g. 2026-Q1", Required = true };
        var resend = new Option<bool>("--resend") { Description = "Send the issued report (the same signed document, the same number) again to recipients that already have it" };
        var correction = new Option<bool>("--correction") { Description = "Issue a correction: a new document with a new number from the register, stating which number it replaces (Decree 30 Art. 18.3), sent on every channel" };
        var level = CliSupport.Level();
        var body = CliSupport.Body();
        var command = new Command("deliver", "Issue (number from the register, signed PDF) and send one report now on every channel of its plan (or, with --level higher, the body's roll-up); without --resend, a recipient that has it does not get it again")
        {
            plan, period, resend, correction, level, body,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var higher = parse.GetValue(level) == "higher";
            if (!higher && parse.GetValue(plan) is null) throw new UserException("--plan is required with --level commune (the default); expected a plan id such as binh-chuong-2026");
            var builder = CliSupport.CreateBuilder(parse);
            if (parse.GetValue(body) is { } bodyId) builder.Configuration["Hub:Higher:Id"] = bodyId;
            builder.AddReportingHub().AddDelivery();
            using var host = builder.Build();
            if (higher)
            {
                var setup = host.Services.GetRequiredService<Reporting.Rollup.RollupSetup>();
                var rollupLabel = parse.GetValue(period)!;
                if (setup.FindPeriod(rollupLabel) is null)
                    throw new UserException($"--period \"{rollupLabel}\" is not in {setup.Body.Id}'s calendar; expected one of {string.Join(", ", setup.Calendar.Select(x => x.Period))}");
            }
            if (parse.GetValue(correction) && parse.GetValue(resend)) throw new UserException("--correction and --resend exclude each other: a correction is a new document, a resend the same one again");
            if (higher)
            {
                if (parse.GetValue(correction) && host.Services.GetRequiredService<Reporting.Rollup.RollupSetup>().Body.RequiresApproval)
                    throw new UserException(ReplacementNeedsApproval(host.Services.GetRequiredService<Reporting.Rollup.RollupSetup>().Body.Id, parse.GetValue(period)!));
                try
                {
                    return Print(await host.Services.GetRequiredService<Rollup.RollupDelivery>().DeliverAsync(parse.GetValue(period)!, parse.GetValue(resend), cancellationToken, parse.GetValue(correction)));
                }
                catch (Signing.SigningConfigurationException e)
                {
                    throw new UserException(e.Message);
                }
            }
            var catalog = host.Services.GetRequiredService<PlanCatalog>();
            var p = CliSupport.RequirePlan(catalog, parse.GetValue(plan)!);
            var label = parse.GetValue(period)!;
            CliSupport.RequirePeriod(catalog, p, label);
            // A report that needs approval is never replaced unseen: the office reopens it and the signer approves the replacement.
            if (parse.GetValue(correction) && p.RequiresApproval) throw new UserException(ReplacementNeedsApproval(p.Id, label));
            try
            {
                return Print(await host.Services.GetRequiredService<DeliveryService>().DeliverAsync(p, label, parse.GetValue(resend), cancellationToken, parse.GetValue(correction)));
            }
            catch (Signing.SigningConfigurationException e)
            {
                throw new UserException(e.Message);
            }
        });
        return command;
    }

    /// <summary>
    /// Each report's approval now, from the hub's database; without one (`schedule` before the hub ever ran, which must not
    /// create it) nothing is drafted or approved yet.
    /// </summary>
    private static ApprovalStandings Approvals(PlanCatalog catalog, HubDatabase? database, DateTimeOffset now, Reporting.Rollup.RollupSetup? rollup = null)
    {
        if (database is null) return new ApprovalStandings(catalog, [], now, rollup);
        using var connection = database.Open();
        return new ApprovalStandings(catalog, new ApprovalStore(connection).All(null), now, rollup);
    }

    private static string ReplacementNeedsApproval(string id, string period) =>
        $"--correction: {id}'s reports need approval, so a replacement is reviewed and approved like the report: the office reopens it " +
        $"(review --plan {id} --period {period} --reopen --comment WHY --user OFFICE) and the signer approves it (approve), which issues the new number naming the old one";

    private static int Print(IReadOnlyList<DeliveryOutcome> outcomes)
    {
        foreach (var o in outcomes)
            Console.WriteLine($"{o.Status,-12} {o.PlanId} {o.Period} {o.Channel,-8} {o.Recipient}  attempts {o.Attempts}{(o.Error is null ? "" : "  " + o.Error)}");
        return outcomes.All(o => o.Status is "sent" or "already_sent") ? 0 : 3;
    }

    private static DateOnly? Date(string? text, string option) =>
        text is null ? null
        : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d
        : throw new UserException($"{option} \"{text}\" is not a date; expected yyyy-MM-dd");

    private static string Local(DateTimeOffset at) => HubTime.LocalDateTime(at).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
