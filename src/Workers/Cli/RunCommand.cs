using System.CommandLine;
using ChuyenDoiSo.Workers.Wiring;

namespace ChuyenDoiSo.Workers.Cli;

/// <summary>run: the unattended host.</summary>
public static class RunCommand
{
    public static Command Run()
    {
        var command = new Command("run", "Run the hub unattended: store department updates from the bus; at each deadline compile and send the report; remind late departments");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var builder = CliSupport.CreateBuilder(parse, LogLevel.Information);
            builder.AddReportingHub().AddMessaging().AddDelivery().AddScheduling();
            var higher = (builder.Configuration.GetSection(HubOptions.Section).Get<HubOptions>() ?? new HubOptions()).IsHigherLevel;
            using var host = builder.Build();
            var options = CliSupport.Options(host.Services);
            var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ChuyenDoiSo.Hub");
            if (higher)
            {
                // A broken catalogue or body file stops the start, not the first message.
                var setup = host.Services.GetRequiredService<Reporting.Rollup.RollupSetup>();
                logger.LogInformation("Higher-level hub for {Body}: {Communes} communes expected on {Exchange}", setup.Body.Name, setup.Communes.Count, options.Higher.Exchange);
            }
            logger.LogInformation("Hub starting: transport {Transport}, data {Data}", options.Transport, Path.GetFullPath(options.Data));
            await host.RunAsync(cancellationToken);
            return 0;
        });
        return command;
    }
}
