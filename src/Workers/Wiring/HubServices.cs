using ChuyenDoiSo.Reporting.Ingest;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Ingest;
using MassTransit;

namespace ChuyenDoiSo.Workers.Wiring;

/// <summary>One extension method per concern, so Program.cs and the verbs read as a table of contents.</summary>
public static class HubServices
{
    /// <summary>Options, plans, the SQLite database and the clock.</summary>
    public static IHostApplicationBuilder AddReportingHub(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<HubOptions>(builder.Configuration.GetSection(HubOptions.Section));
        var options = builder.Configuration.GetSection(HubOptions.Section).Get<HubOptions>() ?? new HubOptions();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(_ => PlanCatalog.LoadFolder(options.ResolveSeeds()));
        builder.Services.AddSingleton(_ =>
        {
            var database = new HubDatabase(options.DatabasePath);
            database.Migrate();
            return database;
        });
        builder.Services.AddSingleton<IngestStore>();
        builder.Services.AddSingleton(BrokerIdentity.From(options));
        return builder;
    }

    /// <summary>MassTransit with the department-report consumer, on the transport the configuration names.</summary>
    public static IHostApplicationBuilder AddMessaging(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(HubOptions.Section).Get<HubOptions>() ?? new HubOptions();
        builder.Services.Configure<MassTransitHostOptions>(o =>
        {
            // Starting the host means the bus is connected and its topology declared.
            o.WaitUntilStarted = true;
            o.StartTimeout = TimeSpan.FromSeconds(60);
            o.StopTimeout = TimeSpan.FromSeconds(30);
        });
        builder.Services.AddMassTransit(x =>
        {
            x.AddConsumer<DepartmentReportConsumer, DepartmentReportConsumerDefinition>();
            // Poison messages (not JSON, not a report, failing after retries) also leave a rejection record.
            x.AddReceiveObserver<PoisonMessageObserver>();
            if (string.Equals(options.Transport, "RabbitMq", StringComparison.OrdinalIgnoreCase))
            {
                x.UsingRabbitMq((context, cfg) =>
                {
                    cfg.Host(new Uri(options.RabbitMq.Uri), h =>
                    {
                        // Confirms: a publish completes only when the broker has the message.
                        h.PublisherConfirmation = true;
                        h.Heartbeat(TimeSpan.FromSeconds(30));
                    });
                    cfg.ConfigureEndpoints(context);
                });
            }
            else
            {
                x.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
            }
        });
        return builder;
    }
}
