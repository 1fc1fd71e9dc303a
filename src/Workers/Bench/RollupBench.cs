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

    public static async Task<int> RunAsync(PlanCatalog plans, RollupSetup setup, IReadOnlyList<int> sizes, Signing.ReportSigners signers, CancellationToken cancellationToken)
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
                var peakBeforePdf = process.PeakWorkingSet64;

                // The PDF from the same document: the object model PDFsharp keeps until Save (pages compressed as they fill) is
                // measured as the live heap while it is alive, beside the document it was drawn from.
                var htmlBytes = System.Text.Encoding.UTF8.GetByteCount(html);
                var jsonBytes = System.Text.Encoding.UTF8.GetByteCount(json);
                html = "";
                json = "";
                GC.Collect();
                var liveBeforePdf = GC.GetTotalMemory(forceFullCollection: true);
                allocated = GC.GetTotalAllocatedBytes(precise: true);
                sw.Restart();
                var rendering = Reporting.Render.PdfReportRenderer.Build(document, new Reporting.Render.PdfRenderSettings { IssueDate = period.DueDate });
                var pdfBuildSeconds = sw.Elapsed.TotalSeconds;
                var pdfModel = GC.GetTotalMemory(forceFullCollection: true) - liveBeforePdf;
                sw.Restart();
                long pdfBytes;
                using (var pdf = rendering.Document)
                using (var sink = new CountingStream())
                {
                    pdf.Save(sink, closeStream: false);
                    pdfBytes = sink.Length;
                }
                var pdfSaveSeconds = sw.Elapsed.TotalSeconds;
                var pdfAllocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
                process.Refresh();
                var peakBeforeSigned = process.PeakWorkingSet64;

                // As the register issues it: numbered, with the signature list, rendered to bytes and signed twice.
                rendering = null!;
                GC.Collect();
                sw.Restart();
                var issued = RollupDocument.Build(report, new Reporting.Render.RenderOptions(period.DueDate, "01/" + body.DocumentCode, Signatures: signers.Lines()));
                var now = DateTimeOffset.UtcNow;
                var (unsigned, placement) = Reporting.Render.PdfReportRenderer.RenderBytes(issued, new Reporting.Render.PdfRenderSettings { IssueDate = period.DueDate, SignatureTexts = Signing.ReportSigning.Texts(signers, issued.SignerName, now) });
                var issuedRenderSeconds = sw.Elapsed.TotalSeconds;
                sw.Restart();
                var signed = await Signing.ReportSigning.SignAsync(unsigned, placement, signers, issued.SignerName, now, cancellationToken);
                var signSeconds = sw.Elapsed.TotalSeconds;
                process.Refresh();
                var pages = placement.PageIndex + 1;
                var values = report.Indicators.Sum(i => i.Values.Count);
                rows.Add([I(n), I(values), $"{storeSeconds:0.00} s", $"{compileSeconds * 1000:0} ms", Mb(compileAllocated), Mb(liveAfterCompile),
                    $"{renderSeconds * 1000:0} ms ({docxSeconds * 1000:0} / {htmlSeconds * 1000:0} / {(renderSeconds - docxSeconds - htmlSeconds) * 1000:0})", Mb(renderAllocated),
                    $"{Mb(docx.Length)} / {Mb(htmlBytes)} / {Mb(jsonBytes)}", Mb(peakBeforePdf),
                    $"{(pdfBuildSeconds + pdfSaveSeconds) * 1000:0} ms ({pdfBuildSeconds * 1000:0} / {pdfSaveSeconds * 1000:0})", I(pages), Mb(pdfAllocated), Mb(pdfModel), Mb(pdfBytes), Mb(peakBeforeSigned),
                    $"{(issuedRenderSeconds + signSeconds) * 1000:0} ms ({issuedRenderSeconds * 1000:0} / {signSeconds * 1000:0})", Mb(signed.Length), Mb(process.PeakWorkingSet64)]);
            }
            finally
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
            }
        }
        Console.Write(Cli.CliSupport.Table(
            ["communes", "values rolled up", "store (1 tx each)", "roll-up (read+compile)", "allocated", "live heap after", "render (docx / html / json)", "allocated", "docx / html / json", "peak working set",
             "pdf (build / save)", "pdf pages", "pdf allocated", "pdf object model (live)", "pdf size", "peak working set after pdf",
             "issued pdf render + sign (render / sign)", "signed size", "peak working set after signing"], rows));
        return 0;
    }

    /// <summary>Counts what PDFsharp writes without keeping it: the figure is the renderer's memory, not the file's.</summary>
    private sealed class CountingStream : Stream
    {
        private long length;
        public override bool CanRead => false;
        public override bool CanSeek => true;
        public override bool CanWrite => true;
        public override long Length => length;
        public override long Position { get; set; }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch { SeekOrigin.Begin => offset, SeekOrigin.Current => Position + offset, _ => length + offset };
        public override void SetLength(long value) => length = value;
        public override void Write(byte[] buffer, int offset, int count)
        {
            Position += count;
            length = Math.Max(length, Position);
        }
    }

    private static string I(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Mb(long bytes) => $"{bytes / 1024d / 1024d:0.0} MB";
}
