using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Ingest;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Workers.Deliver;
using ChuyenDoiSo.Workers.Demo;
using ChuyenDoiSo.Workers.Ingest;
using ChuyenDoiSo.Workers.Wiring;

namespace ChuyenDoiSo.Workers.Cli;

/// <summary>demo: the whole job on the embedded default, from generated updates to every report of every plan.</summary>
public static class DemoCommand
{
    public static Command Demo()
    {
        var output = CliSupport.OutputFolder(new Option<string?>("--out") { Description = "Where the reports go (default: <data>/demo)" });
        var seed = CliSupport.WholeNumber("--seed", "Seed of the generated updates (0 or more)", 2026, 0);
        var level = CliSupport.Level();
        var body = CliSupport.Body();
        var command = new Command("demo", "Generate a year of department updates for the five plans, put them through the bus, compile and render every report; with --level higher, 100 communes' forwarded reports rolled up")
        {
            output, seed, level, body,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(level) == "higher")
                return await RollupDemo.RunAsync(parse, parse.GetValue(body), parse.GetValue(output), parse.GetValue(seed), cancellationToken);
            var builder = CliSupport.CreateBuilder(parse);
            // The generated invalid updates are meant to be rejected; the summary counts them.
            builder.Configuration["Logging:LogLevel:ChuyenDoiSo.Workers.Ingest"] = "Error";
            builder.AddReportingHub().AddMessaging();
            builder.Services.AddSingleton<LocalIngest>();
            builder.Services.AddSingleton<ReportProducer>();
            builder.Services.AddSingleton<Signing.SigningSetup>();
            builder.Services.AddSingleton<Reporting.Register.OutgoingRegister>();
            builder.Services.AddSingleton<ReportRegistrar>();
            using var host = builder.Build();
            var options = CliSupport.Options(host.Services);
            var outDir = parse.GetValue(output) ?? Path.Combine(options.Data, "demo");
            var catalog = host.Services.GetRequiredService<PlanCatalog>();
            foreach (var warning in catalog.Warnings) Console.Error.WriteLine(warning);
            await host.StartAsync(cancellationToken);

            var ingest = host.Services.GetRequiredService<LocalIngest>();
                        var registrar = host.Services.GetRequiredService<ReportRegistrar>();
            var rows = new List<IReadOnlyList<string>>();
            var started = DateTime.UtcNow;
            var totalFiles = 0;
            foreach (var plan in catalog.Plans)
            {
                var updates = DemoData.Generate(catalog, plan, parse.GetValue(seed));
                var items = updates.Select((u, i) => ($"{plan.Id}#{i}", new ReadSubmission(u.Message, [], JsonSerializer.Serialize(u.Message, PlanJson.Options), u.Message.MessageId), (DateTimeOffset?)u.ReceivedAt)).ToList();
                var results = await ingest.SendAsync(items, TimeSpan.FromMinutes(2), cancellationToken);
                var counts = results.GroupBy(r => r.Outcome).ToDictionary(g => g.Key, g => g.Count());

                int onTime = 0, late = 0, missing = 0;
                // The demo replays a year in which every report was issued at its deadline: each goes through the register on its
                // due date, in the order of those dates (so 01/BC-UBND is the first of the year), and is signed. A second run finds
                // them issued and writes the stored documents again.
                foreach (var period in catalog.CalendarFor(plan).OrderBy(p => p.AdjustedDueDate).ThenBy(p => p.Period, StringComparer.Ordinal))
                {
                    var (_, outputs) = await registrar.IssueAsync(plan, period.Period, correction: false, cancellationToken, period.AdjustedDueDate);
                    onTime += outputs.Report.Submissions.Count(s => s.Status == SubmissionStatus.OnTime);
                    late += outputs.Report.Submissions.Count(s => s.Status == SubmissionStatus.Late);
                    missing += outputs.Report.Submissions.Count(s => s.Status == SubmissionStatus.Missing);
                    totalFiles += (await ReportProducer.WriteAsync(outputs, Path.Combine(outDir, plan.Id), cancellationToken)).Count;
                }
                rows.Add([plan.Id, I(catalog.CalendarFor(plan).Count), I(results.Count), I(counts.GetValueOrDefault("accepted")), I(counts.GetValueOrDefault("duplicate")),
                    I(counts.GetValueOrDefault("rejected") + counts.GetValueOrDefault("conflict")), I(onTime), I(late), I(missing)]);
            }
            await host.StopAsync(cancellationToken);

            Console.Write(CliSupport.Table(["plan", "reports", "updates", "accepted", "duplicate", "rejected", "on time", "late", "missing"], rows));
            Console.WriteLine();
            Console.WriteLine($"{totalFiles} files (DOCX, HTML, JSON, .eml and the signed, numbered PDF per report) in {Path.GetFullPath(outDir)}");
            Console.WriteLine($"database: {Path.GetFullPath(options.DatabasePath)}  ({(DateTime.UtcNow - started).TotalSeconds:0.0} s)");
            Console.WriteLine("next: status --format table | compile --plan binh-chuong-2026 --period 2026-Q1 --format docx --out q1.docx");
            return 0;
        });
        return command;
    }

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
}
