using System.CommandLine;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Reporting.Workbooks;

namespace ChuyenDoiSo.Workers.Cli;

/// <summary>template: a department's report workbook; and reading one back for ingest and publish.</summary>
public static class WorkbookCommands
{
    public static Command Template()
    {
        var plan = new Option<string>("--plan") { Description = "Plan id", Required = true };
        var department = new Option<string>("--department") { Description = "Department code as the plan names it", Required = true };
        var period = new Option<string>("--period") { Description = "Period, e.g. 2026-Q1 or 2026-04", Required = true };
        var output = new Option<string>("--out") { Description = "The .xlsx file to write", Required = true };
        var command = new Command("template",
            "Write a department's report workbook (.xlsx) for a period: its indicators, tasks and statistics, pre-filled with its last stored values; fill it in and `ingest --file` or `publish --file` it")
        {
            plan, department, period, output,
        };
        command.SetAction(parse =>
        {
            var catalog = PlanCommands.LoadCatalog(parse);
            var p = CliSupport.RequirePlan(catalog, parse.GetValue(plan)!);
            var code = parse.GetValue(department)!;
            if (p.FindDepartment(code) is null)
                throw new UserException($"--department {code} is not a department of plan {p.Id}; expected one of {string.Join(", ", p.Departments.Select(d => d.Code))}");
            var reportingPeriod = CliSupport.RequirePeriod(catalog, p, parse.GetValue(period)!);
            if (reportingPeriod.Year != p.Year)
                throw new UserException($"--period {reportingPeriod.Period} is outside plan {p.Id}'s year {p.Year}");
            var last = LastUpdate(parse, catalog, p, code, reportingPeriod.Period);
            var path = parse.GetValue(output)!;
            using (var file = CreateFile(path)) DepartmentWorkbook.Write(p, code, reportingPeriod, last, file);
            Console.WriteLine($"{path}: workbook for {code} of {p.Id}, period {reportingPeriod.Period}{(last is null ? "" : $" (pre-filled from {last.Period})")}");
            return 0;
        });
        return command;
    }

    /// <summary>The department's last stored update, when the data folder has a hub.db (never creates one).</summary>
    private static Contracts.DepartmentReportSubmitted? LastUpdate(ParseResult parse, PlanCatalog catalog, Plan plan, string department, string period)
    {
        var data = parse.GetValue(CliSupport.Data) ?? Environment.GetEnvironmentVariable("Hub__Data") ?? "data";
        var path = Path.Combine(data, "hub.db");
        if (!File.Exists(path)) return null;
        var database = new HubDatabase(path);
        using var connection = database.Open();
        var rows = new WorkbookQueries(connection).CurrentUpdates(plan.Id, department);
        return WorkbookQueries.LastUpdate(rows, catalog.CalendarFor(plan), period);
    }

    public static FileStream CreateFile(string path)
    {
        try
        {
            if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder) Directory.CreateDirectory(folder);
            return File.Create(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserException($"--out {path}: cannot write ({e.Message})");
        }
    }

    /// <summary>Whether a file is a workbook by name (.xlsx, .xlsm) or by content (a zip package), rather than JSON.</summary>
    public static bool IsWorkbook(string path)
    {
        if (path.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".xlsm", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".xls", StringComparison.OrdinalIgnoreCase)) return true;
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) return false;
        try
        {
            using var file = File.OpenRead(path);
            Span<byte> head = stackalloc byte[4];
            return file.Read(head) == 4 && head.SequenceEqual((ReadOnlySpan<byte>)[0x50, 0x4B, 0x03, 0x04]);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Reads a department workbook; a file refused as a whole is one line (exit 2), a broken one comes back with every problem.</summary>
    public static DepartmentWorkbookResult ReadDepartmentWorkbook(string path, PlanCatalog catalog)
    {
        if (!File.Exists(path)) throw new UserException($"--file {path}: no such file");
        DepartmentWorkbookResult result;
        using (var file = File.OpenRead(path)) result = DepartmentWorkbook.Read(file, catalog);
        if (result.Problems is [{ Where: "workbook" } only] && result.PlanId is null)
            throw new UserException($"{path}: {only.Message}");
        return result;
    }
}
