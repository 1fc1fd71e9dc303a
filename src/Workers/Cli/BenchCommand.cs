using System.CommandLine;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Workers.Wiring;

namespace ChuyenDoiSo.Workers.Cli;

/// <summary>bench: figures, not assertions.</summary>
public static class BenchCommand
{
    public static Command Bench()
    {
        var count = CliSupport.WholeNumber("--count", "Updates to push (1 to 10,000,000)", 50_000, 1, 10_000_000);
        var transport = new Option<string>("--transport") { Description = "inmemory: the embedded pipeline; rabbitmq: durable ingest through the broker at Hub:RabbitMq:Uri, against two references", DefaultValueFactory = _ => "inmemory" };
        transport.AcceptOnlyFromAmong("inmemory", "rabbitmq");
        var rollup = new Option<bool>("--rollup") { Description = "Roll up N communes with 28 indicators each for one period instead; prints time and memory per N" };
        var communes = new Option<string>("--communes") { Description = "With --rollup: comma-separated numbers of communes, run in increasing order", DefaultValueFactory = _ => "100,1000,5000" };
        var portal = new Option<bool>("--portal") { Description = "Department sessions on the portal instead: log in and submit the form against an in-process `run` on the embedded default; prints p50/p95 of the form page and of submit-to-receipt" };
        var sessions = CliSupport.WholeNumber("--sessions", "With --portal: concurrent department sessions", 200, 1, 10_000);
        var rounds = CliSupport.WholeNumber("--rounds", "With --portal: submits per session", 3, 1, 1_000);
        var command = new Command("bench", "Push updates through the pipeline and compile every report; prints updates per second and compile time") { count, transport, rollup, communes, portal, sessions, rounds };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(portal))
                return await Workers.Bench.PortalBench.RunAsync(parse, parse.GetValue(sessions), parse.GetValue(rounds), cancellationToken);
            if (parse.GetValue(rollup))
            {
                var sizes = new List<int>();
                foreach (var part in parse.GetValue(communes)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    sizes.Add(int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0
                        ? n : throw new UserException($"--communes \"{part}\" is not a positive number; expected e.g. 100,1000,5000"));
                var builder = CliSupport.CreateBuilder(parse);
                builder.Configuration["Hub:Higher:Id"] = RollupDemo.DefaultBody;
                builder.AddReportingHub();
                using var host = builder.Build();
                // Signed as a delivery signs a roll-up: the hub's own signers (the demo's certificates when none are configured).
                var signers = new Signing.SigningSetup(CliSupport.Options(host.Services), TimeProvider.System).For(null);
                return await Workers.Bench.RollupBench.RunAsync(host.Services.GetRequiredService<PlanCatalog>(), host.Services.GetRequiredService<Reporting.Rollup.RollupSetup>(), sizes, signers, cancellationToken);
            }
            if (parse.GetValue(transport) == "inmemory")
                return await Workers.Bench.EmbeddedBench.RunAsync(parse, parse.GetValue(count), cancellationToken);

            IHost CreateHub(string data)
            {
                var builder = CliSupport.CreateBuilder(parse);
                builder.Configuration["Hub:Data"] = data;
                builder.Configuration["Hub:Transport"] = "RabbitMq";
                builder.AddReportingHub().AddMessaging();
                return builder.Build();
            }
            var probe = CliSupport.CreateBuilder(parse);
            var options = HubOptionsReader.Read(probe.Configuration);
            var catalog = PlanCatalog.LoadFolder(options.ResolveSeeds());
            return await Workers.Bench.RabbitMqBench.RunAsync(CreateHub, options, catalog, parse.GetValue(count), cancellationToken);
        });
        return command;
    }
}
