using System.CommandLine;
using ChuyenDoiSo.Workers.Operations;
using ChuyenDoiSo.Workers.Portal;
using ChuyenDoiSo.Workers.Review;
using ChuyenDoiSo.Workers.Wiring;
using Microsoft.AspNetCore.Builder;

namespace ChuyenDoiSo.Workers.Cli;

/// <summary>run: the unattended host.</summary>
public static class RunCommand
{
    /// <summary>
    /// The hub `run` serves: every service, the operator's HTTP surface and the department portal. `bench --portal`
    /// builds the same one in-process. Refuses (exit 2, one line) to start with the built-in account secret where it matters.
    /// </summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        builder.AddReportingHub().AddMessaging().AddDelivery().AddScheduling().AddServiceHosting();
        builder.AddOperations();
        builder.AddPortal();
        builder.AddReview();
        if (Portal.AccountSecretCheck.Problem(builder.Configuration, HubOptionsReader.Read(builder.Configuration)) is { } problem)
            throw new UserException(problem);
        var app = builder.Build();
        app.MapOperations();
        app.MapPortal();
        app.MapReview();
        return app;
    }

    public static Command Run()
    {
        var command = new Command("run", "Run the hub unattended: store department updates from the bus; at each deadline compile and send the report; remind late departments");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var builder = CliSupport.CreateWebBuilder(parse, LogLevel.Information);
            var higher = HubOptionsReader.Read(builder.Configuration).IsHigherLevel;
            await using var app = Build(builder);
            var options = CliSupport.Options(app.Services);
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ChuyenDoiSo.Hub");
            // A certificate that cannot sign stops the start, not the first deadline (exit 2, one line naming the setting).
            try
            {
                app.Services.GetRequiredService<Signing.SigningSetup>().CheckAll(higher ? [] : app.Services.GetRequiredService<Reporting.Plans.PlanCatalog>().Plans);
            }
            catch (Signing.SigningConfigurationException e)
            {
                throw new UserException(e.Message);
            }
            if (higher)
            {
                // A broken catalogue or body file stops the start, not the first message.
                var setup = app.Services.GetRequiredService<Reporting.Rollup.RollupSetup>();
                logger.LogInformation("Higher-level hub for {Body}: {Communes} communes expected on {Exchange}", setup.Body.Name, setup.Communes.Count, options.Higher.Exchange);
            }
            // The database is opened, checked (PRAGMA quick_check) and migrated before anything consumes or schedules:
            // a damaged or locked hub.db stops the start in one line (exit 2), and nothing is written into a damaged one.
            var opening = System.Diagnostics.Stopwatch.GetTimestamp();
            var database = app.Services.GetRequiredService<Reporting.Storage.HubDatabase>();
            logger.LogInformation("Database {Path}: quick_check ok and migrated in {Milliseconds:0} ms", database.Path, System.Diagnostics.Stopwatch.GetElapsedTime(opening).TotalMilliseconds);
            logger.LogInformation("Hub starting: transport {Transport}, data {Data}, dashboard and health on {Urls}", options.Transport, Path.GetFullPath(options.Data), options.Http.Urls);
            // Every documented counter at zero from the start, once the Prometheus exporter listens.
            app.Lifetime.ApplicationStarted.Register(() => app.Services.GetRequiredService<HubMetrics>().Announce());
            await app.RunAsync(cancellationToken);
            return 0;
        });
        return command;
    }
}
