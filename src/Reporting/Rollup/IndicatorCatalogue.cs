using System.Text.Json;
using System.Text.RegularExpressions;
using ChuyenDoiSo.Reporting.Plans;

namespace ChuyenDoiSo.Reporting.Rollup;

/// <summary>
/// An indicator of the national catalogue (danh mục chỉ tiêu): a stable key that plans numbered differently share,
/// so a higher level can add their communes' values up.
/// </summary>
public sealed record CatalogueIndicator
{
    public required string Key { get; init; }
    public required string Name { get; init; }
    public required string Unit { get; init; }
    /// <summary>ratio (summed counts), sum (flows add up) or latest (a stock: the communes' latest values add up).</summary>
    public required string Aggregation { get; init; }
    public required string Group { get; init; }
    public string? Note { get; init; }

    public Aggregation EffectiveAggregation => Aggregation switch
    {
        "sum" => Plans.Aggregation.Sum,
        "latest" => Plans.Aggregation.Latest,
        _ => Plans.Aggregation.Ratio,
    };
}

/// <summary>The catalogue file as written (seeds/catalogue.json).</summary>
public sealed record IndicatorCatalogueFile
{
    public required int Version { get; init; }
    public string? Note { get; init; }
    public IReadOnlyList<CatalogueIndicator> Indicators { get; init; } = [];
    /// <summary>planId → plan indicator code → catalogue key.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Mappings { get; init; } = new Dictionary<string, IReadOnlyDictionary<string, string>>();
}

/// <summary>
/// The national indicator catalogue with each plan's indicators mapped to a key where one fits. Loading checks every
/// key, aggregation and mapping against the plans; a problem names the file, the JSON path and what was expected.
/// </summary>
public sealed partial class IndicatorCatalogue
{
    public const string FileName = "catalogue.json";

    private readonly Dictionary<string, CatalogueIndicator> _byKey;
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _mappings;

    public IndicatorCatalogue(IReadOnlyList<CatalogueIndicator> indicators, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> mappings, IReadOnlyList<PlanProblem>? warnings = null)
    {
        Indicators = indicators;
        _byKey = indicators.ToDictionary(i => i.Key, StringComparer.Ordinal);
        _mappings = mappings.ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
        Warnings = warnings ?? [];
    }

    /// <summary>In the file's order, which is the roll-up report's order.</summary>
    public IReadOnlyList<CatalogueIndicator> Indicators { get; }
    public IReadOnlyList<PlanProblem> Warnings { get; }
    public IEnumerable<string> MappedPlans => _mappings.Keys;

    public CatalogueIndicator? Find(string key) => _byKey.GetValueOrDefault(key);

    public bool HasMappings(string planId) => _mappings.ContainsKey(planId);

    /// <summary>The catalogue key of a plan's indicator; null when the indicator is not mapped.</summary>
    public string? KeyFor(string planId, string code) =>
        _mappings.TryGetValue(planId, out var codes) && codes.TryGetValue(code, out var key) ? key : null;

    public IReadOnlyDictionary<string, string> MappingsFor(string planId) =>
        _mappings.TryGetValue(planId, out var codes) ? codes : new Dictionary<string, string>();

    /// <summary>Reads and checks a catalogue file; throws <see cref="PlanFileException"/> listing every error.</summary>
    public static IndicatorCatalogue Load(string file, PlanCatalog? plans)
    {
        string json;
        try
        {
            json = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PlanFileException(file, "$", $"cannot read the indicator catalogue: {e.Message}");
        }
        var (catalogue, problems) = Parse(file, json, plans);
        if (catalogue is null) throw new PlanFileException(problems);
        return catalogue;
    }

    /// <summary>The catalogue when usable (warnings allowed), and every problem found.</summary>
    public static (IndicatorCatalogue? Catalogue, IReadOnlyList<PlanProblem> Problems) Parse(string file, string json, PlanCatalog? plans)
    {
        IndicatorCatalogueFile? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<IndicatorCatalogueFile>(json, PlanJson.Options);
        }
        catch (JsonException e)
        {
            var message = e.Message;
            var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
            if (cut > 0) message = message[..cut];
            return (null, [new PlanProblem(file, e.Path ?? "$", message)]);
        }
        if (parsed is null) return (null, [new PlanProblem(file, "$", "expected a catalogue object, got null")]);
        var problems = Check(file, parsed, plans);
        return problems.Any(p => !p.IsWarning)
            ? (null, problems)
            : (new IndicatorCatalogue(parsed.Indicators, parsed.Mappings, problems), problems);
    }

    public static IReadOnlyList<PlanProblem> Check(string file, IndicatorCatalogueFile catalogue, PlanCatalog? plans)
    {
        var problems = new List<PlanProblem>();
        void Error(string path, string message) => problems.Add(new PlanProblem(file, path, message));
        void Warn(string path, string message) => problems.Add(new PlanProblem(file, path, message, IsWarning: true));

        if (catalogue.Version != 1) Error("$.version", $"expected version 1, got {catalogue.Version}");
        if (catalogue.Indicators.Count == 0) Error("$.indicators", "expected at least one catalogue indicator");
        var keys = new Dictionary<string, CatalogueIndicator>(StringComparer.Ordinal);
        for (var i = 0; i < catalogue.Indicators.Count; i++)
        {
            var indicator = catalogue.Indicators[i];
            var path = $"$.indicators[{i}]";
            if (!KeyRegex().IsMatch(indicator.Key))
                Error($"{path}.key", $"expected a lower-case key of words joined by '-', such as \"online-dossiers-end-to-end\", got \"{indicator.Key}\"");
            else if (!keys.TryAdd(indicator.Key, indicator))
                Error($"{path}.key", $"duplicate key \"{indicator.Key}\"");
            if (string.IsNullOrWhiteSpace(indicator.Name)) Error($"{path}.name", "expected the indicator's Vietnamese name");
            if (string.IsNullOrWhiteSpace(indicator.Unit)) Error($"{path}.unit", "expected a unit, such as \"%\"");
            if (string.IsNullOrWhiteSpace(indicator.Group)) Error($"{path}.group", "expected a group (trụ cột), such as \"Chính quyền số\"");
            if (indicator.Aggregation is not ("ratio" or "sum" or "latest"))
                Error($"{path}.aggregation", $"unknown aggregation \"{indicator.Aggregation}\"; expected ratio, sum or latest");
            else if (indicator.Aggregation == "ratio" && indicator.Unit.Trim() != "%")
                Error($"{path}.unit", $"a ratio is a percentage: expected unit \"%\", got \"{indicator.Unit}\"");
        }

        var mappedKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (planId, codes) in catalogue.Mappings)
        {
            var planPath = $"$.mappings['{planId}']";
            var plan = plans?.Find(planId);
            if (plans is not null && plan is null)
            {
                Error(planPath, $"unknown plan \"{planId}\"; expected one of {string.Join(", ", plans.Plans.Select(p => p.Id))}");
                continue;
            }
            var keysOfPlan = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (code, key) in codes)
            {
                var path = $"{planPath}['{code}']";
                var indicator = plan?.FindIndicator(code);
                if (plan is not null && indicator is null)
                {
                    Error(path, $"unknown indicator code \"{code}\" in plan {planId}; expected one of {string.Join(", ", plan.Indicators.Select(x => x.Code))}");
                    continue;
                }
                if (!keys.TryGetValue(key, out var target))
                {
                    Error(path, $"unknown catalogue key \"{key}\"; expected a key of $.indicators");
                    continue;
                }
                mappedKeys.Add(key);
                // Two indicators of one plan under one key would count that commune twice.
                if (!keysOfPlan.TryAdd(key, code))
                    Error(path, $"key \"{key}\" is already mapped from indicator \"{keysOfPlan[key]}\" of plan {planId}; a key takes at most one indicator per plan");
                if (indicator is null) continue;
                if (indicator.EffectiveAggregation != target.EffectiveAggregation)
                    Error(path, $"indicator {code} of plan {planId} adds up as {Label(indicator.EffectiveAggregation)} ({indicator.Unit}), but key \"{key}\" is {target.Aggregation}; expected the same aggregation");
                else if (!string.Equals(indicator.Unit.Trim(), target.Unit.Trim(), StringComparison.OrdinalIgnoreCase))
                    Warn(path, $"indicator {code} of plan {planId} is in \"{indicator.Unit}\", key \"{key}\" in \"{target.Unit}\"");
            }
        }
        if (plans is not null)
            foreach (var plan in plans.Plans.Where(p => !catalogue.Mappings.ContainsKey(p.Id)))
                Warn("$.mappings", $"plan {plan.Id} has no mappings: none of its indicators will be rolled up");
        foreach (var unused in keys.Keys.Where(k => !mappedKeys.Contains(k)))
            Warn("$.indicators", $"key \"{unused}\" is not mapped from any plan");
        return problems;
    }

    private static string Label(Aggregation aggregation) => aggregation switch
    {
        Plans.Aggregation.Sum => "sum",
        Plans.Aggregation.Latest => "latest",
        _ => "ratio",
    };

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex KeyRegex();
}
