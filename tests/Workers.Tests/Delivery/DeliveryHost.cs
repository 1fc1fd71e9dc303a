using System.Diagnostics;
using ChuyenDoiSo.Reporting.Deliver;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Workers.Deliver;
using ChuyenDoiSo.Workers.Schedule;
using ChuyenDoiSo.Workers.Wiring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Quartz;
using Xunit.Abstractions;

namespace ChuyenDoiSo.Workers.Tests.Delivery;

/// <summary>
/// The hub as `run` builds it, minus messaging: plans, database, delivery and Quartz on a data folder of the test's own,
/// with a <see cref="FakeTimeProvider"/> as the one clock — the container's and the scheduler's.
/// </summary>
public sealed class DeliveryHost : IAsyncDisposable
{
    public const string PlanId = "binh-chuong-2026";

    private readonly IHost _host;
    private bool _started;
    private bool _stopped;

    private DeliveryHost(IHost host, string data)
    {
        _host = host;
        Data = data;
    }

    public string Data { get; }
    public IServiceProvider Services => _host.Services;
    public DeliveryLedger Ledger => Services.GetRequiredService<DeliveryLedger>();
    public DeliveryService Delivery => Services.GetRequiredService<DeliveryService>();
    public PlanCatalog Catalog => Services.GetRequiredService<PlanCatalog>();
    public Plan Plan => Catalog.Find(PlanId)!;
    public string Outbox => Path.Combine(Data, "outbox");

    /// <summary>Builds the host; <see cref="StartAsync"/> starts it.</summary>
    public static DeliveryHost Build(string data, FakeTimeProvider clock, ITestOutputHelper output, IReadOnlyDictionary<string, string?>? settings = null)
    {
        // No defaults: a Hub__Smtp__Host in the environment or an appsettings.json beside the tests must not send anything.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = data, EnvironmentName = "Test" });
        builder.Configuration["Hub:Data"] = data;
        builder.Configuration["Hub:Seeds"] = TestPaths.Seeds;
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) builder.Configuration[key] = value;
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Quartz", LogLevel.Warning);
        builder.Logging.AddProvider(new OutputLoggerProvider(output, clock));
        builder.AddReportingHub().AddDelivery().AddScheduling(clock);
        builder.Services.RemoveAll<TimeProvider>();
        builder.Services.AddSingleton<TimeProvider>(clock);
        return new DeliveryHost(builder.Build(), data);
    }

    public static async Task<DeliveryHost> StartAsync(string data, FakeTimeProvider clock, ITestOutputHelper output, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var host = Build(data, clock, output, settings);
        await host.StartAsync();
        return host;
    }

    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        _started = true;
        await _host.StartAsync(timeout.Token);
    }

    public async Task StopAsync()
    {
        if (!_started || _stopped) return;
        _stopped = true;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _host.StopAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_host is IAsyncDisposable disposable) await disposable.DisposeAsync();
        else _host.Dispose();
    }

    public async Task<IScheduler> SchedulerAsync() => await Services.GetRequiredService<ISchedulerFactory>().GetScheduler();

    /// <summary>The Quartz trigger of a report (all its channels), or null when there is none (never scheduled, or done).</summary>
    public async Task<ITrigger?> ReportTriggerAsync(string period) =>
        await (await SchedulerAsync()).GetTrigger(new TriggerKey($"{PlanId}|{period}|report", ScheduleSync.Job.Group));

    public IReadOnlyList<DeliveryRow> Rows(string period) => Ledger.For(PlanId, period).OrderBy(r => r.Channel, StringComparer.Ordinal).ToList();

    /// <summary>The .eml files and forwarded JSON files in the outbox, by name.</summary>
    public IReadOnlyList<string> OutboxFiles(string pattern = "*.eml", string? subfolder = null)
    {
        var folder = subfolder is null ? Outbox : Path.Combine(Outbox, subfolder);
        return Directory.Exists(folder) ? Directory.EnumerateFiles(folder, pattern).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList() : [];
    }

    /// <summary>
    /// Polls (real time) until <paramref name="done"/> holds or the deadline passes; then fails with what was seen last.
    /// Quartz fires on its own threads after the fake clock moves, so the test waits for the effect rather than for a while.
    /// </summary>
    public static async Task<T> EventuallyFromAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        while (true)
        {
            var value = await probe();
            if (done(value)) return value;
            if (deadline.Elapsed > limit)
                throw new Xunit.Sdk.XunitException($"not within {limit.TotalSeconds:0} s: {what}; last seen: {Describe(value)}");
            await Task.Delay(25);
        }
    }

    public static Task<T> EventuallyAsync<T>(Func<T> probe, Func<T, bool> done, string what, TimeSpan? timeout = null) =>
        EventuallyFromAsync(() => Task.FromResult(probe()), done, what, timeout);

    public static string Describe<T>(T value) => value switch
    {
        null => "null",
        string s => s,
        System.Collections.IEnumerable items => "[" + string.Join("; ", items.Cast<object?>().Select(i => i?.ToString())) + "]",
        _ => value.ToString() ?? "",
    };

    /// <summary>Log lines go to the test's output, stamped with the fake clock (when in the scenario) and the real time since the host was built (how long it took).</summary>
    private sealed class OutputLoggerProvider(ITestOutputHelper output, TimeProvider clock) : ILoggerProvider
    {
        private readonly Stopwatch _real = Stopwatch.StartNew();

        public ILogger CreateLogger(string categoryName) => new OutputLogger(output, clock, _real, categoryName[(categoryName.LastIndexOf('.') + 1)..]);

        public void Dispose()
        {
        }

        private sealed class OutputLogger(ITestOutputHelper output, TimeProvider clock, Stopwatch real, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                try
                {
                    output.WriteLine($"[{clock.GetUtcNow().ToOffset(TimeSpan.FromHours(7)):yyyy-MM-dd HH:mm:ss zzz} | real +{real.Elapsed.TotalSeconds:0.000} s] {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : Environment.NewLine + exception)}");
                }
                catch (InvalidOperationException)
                {
                    // The test has finished; a late line from a background thread has nowhere to go.
                }
            }
        }
    }
}
