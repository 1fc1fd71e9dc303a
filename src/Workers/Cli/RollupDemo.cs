using System.CommandLine;
using System.Globalization;
using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Rollup;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Demo;
using ChuyenDoiSo.Workers.Ingest;
using ChuyenDoiSo.Workers.Rollup;
using ChuyenDoiSo.Workers.Wiring;
using MassTransit;

namespace ChuyenDoiSo.Workers.Cli;

/// <summary>
/// demo --level higher: a higher-level hub (the demo body's 100 simulated communes by default) receives a year of forwarded
/// commune reports through the in-memory bus and the commune-report consumer, then rolls up every period.
/// </summary>
public static class RollupDemo
{
    public const string DefaultBody = "demo-quang-ngai-2026";

    public static async Task<int> RunAsync(ParseResult parse, string? bodyId, string? outDir, int seed, CancellationToken cancellationToken)
    {
        var builder = CliSupport.CreateBuilder(parse);
        builder.Configuration["Hub:Level"] = "Higher";
        builder.Configuration["Hub:Higher:Id"] = bodyId ?? DefaultBody;
        // The generated unknown commune is meant to be rejected; the summary counts it.
        builder.Configuration["Logging:LogLevel:ChuyenDoiSo.Workers.Rollup"] = "Error";
        builder.AddReportingHub().AddMessaging().AddDelivery();
        using var host = builder.Build();
        var options = CliSupport.Options(host.Services);
        var plans = host.Services.GetRequiredService<PlanCatalog>();
        var setup = host.Services.GetRequiredService<RollupSetup>();
        var database = host.Services.GetRequiredService<HubDatabase>();
        var folder = Path.Combine(outDir ?? Path.Combine(options.Data, "demo"), "higher", setup.Body.Id);
        foreach (var warning in setup.Catalogue.Warnings) Console.Error.WriteLine(warning);
        await host.StartAsync(cancellationToken);
        var started = DateTime.UtcNow;

        var reports = RollupDemoData.Generate(plans, setup, seed).ToList();
        // One commune the body does not expect, to show a rejection.
        var outsider = reports[0].Message with { MessageId = DeliveryMessageId(seed), PlanId = "khong-co-2026", Commune = "Xã Không Có" };
        reports.Add(new DemoCommuneReport(outsider, reports[0].ReceivedAt, "rejected"));
        long marker;
        using (var connection = database.Open()) marker = new RollupQueries(connection).LastReceiptId();
        var bus = host.Services.GetRequiredService<IBus>();
        // In arrival order, as the broker would deliver them; a re-send must arrive after the report it corrects.
        foreach (var report in reports.OrderBy(r => r.ReceivedAt))
        {
            await bus.Publish(report.Message, context =>
                context.Headers.Set(DepartmentReportConsumer.ReceivedAtHeader, report.ReceivedAt.ToString("O", CultureInfo.InvariantCulture)), cancellationToken);
        }
        var seen = await WaitForReceiptsAsync(database, marker, reports.Count, TimeSpan.FromMinutes(5), cancellationToken);

        var rows = new List<IReadOnlyList<string>>();
        var files = 0;
        var producer = host.Services.GetRequiredService<RollupProducer>();
        var registrar = host.Services.GetRequiredService<Deliver.ReportRegistrar>();
        var signers = host.Services.GetRequiredService<Signing.SigningSetup>().For(null);
        // As for the communes' demo: every roll-up of the replayed year is issued through the register on its due date, in
        // the order of those dates (01/BC-SKHCN first), and signed; a second run writes the stored documents again.
        foreach (var period in setup.Calendar.OrderBy(p => p.DueDate).ThenBy(p => p.Period, StringComparer.Ordinal))
        {
            var entry = await registrar.IssueAsync(setup.Body.Id, period.Period, RollupDelivery.Suffix(setup.Body), () => signers, correction: false,
                renderOptions => producer.Issuable(period.Period, renderOptions), cancellationToken, period.DueDate);
            RollupReport r;
            using (var connection = database.Open()) r = setup.Compile(connection, period.Period);
            var outputs = new RollupOutputs(r, entry.Docx!, entry.Html!, RollupJsonRenderer.Render(r));
            files += (await RollupProducer.WriteAsync(outputs, folder, cancellationToken)).Count;
            await File.WriteAllBytesAsync(Path.Combine(folder, RollupProducer.FileName(r, "pdf")), entry.Pdf!, cancellationToken);
            files++;
            int Count(string status) => r.Communes.Count(c => c.Status == status);
            var online = r.Indicators.FirstOrDefault(i => i.Indicator.Key == "online-dossiers-end-to-end");
            rows.Add([period.Period, I(r.Communes.Count), I(Count(SubmissionStatus.OnTime)), I(Count(SubmissionStatus.Late)), I(Count(SubmissionStatus.Missing)),
                I(r.Communes.Count(c => c.Sends > 1)), I(r.Indicators.Count(i => i.Value is not null)),
                online?.Value is { } v ? $"{v.ToString("0.##", CultureInfo.InvariantCulture)}% ({I(online.Met)}/{I(online.Reporting)} met)" : "-",
                I(r.Warnings.Count)]);
        }
        await host.StopAsync(cancellationToken);

        Console.Write(CliSupport.Table(["period", "communes", "on time", "late", "missing", "re-sent", "keys with data", "online end-to-end", "warnings"], rows));
        Console.WriteLine();
        using (var connection = database.Open())
            Console.WriteLine("commune reports received: " + string.Join(", ", new RollupQueries(connection).OutcomeCounts().Select(c => $"{c.Outcome} {c.Count}")) + $" ({seen} of {reports.Count} deliveries)");
        Console.WriteLine($"{files} files (DOCX, signed and numbered PDF, HTML, JSON per period) in {Path.GetFullPath(folder)}");
        Console.WriteLine($"database: {Path.GetFullPath(options.DatabasePath)}  ({(DateTime.UtcNow - started).TotalSeconds:0.0} s)");
        Console.WriteLine($"next: compile --level higher --body {setup.Body.Id} --period {setup.Body.Year}-Q1 --format docx --out rollup-q1.docx");
        return seen >= reports.Count ? 0 : 1;
    }

    private static Guid DeliveryMessageId(int seed) => Deliver.DeliveryService.ForwardMessageId($"khong-co-2026|{seed}", "outsider");

    private static Task<long> WaitForReceiptsAsync(HubDatabase database, long marker, long expected, TimeSpan timeout, CancellationToken cancellationToken) =>
        Ingest.LocalIngest.WaitForCountAsync(() =>
        {
            using var connection = database.Open();
            return new RollupQueries(connection).CountReceiptsAfter(marker);
        }, expected, timeout, cancellationToken);

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
}
