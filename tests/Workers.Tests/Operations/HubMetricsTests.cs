using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ChuyenDoiSo.Workers.Operations;
using ChuyenDoiSo.Workers.Tests.Delivery;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace ChuyenDoiSo.Workers.Tests.Operations;

/// <summary>The hub's meter as delivery drives it: a host of the test's own (its meters only), a real data folder, the fake clock.</summary>
public sealed class HubMetricsTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDataFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task HubMetrics_countReportsCompiledDeliveredAndReminders_whenDeliveryServiceSendsAndReminds()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 5, 10, 0, 0, TimeSpan.Zero));
        await using var host = await DeliveryHost.StartAsync(_folder.Path, clock, output);
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        var measured = new ConcurrentQueue<(string Instrument, long Value, string Tags)>();
        using var listener = new MeterListener();
        // Only this host's meter: other tests running at the same time have meters of the same name.
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == HubMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory)) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            measured.Enqueue((instrument.Name, value, string.Join(',', tags.ToArray().Select(t => $"{t.Key}={t.Value}").Order(StringComparer.Ordinal)))));
        listener.Start();
        // Instruments created before Start are published to the listener too; this makes sure the meter exists.
        _ = host.Services.GetRequiredService<HubMetrics>();

        var outcomes = await host.Delivery.DeliverAsync(host.Plan, "2026-Q1", resend: false, CancellationToken.None);
        var reminded = await host.Delivery.RemindAsync(host.Plan, "2026-Q1", 3, CancellationToken.None);

        Assert.Equal(2, outcomes.Count(o => o.Status == "sent"));
        Assert.NotEmpty(reminded);
        Assert.Equal(1, measured.Where(m => m.Instrument == "hub.reports.compiled").Sum(m => m.Value));
        Assert.Equal(1, measured.Where(m => m is { Instrument: "hub.reports.delivered", Tags: "channel=email,status=sent" }).Sum(m => m.Value));
        Assert.Equal(1, measured.Where(m => m is { Instrument: "hub.reports.delivered", Tags: "channel=forward,status=sent" }).Sum(m => m.Value));
        Assert.Equal(reminded.Count, measured.Where(m => m.Instrument == "hub.reminders.sent").Sum(m => m.Value));
    }
}
