using System.CommandLine;
using System.Globalization;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Rollup;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Deliver;
using ChuyenDoiSo.Workers.Rollup;
using ChuyenDoiSo.Workers.Wiring;

namespace ChuyenDoiSo.Workers.Cli;

/// <summary>compile: one plan's report for one period, or one level up the body's roll-up of its communes, from what is stored.</summary>
public static class CompileCommands
{
    public static Command Compile()
    {
        var plan = new Option<string?>("--plan") { Description = "Plan id (with --level commune)" };
        var period = new Option<string>("--period") { Description = "Period label: YYYY-MM, YYYY-Q1, YYYY-H1, YYYY-9M or YYYY-FY", Required = true };
        var format = CliSupport.Format("json", "docx", "pdf", "html", "json", "eml");
        var output = CliSupport.OutputFile(new Option<string?>("--out") { Description = "Output file (default: stdout for json and html)" });
        var date = new Option<string?>("--date") { Description = "The report's date (yyyy-MM-dd; default: today in Asia/Ho_Chi_Minh)" };
        var level = CliSupport.Level();
        var body = CliSupport.Body();
        var command = new Command("compile", "Compile a plan's report for a period (or, with --level higher, the body's roll-up of its communes) and render it as DOCX, PDF, HTML, JSON or an .eml email")
        {
            plan, period, format, output, date, level, body,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var higher = parse.GetValue(level) == "higher";
            var fmt = parse.GetValue(format)!;
            if (higher && fmt == "eml") throw new UserException("--format eml is for a commune's report; the roll-up is docx, pdf, html or json");
            if (!higher && parse.GetValue(plan) is null) throw new UserException("--plan is required with --level commune (the default); expected a plan id such as binh-chuong-2026");
            var builder = CliSupport.CreateBuilder(parse);
            if (parse.GetValue(body) is { } bodyId) builder.Configuration["Hub:Higher:Id"] = bodyId;
            builder.AddReportingHub();
            builder.Services.AddSingleton<ReportProducer>();
            builder.Services.AddSingleton<RollupProducer>();
            builder.AddDelivery();
            using var host = builder.Build();
            var label = parse.GetValue(period)!;
            var issueDate = parse.GetValue(date) is { } d
                ? DateOnly.TryParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) ? parsed : throw new UserException($"--date \"{d}\" is not a date; expected yyyy-MM-dd")
                : HubTime.LocalDate(host.Services.GetRequiredService<TimeProvider>().GetUtcNow());
            var path = parse.GetValue(output);

            if (higher)
            {
                var setup = host.Services.GetRequiredService<RollupSetup>();
                if (setup.FindPeriod(label) is null)
                    throw new UserException($"--period \"{label}\" is not in {setup.Body.Id}'s calendar; expected one of {string.Join(", ", setup.Calendar.Select(p => p.Period))}");
                if (fmt == "pdf")
                {
                    // An issued roll-up comes back as issued (its number, date and signatures), as a commune's report does.
                    var pdfPath = path ?? $"{setup.Body.Id}_{label}.pdf";
                    if (host.Services.GetRequiredService<Reporting.Register.OutgoingRegister>().Current(setup.Body.Id, label) is { IsStored: true } issued)
                    {
                        await File.WriteAllBytesAsync(pdfPath, issued.Pdf!, cancellationToken);
                        return Wrote(pdfPath);
                    }
                    // Only the PDF: a province's roll-up is thousands of rows, not worth drawing as DOCX and HTML as well.
                    RollupReport report;
                    using (var connection = host.Services.GetRequiredService<HubDatabase>().Open()) report = setup.Compile(connection, label);
                    return Wrote(PdfFiles.Write(report, issueDate, pdfPath));
                }
                var rollup = host.Services.GetRequiredService<RollupProducer>().Produce(label, issueDate);
                return await WriteAsync(fmt, path, () => RollupProducer.FileName(rollup.Report, fmt), rollup.Docx, rollup.Html, rollup.Json, null, cancellationToken);
            }

            var catalog = host.Services.GetRequiredService<PlanCatalog>();
            var p = CliSupport.RequirePlan(catalog, parse.GetValue(plan)!);
            CliSupport.RequirePeriod(catalog, p, label);
            if (fmt == "pdf")
            {
                // An issued report comes back as issued (its number, date and signatures); otherwise the unsigned draft.
                var pdfPath = path ?? $"{p.Id}_{label}.pdf";
                await File.WriteAllBytesAsync(pdfPath, host.Services.GetRequiredService<ReportRegistrar>().CompiledPdf(p, label, issueDate), cancellationToken);
                Console.Error.WriteLine($"wrote {pdfPath}");
                return 0;
            }
            var outputs = host.Services.GetRequiredService<ReportProducer>().Produce(p, label, issueDate);
            return await WriteAsync(fmt, path, () => ReportEmail.FileName(outputs.Report, fmt), outputs.Docx, outputs.Html, outputs.Json, outputs.Email, cancellationToken);
        });
        return command;
    }

    private static int Wrote(string path)
    {
        Console.Error.WriteLine($"wrote {path}");
        return 0;
    }

    private static async Task<int> WriteAsync(string format, string? path, Func<string> defaultName, byte[] docx, string html, string json, MimeKit.MimeMessage? email, CancellationToken cancellationToken)
    {
        switch (format)
        {
            case "docx":
                path ??= defaultName();
                await CliSupport.WriteFileAsync("--out", path, (s, ct) => s.WriteAsync(docx, ct).AsTask(), cancellationToken);
                break;
            case "eml":
                path ??= defaultName();
                await CliSupport.WriteFileAsync("--out", path, (s, ct) => email!.WriteToAsync(s, ct), cancellationToken);
                break;
            default:
                var text = format == "html" ? html : json;
                if (path is null)
                {
                    Console.WriteLine(text);
                    return 0;
                }
                await CliSupport.WriteFileAsync("--out", path, (s, ct) => s.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text), ct).AsTask(), cancellationToken);
                break;
        }
        Console.Error.WriteLine($"wrote {path}");
        return 0;
    }
}
