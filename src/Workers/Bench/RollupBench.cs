using System.Diagnostics;
using System.Globalization;
using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Rollup;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Demo;

namespace ChuyenDoiSo.Workers.Bench;

/// <summary>
/// Rolls up N communes with 28 indicators each (Bình Chương's plan) for one period, for growing N: stores the forwarded
/// reports in a fresh SQLite file, then times the roll-up (read + compile) and the rendering, with the bytes allocated
/// and the process's peak working set. Sizes run in increasing order, so each peak belongs to the largest size so far.
/// </summary>
public static class RollupBench
{
    public const string BasePlan = "binh-chuong-2026";
    public const string Period = "2026-Q1";

    public static int Run(PlanCatalog plans, RollupSetup setup, IReadOnlyList<int> sizes)
    {
        var plan = plans.Find(BasePlan) ?? throw new InvalidOperationException($"no plan {BasePlan}");
        var period = setup.FindPeriod(Period) ?? throw new InvalidOperationException($"no period {Period} in {setup.Body.Id}");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; base plan {BasePlan} ({plan.Indicators.Count} indicators, {setup.Catalogue.MappingsFor(BasePlan).Count} mapped), period {Period}");
        var rows = new List<IReadOnlyList<string>>();
        foreach (var n in sizes.Order())
        {
            var body = setup.Body with { Communes = Enumerable.Range(1, n).Select(i => $"{BasePlan}#{i:0000}").ToList() };
            var expected = RollupSetup.ExpectedFor(body, plans);
            var random = new Random(n);
            var at = HubTime.At(period.Communes.AdjustedDueDate, new TimeOnly(16, 0));
            var messages = expected.Select(c => new CommuneReportSubmitted
            {
                MessageId = Guid.NewGuid(),
                PlanId = c.Id,
                Commune = c.Name,
                Period = Period,
                Kind = "quarterly",
                CompiledAt = at,
                ReportJson = RollupDemoData.ReportJson(plan, c, period.Communes, 0.25m, 0.3 + random.NextDouble() * 3, 0.8 + random.NextDouble() * 0.35, withoutCounts: false, random),
            }).ToList();

            var folder = Path.Combine(Path.GetTempPath(), $"chuyendoiso-rollup-bench-{Guid.NewGuid():N}");
            try
            {
                var database = new HubDatabase(Path.Combine(folder, "hub.db"));
                database.Migrate();
                var store = new CommuneReportStore(database);
                var sw = Stopwatch.StartNew();
                foreach (var m in messages)
                    store.Store(new IncomingCommuneReport(m, m.MessageId, "", at, null, CommuneReportValidator.Validate(m, body, setup.Holidays)));
                var storeSeconds = sw.Elapsed.TotalSeconds;
                messages.Clear();

                GC.Collect();
                GC.WaitForPendingFinalizers();
                var allocated = GC.GetTotalAllocatedBytes(precise: true);
                sw.Restart();
                RollupReport report;
                using (var connection = database.Open())
                    report = RollupCompiler.Compile(setup.Catalogue, body, period, expected, new RollupQueries(connection).Current(Period));
                var compileSeconds = sw.Elapsed.TotalSeconds;
                var compileAllocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
                var liveAfterCompile = GC.GetTotalMemory(forceFullCollection: true);

                allocated = GC.GetTotalAllocatedBytes(precise: true);
                sw.Restart();
                var document = RollupDocument.Build(report, new Reporting.Render.RenderOptions(period.DueDate));
                var docx = Reporting.Render.DocxReportRenderer.Render(document, period.DueDate);
                var docxSeconds = sw.Elapsed.TotalSeconds;
                var html = Reporting.Render.HtmlReportRenderer.Render(document);
                var htmlSeconds = sw.Elapsed.TotalSeconds - docxSeconds;
                var json = RollupJsonRenderer.Render(report);
                var renderSeconds = sw.Elapsed.TotalSeconds;
                var renderAllocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
                using var process = Process.GetCurrentProcess();
                process.Refresh();
                var values = report.Indicators.Sum(i => i.Values.Count);
                rows.Add([I(n), I(values), $"{storeSeconds:0.00} s", $"{compileSeconds * 1000:0} ms", Mb(compileAllocated), Mb(liveAfterCompile),
                    $"{renderSeconds * 1000:0} ms ({docxSeconds * 1000:0} / {htmlSeconds * 1000:0} / {(renderSeconds - docxSeconds - htmlSeconds) * 1000:0})", Mb(renderAllocated),
                    $"{Mb(docx.Length)} / {Mb(System.Text.Encoding.UTF8.GetByteCount(html))} / {Mb(System.Text.Encoding.UTF8.GetByteCount(json))}", Mb(process.PeakWorkingSet64)]);
            }
            finally
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
            }
        }
        Console.Write(Cli.CliSupport.Table(
            ["communes", "values rolled up", "store (1 tx each)", "roll-up (read+compile)", "allocated", "live heap after", "render (docx / html / json)", "allocated", "docx / html / json", "peak working set"], rows));
        return 0;
    }

    private static string I(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Mb(long bytes) => $"{bytes / 1024d / 1024d:0.0} MB";
}
