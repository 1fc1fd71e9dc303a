using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Ingest;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Cli;
using ChuyenDoiSo.Workers.Demo;
using ChuyenDoiSo.Workers.Ingest;
using ChuyenDoiSo.Workers.Wiring;
using MassTransit;

namespace ChuyenDoiSo.Workers.Bench;

/// <summary>Pushes N updates through the in-memory bus into a fresh SQLite file, then compiles every report.</summary>
public static class EmbeddedBench
{
    public static async Task<int> RunAsync(ParseResult parse, int count, CancellationToken cancellationToken)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), $"chuyendoiso-bench-{Guid.NewGuid():N}");
        var builder = CliSupport.CreateBuilder(parse);
        builder.Configuration["Hub:Data"] = dataDir;
        builder.AddReportingHub().AddMessaging();
        using var host = builder.Build();
        var catalog = host.Services.GetRequiredService<PlanCatalog>();
        var database = host.Services.GetRequiredService<HubDatabase>();
        await host.StartAsync(cancellationToken);
        try
        {
            // Real-shaped updates: the demo's, renumbered until there are enough.
            var templates = catalog.Plans.SelectMany(p => DemoData.Generate(catalog, p, 7)).Where(u => u.Kind is "on_time" or "late").Select(u => u.Message).ToList();
            var messages = Enumerable.Range(0, count).Select(i => templates[i % templates.Count] with { MessageId = Guid.NewGuid() }).ToList();
            var bus = host.Services.GetRequiredService<IBus>();
            var storeRate = StoreAlone(catalog, messages, CliSupport.Options(host.Services).Ingest.BatchSize);

            var sw = Stopwatch.StartNew();
            const int window = 2_000;
            for (var i = 0; i < messages.Count; i += window)
                await Task.WhenAll(messages.Skip(i).Take(window).Select(m => bus.Publish(m, cancellationToken)));
            var publishSeconds = sw.Elapsed.TotalSeconds;
            var stored = await LocalIngest.WaitForReceiptsAsync(database, 0, count, TimeSpan.FromMinutes(10), cancellationToken);
            var ingestSeconds = sw.Elapsed.TotalSeconds;

            sw.Restart();
            var reports = 0;
            using (var connection = database.Open())
            {
                foreach (var plan in catalog.Plans)
                    foreach (var period in catalog.CalendarFor(plan))
                    {
                        ReportCompiler.Compile(connection, catalog, plan, period.Period);
                        reports++;
                    }
            }
            var compileSeconds = sw.Elapsed.TotalSeconds;

            // Render + sign as an issue does: the PDF of every report, then the signer's and the agency's signature (demo RSA-2048 keys, no timestamp).
            var signers = new Signing.SigningSetup(CliSupport.Options(host.Services), TimeProvider.System).For(null);
            double renderSeconds = 0, signSeconds = 0;
            long pdfBytes = 0;
            using (var connection = database.Open())
            {
                foreach (var plan in catalog.Plans)
                    foreach (var period in catalog.CalendarFor(plan))
                    {
                        var report = ReportCompiler.Compile(connection, catalog, plan, period.Period);
                        sw.Restart();
                        var document = Reporting.Render.ReportDocument.Build(report, new Reporting.Render.RenderOptions(period.AdjustedDueDate, "01/BC-UBND", Signatures: signers.Lines()));
                        var now = DateTimeOffset.UtcNow;
                        var (unsigned, placement) = Reporting.Render.PdfReportRenderer.RenderBytes(document, new Reporting.Render.PdfRenderSettings { SignatureTexts = Signing.ReportSigning.Texts(signers, document.SignerName, now) });
                        renderSeconds += sw.Elapsed.TotalSeconds;
                        sw.Restart();
                        var signed = await Signing.ReportSigning.SignAsync(unsigned, placement, signers, document.SignerName, now, cancellationToken);
                        signSeconds += sw.Elapsed.TotalSeconds;
                        pdfBytes += signed.Length;
                    }
            }

            Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}");
            Console.WriteLine($"updates: {count:N0} ({stored:N0} receipts), batch {CliSupport.Options(host.Services).Ingest.BatchSize}");
            Console.WriteLine($"publish: {publishSeconds:0.00} s; publish+store: {ingestSeconds:0.00} s = {count / ingestSeconds:N0} updates/s");
            Console.WriteLine($"store alone (IngestStore, no bus): {storeRate:N0} updates/s");
            Console.WriteLine($"compile: {reports} reports in {compileSeconds:0.00} s = {compileSeconds * 1000 / reports:0.0} ms/report");
            Console.WriteLine($"render PDF: {renderSeconds * 1000 / reports:0.0} ms/report; sign twice (PAdES, two incremental revisions): {signSeconds * 1000 / reports:0.0} ms/report; signed PDF {pdfBytes / reports / 1024.0:0} KiB/report");
            return stored >= count ? 0 : 1;
        }
        finally
        {
            await host.StopAsync(cancellationToken);
            SqliteCleanup(dataDir);
        }
    }

    /// <summary>The store without the bus: validation and one transaction per batch, into its own file.</summary>
    private static double StoreAlone(PlanCatalog catalog, IReadOnlyList<DepartmentReportSubmitted> messages, int batchSize)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"chuyendoiso-store-{Guid.NewGuid():N}");
        try
        {
            var database = new HubDatabase(Path.Combine(dir, "hub.db"));
            database.Migrate();
            var store = new IngestStore(database);
            var now = DateTimeOffset.UtcNow;
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < messages.Count; i += batchSize)
                store.Store(messages.Skip(i).Take(batchSize)
                    .Select(m => new IncomingSubmission(m, m.MessageId, System.Text.Json.JsonSerializer.Serialize(m, PlanJson.Options), now, null, SubmissionValidator.Validate(m, catalog)))
                    .ToList());
            return messages.Count / sw.Elapsed.TotalSeconds;
        }
        finally
        {
            SqliteCleanup(dir);
        }
    }

    private static void SqliteCleanup(string dir)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }
}
