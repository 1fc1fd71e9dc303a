using System.CommandLine;
using System.Globalization;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Deliver;
using ChuyenDoiSo.Workers.Wiring;

namespace ChuyenDoiSo.Workers.Cli;

/// <summary>compile: one plan's report for one period, from what is stored.</summary>
public static class CompileCommands
{
    public static Command Compile()
    {
        var plan = new Option<string>("--plan") { Description = "Plan id", Required = true };
        var period = new Option<string>("--period") { Description = "Period label: YYYY-MM, YYYY-Q1, YYYY-H1, YYYY-9M or YYYY-FY", Required = true };
        var format = CliSupport.Format("json", "docx", "html", "json", "eml");
        var output = new Option<string?>("--out") { Description = "Output file (default: stdout for json and html)" };
        var date = new Option<string?>("--date") { Description = "The report's date (yyyy-MM-dd; default: today in Asia/Ho_Chi_Minh)" };
        var command = new Command("compile", "Compile a plan's report for a period and render it as DOCX, HTML, JSON or an .eml email") { plan, period, format, output, date };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var builder = CliSupport.CreateBuilder(parse);
            builder.AddReportingHub();
            builder.Services.AddSingleton<ReportProducer>();
            using var host = builder.Build();
            var catalog = host.Services.GetRequiredService<PlanCatalog>();
            var p = CliSupport.RequirePlan(catalog, parse.GetValue(plan)!);
            var label = parse.GetValue(period)!;
            CliSupport.RequirePeriod(catalog, p, label);
            var issueDate = parse.GetValue(date) is { } d
                ? DateOnly.TryParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) ? parsed : throw new UserException($"--date \"{d}\" is not a date; expected yyyy-MM-dd")
                : HubTime.LocalDate(host.Services.GetRequiredService<TimeProvider>().GetUtcNow());
            var outputs = host.Services.GetRequiredService<ReportProducer>().Produce(p, label, issueDate);
            var fmt = parse.GetValue(format)!;
            var path = parse.GetValue(output);
            switch (fmt)
            {
                case "docx":
                    path ??= ReportEmail.FileName(outputs.Report, "docx");
                    await File.WriteAllBytesAsync(path, outputs.Docx, cancellationToken);
                    break;
                case "eml":
                    path ??= ReportEmail.FileName(outputs.Report, "eml");
                    await outputs.Email.WriteToAsync(path, cancellationToken);
                    break;
                default:
                    var text = fmt == "html" ? outputs.Html : outputs.Json;
                    if (path is null)
                    {
                        Console.WriteLine(text);
                        return 0;
                    }
                    await File.WriteAllTextAsync(path, text, cancellationToken);
                    break;
            }
            Console.Error.WriteLine($"wrote {path}");
            return 0;
        });
        return command;
    }
}
