using System.CommandLine;
using ChuyenDoiSo.Reporting.Workbooks;

namespace ChuyenDoiSo.Workers.Cli;

/// <summary>plans export | template | import: a commune's plan as a workbook (issue 15).</summary>
public static class PlanWorkbookCommands
{
    public static Command Export()
    {
        var plan = new Option<string>("--plan") { Description = "Plan id", Required = true };
        var format = CliSupport.Format("xlsx", "xlsx", "json");
        var output = new Option<string>("--out") { Description = "The file to write", Required = true };
        var command = new Command("export", "Write a plan as a workbook (.xlsx) that `plans import` reads back to the same plan") { plan, format, output };
        command.SetAction(parse =>
        {
            var catalog = PlanCommands.LoadCatalog(parse);
            var p = CliSupport.RequirePlan(catalog, parse.GetValue(plan)!);
            var path = parse.GetValue(output)!;
            using (var file = WorkbookCommands.CreateFile(path))
            {
                if (parse.GetValue(format) == "json") file.Write(System.Text.Encoding.UTF8.GetBytes(PlanWorkbook.ToPlanFileJson(p)));
                else PlanWorkbook.Write(p, file);
            }
            Console.WriteLine($"{path}: plan {p.Id}");
            return 0;
        });
        return command;
    }

    public static Command Template()
    {
        var output = new Option<string>("--out") { Description = "The .xlsx file to write", Required = true };
        var command = new Command("template", "Write a blank plan workbook with Vietnamese instructions on its first sheet") { output };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(output)!;
            using (var file = WorkbookCommands.CreateFile(path)) PlanWorkbook.WriteTemplate(file);
            Console.WriteLine($"{path}: blank plan workbook");
            return 0;
        });
        return command;
    }

    public static Command Import()
    {
        var input = new Argument<string>("workbook") { Description = "A plan workbook (.xlsx)" };
        var output = new Option<string?>("--out") { Description = "The plan JSON to write (default: <seeds>/<plan id>.json)" };
        var command = new Command("import", "Check a plan workbook and write the plan JSON; nothing is written when any problem is an error (each named by its cell)") { input, output };
        command.SetAction(parse =>
        {
            var read = Read(parse.GetValue(input)!);
            if (read.Plan is null) return 2;
            var seeds = parse.GetValue(CliSupport.Seeds) ?? Environment.GetEnvironmentVariable("Hub__Seeds") ?? new Wiring.HubOptions().ResolveSeeds();
            var path = parse.GetValue(output) ?? Path.Combine(seeds, $"{read.Plan.Id}.json");
            using (var file = WorkbookCommands.CreateFile(path)) file.Write(System.Text.Encoding.UTF8.GetBytes(PlanWorkbook.ToPlanFileJson(read.Plan)));
            Console.WriteLine($"wrote {path}: plan {read.Plan.Id} ({read.Plan.Departments.Count} departments, {read.Plan.Indicators.Count} indicators, {read.Plan.Tasks.Count} tasks)");
            return 0;
        });
        return command;
    }

    /// <summary>Reads a plan workbook and prints its problems on stderr (all of them); the plan is null when any is an error.</summary>
    public static PlanWorkbookResult Read(string path)
    {
        if (!File.Exists(path)) throw new UserException($"{path}: no such file; expected a plan workbook (.xlsx)");
        PlanWorkbookResult result;
        try
        {
            using var file = File.OpenRead(path);
            result = PlanWorkbook.Read(file, path);
        }
        catch (WorkbookRefusedException e)
        {
            throw new UserException($"{path}: {e.Message}");
        }
        foreach (var problem in result.Problems) Console.Error.WriteLine($"{(problem.IsWarning ? "warning" : "error")}: {path}: {problem.Where}: {problem.Message}");
        return result;
    }
}
