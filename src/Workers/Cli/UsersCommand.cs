using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Reporting.Users;
using ChuyenDoiSo.Workers.Wiring;

namespace ChuyenDoiSo.Workers.Cli;

/// <summary>users add|password|list: the office, signer and operator accounts of a plan, passwords kept only as hashes.</summary>
public static partial class UsersCommand
{
    public static Command Users() => new("users", "The people who review, approve and operate a plan's reports (office, signer, operator); passwords are read from standard input or asked on the terminal, and kept only as PBKDF2 hashes")
    {
        Add(), Password(), List(),
    };

    private static Command Add()
    {
        var plan = new Option<string>("--plan") { Description = "Plan id the user acts for (on a higher hub, the body's id: seeds/higher/<id>.json)", Required = true };
        var role = new Option<string>("--role") { Description = "office (reviews the draft), signer (approves and signs) or operator (runs the hub)", Required = true };
        role.AcceptOnlyFromAmong([.. UserRoles.All]);
        var user = new Option<string>("--user") { Description = "User name (letters, digits, . _ - @; unique on this hub)", Required = true };
        var email = new Option<string>("--email") { Description = "Where the hub writes to this user (drafts to review, reports awaiting approval)", Required = true };
        var command = new Command("add", "Adds a user; the password comes from standard input (one line) or is asked twice on the terminal") { plan, role, user, email };
        command.SetAction(parse =>
        {
            using var host = Host(parse);
            var catalog = CliSupport.LoadCatalog(host.Services);
            // A higher hub's users act for its body (seeds/higher/<id>.json): its roll-ups are theirs to approve.
            var planId = CliSupport.IsHigherBody(CliSupport.Options(host.Services), parse.GetValue(plan)!) ? parse.GetValue(plan)! : CliSupport.RequirePlan(catalog, parse.GetValue(plan)!).Id;
            var name = RequireUserName(parse.GetValue(user)!, catalog);
            var address = parse.GetValue(email)!.Trim();
            if (!MimeKit.MailboxAddress.TryParse(address, out var mailbox) || !mailbox.Address.Contains('@', StringComparison.Ordinal))
                throw new UserException($"--email \"{address}\" is not an email address");
            var hash = HashOf(PasswordInput.Read($"password for {name}"));
            using var connection = host.Services.GetRequiredService<HubDatabase>().Open();
            if (!new UserStore(connection).Add(name, planId, parse.GetValue(role)!, mailbox.Address, hash, TimeProvider.System.GetUtcNow(), Actor))
                throw new UserException($"--user \"{name}\" exists already; change its password with `users password --user {name}`");
            Console.WriteLine($"added {name}: {parse.GetValue(role)} of {planId}");
            return 0;
        });
        return command;
    }

    private static Command Password()
    {
        var user = new Option<string>("--user") { Description = "User name", Required = true };
        var command = new Command("password", "Changes a user's password, read from standard input (one line) or asked twice on the terminal") { user };
        command.SetAction(parse =>
        {
            using var host = Host(parse);
            var name = parse.GetValue(user)!;
            using var connection = host.Services.GetRequiredService<HubDatabase>().Open();
            var store = new UserStore(connection);
            if (store.Find(name) is null) throw new UserException($"--user \"{name}\" is not a user of this hub (see `users list`)");
            var hash = HashOf(PasswordInput.Read($"new password for {name}"));
            store.ChangePassword(name, hash, TimeProvider.System.GetUtcNow(), Actor);
            Console.WriteLine($"changed the password of {name}");
            return 0;
        });
        return command;
    }

    private static Command List()
    {
        var plan = new Option<string?>("--plan") { Description = "Only this plan's users" };
        var format = CliSupport.Format("table", "table", "json");
        var command = new Command("list", "Lists the users (never a password or its hash)") { plan, format };
        command.SetAction(parse =>
        {
            using var host = Host(parse);
            var planId = parse.GetValue(plan) is { } id ? CliSupport.IsHigherBody(CliSupport.Options(host.Services), id) ? id : CliSupport.RequirePlan(CliSupport.LoadCatalog(host.Services), id).Id : null;
            using var connection = host.Services.GetRequiredService<HubDatabase>().Open();
            var users = new UserStore(connection).List(planId);
            if (parse.GetValue(format) == "json")
            {
                var array = new JsonArray(users.Select(u => (JsonNode)new JsonObject
                {
                    ["user"] = u.UserName,
                    ["plan"] = u.PlanId,
                    ["role"] = u.Role,
                    ["email"] = u.Email,
                    ["createdAt"] = Iso(u.CreatedAt),
                    ["passwordChangedAt"] = Iso(u.PasswordChangedAt),
                }).ToArray());
                Console.WriteLine(array.ToJsonString(PlanJson.Indented));
            }
            else
            {
                Console.Write(CliSupport.Table(["user", "plan", "role", "email", "password changed"],
                    users.Select(u => (IReadOnlyList<string>)[u.UserName, u.PlanId, u.Role, u.Email, Iso(u.PasswordChangedAt)])));
            }
            return 0;
        });
        return command;
    }

    /// <summary>Local time (+07:00), as operators read it.</summary>
    private static string Iso(DateTimeOffset instant) => HubTime.LocalDateTime(instant).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);

    private static IHost Host(ParseResult parse)
    {
        var builder = CliSupport.CreateBuilder(parse);
        builder.AddReportingHub();
        return builder.Build();
    }

    /// <summary>Who acted, for the audit log: the operating-system user at the command line.</summary>
    private static string Actor => "cli:" + Environment.UserName;

    private static string HashOf(string password) =>
        PasswordHash.Problem(password) is { } problem ? throw new UserException(problem + "; nothing changed") : PasswordHash.Hash(password);

    /// <summary>A name a login form and an audit line can carry, and not a department's (those log in with `accounts`' credentials).</summary>
    private static string RequireUserName(string name, PlanCatalog catalog)
    {
        if (!UserName().IsMatch(name))
            throw new UserException($"--user \"{name}\" is not a user name; expected 2–64 letters, digits, '.', '_', '-' or '@'");
        if (catalog.Plans.SelectMany(p => p.Departments.Select(d => Broker.BrokerAccounts.UserName(p.Id, d.Code))).FirstOrDefault(d => string.Equals(d, name, StringComparison.OrdinalIgnoreCase)) is { } department)
            throw new UserException($"--user \"{name}\" is the department account {department}; choose another name");
        return name;
    }

    [GeneratedRegex(@"^[A-Za-z0-9._@-]{2,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex UserName();
}
