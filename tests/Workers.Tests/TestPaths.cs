namespace ChuyenDoiSo.Workers.Tests;

/// <summary>Where the repository and its seed data are, found from the test binaries' folder.</summary>
public static class TestPaths
{
    /// <summary>The folder holding ChuyenDoiSo.sln, found by walking up from AppContext.BaseDirectory.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>&lt;repo&gt;/seeds: the plans as JSON and holidays/YYYY.json.</summary>
    public static string Seeds => Path.Combine(RepoRoot, "seeds");

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ChuyenDoiSo.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"no folder containing ChuyenDoiSo.sln above {AppContext.BaseDirectory}");
    }
}
