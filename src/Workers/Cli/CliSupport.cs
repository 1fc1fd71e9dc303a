using Microsoft.AspNetCore.Builder;
using System.CommandLine;
using System.Globalization;
using System.Text;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Workers.Wiring;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ChuyenDoiSo.Workers.Cli;

/// <summary>A mistake a user can make: printed as one line on stderr, exit code 2, never a stack trace.</summary>
public sealed class UserException(string message) : Exception(message)
{
    public UserException()
        : this("invalid input")
    {
    }

    public UserException(string message, Exception innerException)
        : this(message + ": " + innerException.Message)
    {
    }
}

/// <summary>Options every verb shares, and the host the verbs run in.</summary>
public static partial class CliSupport
{
    public static readonly Option<string?> Data = DataFolder(new("--data") { Description = "Data folder (SQLite files, reports, .eml pickup). Default: ./data", Recursive = true });
    public static readonly Option<string?> Seeds = InputFolder(new("--seeds") { Description = "Folder of plan files. Default: ./seeds, else the copy beside the program", Recursive = true });

    public static Option<string> Format(string defaultValue, params string[] allowed)
    {
        var option = new Option<string>("--format") { Description = $"Output format: {string.Join(", ", allowed)}", DefaultValueFactory = _ => defaultValue };
        option.AcceptOnlyFromAmong(allowed);
        return option;
    }

    /// <summary>--level commune|higher: a commune's own reports, or one level up the roll-up of many communes.</summary>
    public static Option<string> Level()
    {
        var option = new Option<string>("--level") { Description = "commune: a plan's own report; higher: the higher body's roll-up of its communes (Hub:Level)", DefaultValueFactory = _ => "commune" };
        option.AcceptOnlyFromAmong("commune", "higher");
        return option;
    }

    /// <summary>--body ID: the higher body (seeds/higher/ID.json), overriding Hub:Higher:Id.</summary>
    public static Option<string?> Body() => new("--body") { Description = "Higher body id, a file seeds/higher/<id>.json (default: Hub:Higher:Id, else the only file there)" };

    /// <summary>
    /// Builds the hub's host for a verb (configuration from appsettings.json and Hub__* variables, with --data/--seeds on top).
    /// The verbs' own arguments are System.CommandLine's; the host gets one setting only. Without it the default
    /// appsettings.json is reloaded on change, which watches the whole working folder with inotify, data/ included:
    /// every SQLite write woke the watcher (3.7 % of the hub's CPU while ingesting, in a trace).
    /// </summary>
    private static readonly string[] HostArgs = ["--hostBuilder:reloadConfigOnChange=false"];

    public static HostApplicationBuilder CreateBuilder(ParseResult parse, LogLevel logLevel = LogLevel.Warning)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = HostArgs,
            ContentRootPath = Directory.GetCurrentDirectory(),
            ApplicationName = "ChuyenDoiSo.Workers",
        });
        Configure(builder, parse, logLevel);
        return builder;
    }

    /// <summary>The same, with a web server (Kestrel) for `run`: health, metrics and the dashboard share the host.</summary>
    public static WebApplicationBuilder CreateWebBuilder(ParseResult parse, LogLevel logLevel)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = HostArgs,
            ContentRootPath = Directory.GetCurrentDirectory(),
            ApplicationName = "ChuyenDoiSo.Workers",
        });
        // The same sources, in the same order, as every other verb (ASPNETCORE_* variables do not configure the hub).
        builder.Configuration.Sources.Clear();
        Configure(builder, parse, logLevel);
        return builder;
    }

    /// <summary>The hub's settings from the same sources as every verb, without building a host (which would create the data folder).</summary>
    public static HubOptions ReadOptions(ParseResult parse)
    {
        var configuration = new ConfigurationBuilder();
        AddSources(configuration, parse);
        return HubOptionsReader.Bind(configuration.Build());
    }

    private static void AddSources(IConfigurationBuilder configuration, ParseResult parse)
    {
        configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true);
        configuration.AddJsonFile("appsettings.json", optional: true);
        configuration.AddEnvironmentVariables();
        var overrides = new Dictionary<string, string?>();
        if (parse.GetValue(Data) is { } data) overrides["Hub:Data"] = data;
        if (parse.GetValue(Seeds) is { } seeds) overrides["Hub:Seeds"] = seeds;
        configuration.AddInMemoryCollection(overrides);
    }

    private static void Configure(IHostApplicationBuilder builder, ParseResult parse, LogLevel logLevel)
    {
        AddSources(builder.Configuration, parse);
        // Verbs print their own results; the log says only what needs attention. `run` logs at Information.
        builder.Configuration["Logging:LogLevel:Default"] = logLevel.ToString();
        builder.Configuration["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = logLevel.ToString();
        builder.Configuration["Logging:LogLevel:MassTransit"] = (logLevel > LogLevel.Warning ? logLevel : LogLevel.Warning).ToString();
        // Kestrel and routing say what they do per request at Information; the hub's log is about the hub.
        builder.Configuration["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning";
    }

    public static HubOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<HubOptions>>().Value;

    public static PlanCatalog LoadCatalog(IServiceProvider services) => services.GetRequiredService<PlanCatalog>();

    /// <summary>Whether <paramref name="id"/> names a higher body of the seeds (seeds/higher/&lt;id&gt;.json) rather than a plan.</summary>
    public static bool IsHigherBody(HubOptions options, string id) =>
        id.Length > 0 && id.IndexOfAny(Path.GetInvalidFileNameChars()) < 0 && File.Exists(Path.Combine(options.ResolveSeeds(), "higher", id + ".json"));

    public static Plan RequirePlan(PlanCatalog catalog, string id) =>
        catalog.Find(id) ?? throw new UserException($"unknown plan \"{id}\"; expected one of {string.Join(", ", catalog.Plans.Select(p => p.Id))}");

    public static Reporting.Calendar.ReportingPeriod RequirePeriod(PlanCatalog catalog, Plan plan, string label) =>
        catalog.FindPeriod(plan, label)
        ?? throw new UserException($"--period \"{label}\" is not in plan {plan.Id}'s calendar; expected one of {string.Join(", ", catalog.CalendarFor(plan).Select(x => x.Period))}");

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Plain aligned columns for the table formats.</summary>
    public static string Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = rows.ToList();
        var widths = headers.Select((h, i) => Math.Max(h.Length, all.Count == 0 ? 0 : all.Max(r => r[i].Length))).ToArray();
        var sb = new StringBuilder();
        void Line(IReadOnlyList<string> cells) => sb.AppendLine(string.Join("  ", cells.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        Line(headers);
        Line(widths.Select(w => new string('-', w)).ToList());
        foreach (var row in all) Line(row);
        return sb.ToString();
    }
}
