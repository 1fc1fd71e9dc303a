using System.CommandLine;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Workers.Wiring;

namespace ChuyenDoiSo.Workers.Cli;

/// <summary>bench: figures, not assertions.</summary>
public static class BenchCommand
{
    public static Command Bench()
    {
        var count = new Option<int>("--count") { Description = "Updates to push", DefaultValueFactory = _ => 50_000 };
        var transport = new Option<string>("--transport") { Description = "inmemory: the embedded pipeline; rabbitmq: durable ingest through the broker at Hub:RabbitMq:Uri, against two references", DefaultValueFactory = _ => "inmemory" };
        transport.AcceptOnlyFromAmong("inmemory", "rabbitmq");
        var command = new Command("bench", "Push updates through the pipeline and compile every report; prints updates per second and compile time") { count, transport };
        command.SetAction(async (parse, cancellationToken) =>
        {
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
            var options = probe.Configuration.GetSection(HubOptions.Section).Get<HubOptions>() ?? new HubOptions();
            var catalog = PlanCatalog.LoadFolder(options.ResolveSeeds());
            return await Workers.Bench.RabbitMqBench.RunAsync(CreateHub, options, catalog, parse.GetValue(count), cancellationToken);
        });
        return command;
    }
}
