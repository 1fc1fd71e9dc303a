using Microsoft.Extensions.DependencyInjection.Extensions;
using ChuyenDoiSo.Reporting.Ingest;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Rollup;
using ChuyenDoiSo.Workers.Rollup;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Ingest;
using ChuyenDoiSo.Reporting.Deliver;
using ChuyenDoiSo.Reporting.Register;
using ChuyenDoiSo.Workers.Deliver;
using ChuyenDoiSo.Workers.Schedule;
using MassTransit;
using Quartz;

namespace ChuyenDoiSo.Workers.Wiring;

/// <summary>One extension method per concern, so Program.cs and the verbs read as a table of contents.</summary>
public static class HubServices
{
    /// <summary>Options, plans, the SQLite database and the clock.</summary>
    public static IHostApplicationBuilder AddReportingHub(this IHostApplicationBuilder builder)
    {
        // A value that cannot work stops here, in one line naming the setting (exit 2), before anything is opened or started;
        // the same validator runs again at start for whatever resolves IOptions<HubOptions> later.
        var options = HubOptionsReader.Read(builder.Configuration);
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<HubOptions>, HubOptionsValidator>();
        builder.Services.AddOptions<HubOptions>().Bind(builder.Configuration.GetSection(HubOptions.Section)).ValidateOnStart();
        // The system clock unless one was given before (a test's fake clock: session expiry, throttling).
        builder.Services.TryAddSingleton(TimeProvider.System);
        // The plans are refreshable while the hub runs (PlanReloader): services read PlanRegistry.Current; a PlanCatalog
        // resolved directly is the snapshot of that moment.
        builder.Services.AddSingleton(_ => new PlanRegistry(options.ResolveSeeds()));
        builder.Services.AddTransient(sp => sp.GetRequiredService<PlanRegistry>().Current);
        builder.Services.AddSingleton<PlanVersionStore>();
        builder.Services.AddSingleton(_ =>
        {
            var database = new HubDatabase(options.DatabasePath);
            database.Migrate();
            return database;
        });
        builder.Services.AddSingleton<IngestStore>();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<StorageFaults>();
        builder.Services.AddSingleton<IngestWriter>();
        builder.Services.AddSingleton(BrokerIdentity.From(options));
        builder.Services.AddSingleton<Operations.HubMetrics>();
        // Loaded on first use: a commune-level hub never reads the catalogue or a higher body.
        builder.Services.AddSingleton<Rollup.RollupSetupSource>();
        builder.Services.AddTransient(sp => sp.GetRequiredService<Rollup.RollupSetupSource>().Current);
        builder.Services.AddSingleton<CommuneReportStore>();
        builder.Services.AddSingleton<RollupProducer>();
        return builder;
    }

    /// <summary>MassTransit with the department-report consumer, on the transport the configuration names.</summary>
    public static IHostApplicationBuilder AddMessaging(this IHostApplicationBuilder builder)
    {
        var options = HubOptionsReader.Read(builder.Configuration);
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
            // One level up, the communes' hubs forward their compiled reports here.
            if (options.IsHigherLevel) x.AddConsumer<CommuneReportConsumer, CommuneReportConsumerDefinition>();
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

    /// <summary>Compile, render and deliver: the ledger, the report producer, email and forward.</summary>
    public static IHostApplicationBuilder AddDelivery(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DeliveryLedger>();
        builder.Services.AddSingleton<OutgoingRegister>();
        builder.Services.AddSingleton<Signing.SigningSetup>();
        builder.Services.AddSingleton<ReportRegistrar>();
        builder.Services.AddSingleton<ReportProducer>();
        builder.Services.AddSingleton<ReportForwarder>();
        builder.Services.AddSingleton<DeliveryLoop>();
        builder.Services.AddSingleton<Approval.LateNotices>();
        builder.Services.AddSingleton<DeliveryService>();
        builder.Services.AddSingleton<Approval.ApprovalService>();
        builder.Services.AddSingleton<RollupDelivery>();
        builder.Services.AddSingleton<RollupApproval>();
        return builder;
    }

    /// <summary>
    /// Quartz with its persistent store in its own SQLite file (data/quartz.db), System.Text.Json for job data,
    /// the injected clock, and the triggers synced from the plans' calendars at start-up.
    /// </summary>
    public static IHostApplicationBuilder AddScheduling(this IHostApplicationBuilder builder, TimeProvider? clock = null)
    {
        var options = HubOptionsReader.Read(builder.Configuration);
        var quartzDb = Path.GetFullPath(Path.Combine(options.Data, "quartz.db"));
        Directory.CreateDirectory(Path.GetDirectoryName(quartzDb)!);
        builder.Services.AddQuartz(q =>
        {
            if (clock is not null) q.UseTimeProvider(clock);
            q.UsePersistentStore(s =>
            {
                s.UseSqlite($"Data Source={quartzDb}");
                s.UseSystemTextJsonSerializer();
                s.ProvisionSchema();
            });
        });
        builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        // One level up, the body's own deadlines; the seed plans' deadlines are the communes' to keep.
        if (options.IsHigherLevel) builder.Services.AddHostedService<RollupScheduleSync>();
        else
        {
            builder.Services.AddSingleton<ScheduleSync>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<ScheduleSync>());
            builder.Services.AddHostedService<Schedule.PlanReloader>();
            builder.Services.AddSingleton<Approval.DraftRefresher>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<Approval.DraftRefresher>());
        }
        return builder;
    }
}
