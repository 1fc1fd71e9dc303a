using System.Security.Cryptography;
using ChuyenDoiSo.Reporting.Calendar;

namespace ChuyenDoiSo.Reporting.Plans;

/// <summary>What one look at the plans folder found for one file.</summary>
public sealed record PlanChange(string Change, string File, string? PlanId, string? Hash, IReadOnlyList<PlanProblem> Problems)
{
    public const string Added = "added";
    public const string Changed = "changed";
    public const string Removed = "removed";
    public const string Rejected = "rejected";

    /// <summary>The file as read, for the version store; null for a removal or a rejection.</summary>
    public string? Json { get; init; }
}

/// <summary>
/// The plans a running hub knows, refreshable: <see cref="Current"/> is an immutable <see cref="PlanCatalog"/>
/// swapped atomically by <see cref="Reload"/>. A file whose bytes did not change is not read again; a changed file that
/// does not validate is rejected with every problem and the plan's previous version keeps working.
/// </summary>
public sealed class PlanRegistry
{
    private readonly string _folder;
    private readonly Lock _reload = new();
    private PlanCatalog _current;
    // file → (hash of its bytes, the plan it gave, if valid).
    private Dictionary<string, (string Hash, Plan? Plan)> _files;

    /// <summary>Loads the folder as <see cref="PlanCatalog.LoadFolder"/> does (throwing on any error at start-up).</summary>
    public PlanRegistry(string folder)
    {
        _folder = folder;
        _current = PlanCatalog.LoadFolder(folder);
        _files = new Dictionary<string, (string Hash, Plan? Plan)>(StringComparer.Ordinal);
        var loaded = new List<PlanChange>();
        foreach (var file in PlanFiles(folder))
        {
            var bytes = File.ReadAllBytes(file);
            var hash = Hash(bytes);
            var json = System.Text.Encoding.UTF8.GetString(bytes);
            var plan = PlanValidator.Parse(file, json).Plan is { } parsed ? _current.Plans.FirstOrDefault(p => p.Id == parsed.Id) : null;
            _files[file] = (hash, plan);
            if (plan is not null) loaded.Add(new PlanChange(PlanChange.Added, file, plan.Id, hash, []) { Json = json });
        }
        Loaded = loaded;
    }

    /// <summary>
    /// The plans as this registry first loaded them (file, hash and the very bytes read), so the version store records
    /// what is in force, not whatever the file holds by the time it looks.
    /// </summary>
    public IReadOnlyList<PlanChange> Loaded { get; }

    public PlanCatalog Current => Volatile.Read(ref _current);

    public string Folder => _folder;

    /// <summary>The plan files of a folder: every *.json but the schema and the indicator catalogue.</summary>
    public static IEnumerable<string> PlanFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*.json")
            .Where(f => !f.EndsWith(".schema.json", StringComparison.Ordinal) && Path.GetFileName(f) != Rollup.IndicatorCatalogue.FileName)
            .Order(StringComparer.Ordinal);

    public static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>
    /// Looks at the folder again: unchanged files keep their plan, changed and new ones are validated first, removed
    /// ones drop their plan. Swaps <see cref="Current"/> when anything was taken; returns what changed (nothing: empty).
    /// </summary>
    public IReadOnlyList<PlanChange> Reload()
    {
        lock (_reload)
        {
            var changes = new List<PlanChange>();
            var files = new Dictionary<string, (string Hash, Plan? Plan)>(StringComparer.Ordinal);
            var taken = false;
            foreach (var file in Directory.Exists(_folder) ? PlanFiles(_folder) : [])
            {
                byte[] bytes;
                try
                {
                    bytes = File.ReadAllBytes(file);
                }
                catch (IOException)
                {
                    // Being written right now: keep what we had, look again next time.
                    if (_files.TryGetValue(file, out var kept)) files[file] = kept;
                    continue;
                }
                var hash = Hash(bytes);
                if (_files.TryGetValue(file, out var previous) && previous.Hash == hash)
                {
                    files[file] = previous;
                    continue;
                }
                var json = System.Text.Encoding.UTF8.GetString(bytes);
                var result = PlanValidator.Parse(file, json);
                var duplicate = result.IsValid && files.Concat(_files.Where(f => f.Key != file && !files.ContainsKey(f.Key)))
                    .Any(f => f.Key != file && f.Value.Plan?.Id == result.Plan!.Id);
                if (!result.IsValid || duplicate)
                {
                    var problems = duplicate
                        ? [new PlanProblem(file, "$.id", $"duplicate plan id \"{result.Plan!.Id}\" (another file already has it)")]
                        : result.Errors.ToList();
                    // The previous version of this file's plan keeps working; the hash is remembered so the same broken
                    // bytes are reported once, not every poll.
                    files[file] = (hash, previous.Plan);
                    changes.Add(new PlanChange(PlanChange.Rejected, file, previous.Plan?.Id ?? result.Plan?.Id, hash, problems));
                    continue;
                }
                files[file] = (hash, result.Plan);
                taken = true;
                var kind = previous.Plan is null ? PlanChange.Added : PlanChange.Changed;
                changes.Add(new PlanChange(kind, file, result.Plan!.Id, hash, result.Warnings.ToList()) { Json = json });
            }
            foreach (var (file, gone) in _files.Where(f => !files.ContainsKey(f.Key)))
            {
                if (gone.Plan is null) continue;
                taken = true;
                changes.Add(new PlanChange(PlanChange.Removed, file, gone.Plan.Id, null, []));
            }
            _files = files;
            if (taken)
            {
                HolidayCalendar holidays;
                try
                {
                    holidays = HolidayCalendar.LoadFolder(Path.Combine(_folder, "holidays"));
                }
                catch (PlanFileException)
                {
                    holidays = Current.Holidays;
                }
                var plans = files.Values.Where(v => v.Plan is not null).Select(v => v.Plan!).DistinctBy(p => p.Id).ToList();
                Volatile.Write(ref _current, new PlanCatalog(plans, holidays, Current.Warnings));
            }
            return changes;
        }
    }
}
