using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChuyenDoiSo.Reporting.Plans;

namespace ChuyenDoiSo.Workers.Cli;

/// <summary>plans, calendar, validate: what the hub knows from the seed files.</summary>
public static class PlanCommands
{
    public static Command Plans()
    {
        var plan = new Option<string?>("--plan") { Description = "Only this plan id" };
        var format = CliSupport.Format("table", "json", "table");
        var command = new Command("plans", "List the plans: departments, indicators, tasks (with parsed timeframes), budget; export, template and import a plan as a workbook")
        {
            plan, format, PlanWorkbookCommands.Export(), PlanWorkbookCommands.Template(), PlanWorkbookCommands.Import(),
        };
        command.SetAction(parse =>
        {
            var catalog = LoadCatalog(parse);
            var plans = parse.GetValue(plan) is { } id ? [CliSupport.RequirePlan(catalog, id)] : catalog.Plans.ToList();
            if (parse.GetValue(format) == "json")
            {
                var array = new JsonArray(plans.Select(ToJson).ToArray<JsonNode?>());
                Console.WriteLine(array.ToJsonString(PlanJson.Indented));
                return 0;
            }
            Console.Write(CliSupport.Table(
                ["id", "commune", "year", "departments", "indicators", "tasks", "budget (million VND)", "channels", "assumed"],
                plans.Select(p => (IReadOnlyList<string>)[p.Id, p.Commune.FullName, p.Year.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    p.Departments.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), p.Indicators.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    p.Tasks.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), p.Budget.Sum(b => b.AmountMillionVnd).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture),
                    string.Join("+", p.Channels), PlanSources.AssumedCount(p).ToString(System.Globalization.CultureInfo.InvariantCulture)])));
            // One plan: every lead, coordinator, timeframe and target, an assumed one marked as such.
            if (plans.Count == 1) Console.Write(CliSupport.Table(["item", "field", "value", "source"], PlanSources.Rows(plans[0])));
            foreach (var warning in catalog.Warnings) Console.Error.WriteLine(warning);
            return 0;
        });
        return command;
    }

    /// <summary>The plan as written, with each task's timeframe also parsed.</summary>
    public static JsonNode ToJson(Plan plan)
    {
        var node = JsonSerializer.SerializeToNode(plan, PlanJson.Options)!.AsObject();
        node.Remove("$schema");
        var tasks = node["tasks"]!.AsArray();
        for (var i = 0; i < plan.Tasks.Count; i++)
        {
            var t = TimeframeParser.Parse(plan.Tasks[i].Timeframe, plan.Year);
            tasks[i]!["timeframeParsed"] = new JsonObject
            {
                ["kind"] = t.Kind.ToString().ToLowerInvariant(),
                ["year"] = t.Year,
                ["fromMonth"] = t.FromMonth,
                ["toMonth"] = t.ToMonth,
                ["quarter"] = t.Quarter,
                ["monthly"] = t.Monthly,
            };
        }
        return node;
    }

    public static Command Calendar()
    {
        var plan = new Option<string>("--plan") { Description = "Plan id", Required = true };
        var year = CliSupport.Year("Year, 2000 to 2100 (default: the plan's year)");
        var format = CliSupport.Format("table", "json", "table");
        var command = new Command("calendar", "The reports a plan owes in a year: period, kind, data window, due date and adjusted due date") { plan, year, format };
        command.SetAction(parse =>
        {
            var catalog = LoadCatalog(parse);
            var p = CliSupport.RequirePlan(catalog, parse.GetValue(plan)!);
            var y = parse.GetValue(year) ?? p.Year;
            if (y is < 2000 or > 2100) throw new UserException($"--year {y} is out of range; expected a year such as {p.Year}");
            var periods = catalog.CalendarFor(p, y);
            if (!catalog.Holidays.HasYear(y)) Console.Error.WriteLine($"warning: no holiday data for {y}: due dates move over weekends only");
            if (parse.GetValue(format) == "json")
            {
                var rows = periods.Select(r => new
                {
                    period = r.Period,
                    kind = Reporting.Calendar.ReportKinds.ToLabel(r.Kind),
                    windowStart = r.WindowStart,
                    incrementStart = r.IncrementStart,
                    cutOff = r.CutOff,
                    dueDate = r.DueDate,
                    adjustedDueDate = r.AdjustedDueDate,
                    departmentDueDate = r.DepartmentDueDate,
                });
                Console.WriteLine(JsonSerializer.Serialize(rows, PlanJson.Indented));
                return 0;
            }
            Console.Write(CliSupport.Table(
                ["period", "kind", "window start", "cut-off", "due", "adjusted due", "why moved"],
                periods.Select(r => (IReadOnlyList<string>)[r.Period, Reporting.Calendar.ReportKinds.ToLabel(r.Kind), CliSupport.Iso(r.WindowStart), CliSupport.Iso(r.CutOff),
                    CliSupport.Iso(r.DueDate), CliSupport.Iso(r.AdjustedDueDate), WhyMoved(catalog, r.DueDate, r.AdjustedDueDate)])));
            return 0;
        });
        return command;
    }

    private static string WhyMoved(PlanCatalog catalog, DateOnly due, DateOnly adjusted)
    {
        if (due == adjusted) return "";
        return catalog.Holidays.HolidayOn(due) is { } h ? h.Name : due.DayOfWeek.ToString();
    }

    public static Command Validate()
    {
        var file = CliSupport.InputFile(new Argument<string>("plan-file") { Description = "A plan JSON file, or a plan workbook (.xlsx, checked without writing anything)" });
        var command = new Command("validate", "Check a plan file: exit 0 when valid (warnings printed), 2 when not, with every problem listed") { file };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path)) throw new UserException($"{path}: no such file; expected a plan JSON file or a plan workbook (.xlsx)");
            if (WorkbookCommands.IsWorkbook(path))
            {
                var read = PlanWorkbookCommands.Read(path);
                if (read.Plan is null) return 2;
                Console.WriteLine($"{path}: valid plan {read.Plan.Id} ({read.Plan.Departments.Count} departments, {read.Plan.Indicators.Count} indicators, {read.Plan.Tasks.Count} tasks, {read.Problems.Count} warnings)");
                return 0;
            }
            var result = PlanValidator.Load(path);
            foreach (var problem in result.Problems) Console.Error.WriteLine(problem);
            if (!result.IsValid) return 2;
            Console.WriteLine($"{path}: valid plan {result.Plan!.Id} ({result.Plan.Departments.Count} departments, {result.Plan.Indicators.Count} indicators, {result.Plan.Tasks.Count} tasks, {result.Warnings.Count()} warnings)");
            return 0;
        });
        return command;
    }

    /// <summary>Loads the plans without starting a host: plan verbs should not create the data folder.</summary>
    public static PlanCatalog LoadCatalog(ParseResult parse)
    {
        var seeds = parse.GetValue(CliSupport.Seeds) ?? Environment.GetEnvironmentVariable("Hub__Seeds") ?? new Wiring.HubOptions().ResolveSeeds();
        return PlanCatalog.LoadFolder(seeds);
    }
}
