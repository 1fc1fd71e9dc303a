namespace ChuyenDoiSo.Reporting.Tests;

/// <summary>Where the repository and its seed data are, found from the test binaries' folder.</summary>
public static class TestPaths
{
    /// <summary>The folder holding ChuyenDoiSo.sln, found by walking up from AppContext.BaseDirectory.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>&lt;repo&gt;/seeds: the plans as JSON and holidays/YYYY.json.</summary>
    public static string Seeds => Path.Combine(RepoRoot, "seeds");

    /// <summary>&lt;repo&gt;/seeds/holidays: one YYYY.json per year.</summary>
    public static string Holidays => Path.Combine(Seeds, "holidays");

    /// <summary>
    /// &lt;repo&gt;/../shared/seeds: the plans' source text. It lives outside the repository, so a fresh clone
    /// may not have it; tests that read it say so.
    /// </summary>
    public static string SharedSeeds => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "seeds"));

    /// <summary>
    /// The id of every plan in seeds/ (each &lt;id&gt;.json but the catalogue and the schema), for theories that must hold for
    /// every seed plan: a plan added to the seeds is covered without editing a list.
    /// </summary>
    public static TheoryData<string> SeedPlanIds
    {
        get
        {
            var ids = new TheoryData<string>();
            foreach (var file in Directory.GetFiles(Seeds, "*.json").Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileNameWithoutExtension(file);
                if (name is not ("catalogue" or "plan.schema")) ids.Add(name);
            }
            return ids;
        }
    }

    /// <summary>
    /// A copy of seeds/ (its JSON files and holidays/, with higher/ when asked) in <paramref name="destination"/>, for tests
    /// that edit plans as an office would; returns the folder.
    /// </summary>
    public static string CopySeeds(string destination, bool higher = false)
    {
        foreach (var folder in higher ? new[] { "", "holidays", "higher" } : ["", "holidays"])
        {
            Directory.CreateDirectory(Path.Combine(destination, folder));
            foreach (var file in Directory.EnumerateFiles(Path.Combine(Seeds, folder), "*.json"))
                File.Copy(file, Path.Combine(destination, folder, Path.GetFileName(file)));
        }
        return destination;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ChuyenDoiSo.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"no folder containing ChuyenDoiSo.sln above {AppContext.BaseDirectory}");
    }
}
