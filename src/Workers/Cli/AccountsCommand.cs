using System.CommandLine;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Workers.Broker;
using ChuyenDoiSo.Workers.Wiring;

namespace ChuyenDoiSo.Workers.Cli;

/// <summary>accounts: the broker's vhost, exchange and users for a plan's departments.</summary>
public static class AccountsCommand
{
    public static Command Accounts()
    {
        var plan = new Option<string?>("--plan") { Description = "Plan id: one broker user per department of this plan" };
        var all = new Option<bool>("--all") { Description = "Every plan in one document (what deploy/rabbitmq/definitions.json holds)" };
        var apply = new Option<bool>("--apply") { Description = "Create them through the management HTTP API (Hub:RabbitMq:ManagementUri); safe to run again" };
        var format = CliSupport.Format("definitions", "definitions", "json");
        var adminUser = new Option<string?>("--admin-user") { Description = "With --apply: the administrator who applies (default Hub:RabbitMq:AdminUser). Without: also define this administrator, since a boot-time import creates no guest user" };
        var adminPassword = new Option<string?>("--admin-password") { Description = "The administrator's password (default Hub:RabbitMq:AdminPassword)" };
        var rotate = new Option<bool>("--rotate") { Description = "With --plan and --department: give that one department a new password (the others keep theirs); then --apply pushes it to RabbitMQ" };
        var department = new Option<string?>("--department") { Description = "With --rotate: the department code as the plan names it" };
        var command = new Command("accounts",
            "The broker accounts for a plan: a vhost, the hub's topic exchange, the hub's user and one user per department that may only publish with its own routing key <plan>.<DEPARTMENT>. " +
            "Prints RabbitMQ definitions (management UI import, load_definitions), or with --format json what each department needs; --apply creates them")
        {
            plan, all, apply, format, adminUser, adminPassword, rotate, department,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var hasPlan = parse.GetValue(plan) is not null;
            if (hasPlan == parse.GetValue(all))
                throw new UserException("accounts needs either --plan ID or --all");
            var builder = CliSupport.CreateBuilder(parse);
            builder.AddReportingHub();
            using var host = builder.Build();
            var catalog = CliSupport.LoadCatalog(host.Services);
            IReadOnlyList<Plan> plans = parse.GetValue(plan) is { } id ? [CliSupport.RequirePlan(catalog, id)] : catalog.Plans.ToList();
            var configuration = host.Services.GetRequiredService<IConfiguration>();
            var options = CliSupport.Options(host.Services);
            if (parse.GetValue(rotate))
            {
                if (plans is not [var only] || parse.GetValue(department) is not { } code)
                    throw new UserException("--rotate needs --plan ID and --department CODE (one department at a time)");
                if (only.FindDepartment(code) is null)
                    throw new UserException($"--department {code} is not a department of plan {only.Id}; expected one of {string.Join(", ", only.Departments.Select(d => d.Code))}");
                int generation;
                using (var connection = host.Services.GetRequiredService<Reporting.Storage.HubDatabase>().Open())
                    generation = new Reporting.Portal.PortalQueries(connection).Rotate(only.Id, code, host.Services.GetRequiredService<TimeProvider>().GetUtcNow());
                // The new password is not printed here: `accounts --format json` prints every department's, as before.
                Console.WriteLine($"rotated the password of {BrokerAccounts.UserName(only.Id, code)} (generation {generation}); its portal sessions end now; " +
                                  $"`accounts --plan {only.Id} --apply` pushes it to RabbitMQ and `accounts --plan {only.Id} --format json` prints it");
                return 0;
            }
            if (parse.GetValue(department) is not null) throw new UserException("--department is only for --rotate");
            // Generations live in hub.db; a data folder without one has every department at generation 0 (none is created to say so).
            IReadOnlyDictionary<(string Plan, string Department), int>? generations = null;
            if (File.Exists(options.DatabasePath))
                using (var connection = host.Services.GetRequiredService<Reporting.Storage.HubDatabase>().Open())
                    generations = new Reporting.Portal.PortalQueries(connection).Generations();
            var accounts = BrokerAccounts.For(plans, BrokerSettings.From(configuration), generations);

            if (!parse.GetValue(apply))
            {
                var administrator = parse.GetValue(adminUser) is { } name
                    ? new BrokerUser(name, parse.GetValue(adminPassword) ?? throw new UserException("--admin-user needs --admin-password"), "administrator")
                    : null;
                var document = parse.GetValue(format) == "json" ? accounts.ToSummary() : accounts.ToDefinitions(administrator);
                Console.WriteLine(document.ToJsonString(BrokerAccounts.Indented));
                return 0;
            }

            var managementText = configuration["Hub:RabbitMq:ManagementUri"] is { Length: > 0 } m ? m : BrokerSettings.DefaultManagementUri;
            if (!Uri.TryCreate(managementText, UriKind.Absolute, out var managementUri) || managementUri.Scheme is not ("http" or "https"))
                throw new UserException($"Hub:RabbitMq:ManagementUri \"{Secrets.MaskUri(managementText)}\" is not an http(s) URI; expected e.g. {BrokerSettings.DefaultManagementUri}");
            var user = parse.GetValue(adminUser) ?? configuration["Hub:RabbitMq:AdminUser"];
            var password = parse.GetValue(adminPassword) ?? configuration["Hub:RabbitMq:AdminPassword"];
            if (string.IsNullOrEmpty(user) || password is null)
                throw new UserException("--apply needs an administrator of the broker: --admin-user and --admin-password, or Hub:RabbitMq:AdminUser and Hub:RabbitMq:AdminPassword");
            try
            {
                using var management = new RabbitMqManagement(managementUri, user, password);
                var lines = await accounts.ApplyAsync(management, cancellationToken);
                foreach (var line in lines) Console.WriteLine(line);
                var created = lines.Count(l => l.StartsWith("created", StringComparison.Ordinal));
                Console.WriteLine($"applied {lines.Count} definitions to vhost {accounts.Vhost} at {Secrets.MaskUri(managementUri.GetLeftPart(UriPartial.Path))}: {created} created, {lines.Count - created} already there");
                return 0;
            }
            catch (BrokerUnavailableException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 3;
            }
        });
        return command;
    }
}
