using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Builder;
using System.Text.Encodings.Web;
using ChuyenDoiSo.Workers.Operations;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace ChuyenDoiSo.Workers.Wiring;

/// <summary>What `run` adds to be looked after unattended: HTTP health, metrics and dashboard; service hosting; structured logs.</summary>
public static class OperationsServices
{
    /// <summary>
    /// Kestrel on Hub:Http:Urls (refused beyond loopback without the operator's credentials), health checks, OpenTelemetry
    /// metrics (MassTransit's meter and the hub's) for Prometheus, the dashboard and the error-queue operations.
    /// </summary>
    public static WebApplicationBuilder AddOperations(this WebApplicationBuilder builder)
    {
        var options = HubOptionsReader.Read(builder.Configuration);
        OperatorAccess.Validate(options.Http);
        builder.WebHost.UseUrls(OperatorAccess.Urls(options.Http.Urls).ToArray());
        builder.Services.AddSingleton<OperatorAccess>();
        builder.Services.AddSingleton<LoginThrottle>();
        // Behind a reverse proxy the client is the one the configured proxies name, and only they: ASP.NET's default trust
        // of loopback is cleared, so a forged X-Forwarded-For from anywhere else changes nothing.
        builder.Services.Configure<Microsoft.AspNetCore.Builder.ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in options.Http.KnownProxies.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (System.Net.IPAddress.TryParse(proxy, out var address)) o.KnownProxies.Add(address);
                else o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(proxy));
            }
        });
        builder.Services.AddSingleton<ErrorQueueBroker>();
        builder.Services.AddSingleton<DashboardPages>();
        builder.Services.AddHostedService<QueueDepthMonitor>();
        builder.Services.AddHealthChecks()
            .AddCheck<SqliteWritableCheck>("sqlite", tags: [OperationsEndpoints.ReadyTag])
            .AddCheck<SchedulerRunningCheck>("scheduler", tags: [OperationsEndpoints.ReadyTag])
            .AddCheck<SmtpReachableCheck>("smtp", failureStatus: HealthStatus.Degraded, tags: [OperationsEndpoints.ReadyTag]);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("chuyendoiso-hub"))
            .WithMetrics(metrics => metrics
            .AddMeter("MassTransit", HubMetrics.MeterName)
            .AddPrometheusExporter());
        return builder;
    }

    /// <summary>
    /// systemd (Type=notify, journal) or the Windows Service Control Manager when started by them, a console app otherwise;
    /// logs as one JSON object per line when the output is not a terminal (a service, a container, a pipe).
    /// </summary>
    public static IHostApplicationBuilder AddServiceHosting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSystemd();
        builder.Services.AddWindowsService(o => o.ServiceName = "ChuyenDoiSo Hub");
        builder.Logging.ClearProviders();
        if (Console.IsOutputRedirected)
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
                // Vietnamese names stay readable in the log instead of \uXXXX escapes.
                o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            });
        }
        else
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        }
        return builder;
    }
}
