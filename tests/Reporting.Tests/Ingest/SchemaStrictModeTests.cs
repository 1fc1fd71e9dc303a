using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ChuyenDoiSo.Reporting.Tests.Ingest;

/// <summary>
/// The published schemas as another implementation reads them: Ajv (the JSON Schema validator most non-.NET senders
/// use) compiles them in strict mode (no unknown keywords, every required property defined, types where keywords need
/// them), and the seed plans and the README's example message are valid under it. tests/schema-check holds Ajv, pinned;
/// scripts/test.sh installs it with npm ci.
/// </summary>
public sealed partial class SchemaStrictModeTests
{
    private static string CheckFolder => Path.Combine(TestPaths.RepoRoot, "tests", "schema-check");

    private static (int ExitCode, string Output) Ajv(params string[] files)
    {
        Assert.True(Directory.Exists(Path.Combine(CheckFolder, "node_modules", "ajv")),
            $"Ajv is not installed in {CheckFolder}: run `npm ci --prefix tests/schema-check` (scripts/test.sh does)");
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = TestPaths.RepoRoot };
        start.ArgumentList.Add(Path.Combine(CheckFolder, "check.js"));
        foreach (var file in files) start.ArgumentList.Add(file);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    [Fact]
    public void PlanSchema_compilesInAjvStrictMode_andEverySeedPlanIsValid()
    {
        var seeds = ((IEnumerable<object[]>)TestPaths.SeedPlanIds).Select(row => Path.Combine(TestPaths.Seeds, (string)row[0] + ".json")).ToArray();
        Assert.NotEmpty(seeds);

        var (exitCode, output) = Ajv([Path.Combine(TestPaths.Seeds, "plan.schema.json"), .. seeds]);

        Assert.True(exitCode == 0, output);
        Assert.Equal(seeds.Length, output.Split('\n').Count(l => l.StartsWith("valid ", StringComparison.Ordinal)));
    }

    [Fact]
    public void DepartmentReportSchema_compilesInAjvStrictMode_andTheReadmeExampleIsValid()
    {
        var readme = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "README.md"));
        var example = Path.Combine(Path.GetTempPath(), $"readme-example-{Guid.NewGuid():N}.json");
        File.WriteAllText(example, JsonExampleRegex().Match(readme).Groups[1].Value);
        try
        {
            var (exitCode, output) = Ajv(Path.Combine(TestPaths.RepoRoot, "src", "Contracts", "department-report.schema.json"), example);

            Assert.True(exitCode == 0, output);
            Assert.Contains("valid " + example, output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(example);
        }
    }

    [Fact]
    public void Ajv_refusesASchemaThatStrictModeForbids()
    {
        // The check itself can fail: a required property no subschema defines is what strict mode caught in both schemas.
        var schema = Path.Combine(Path.GetTempPath(), $"strict-{Guid.NewGuid():N}.json");
        File.WriteAllText(schema, """{ "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "anyOf": [ { "required": ["value"] } ] }""");
        try
        {
            var (exitCode, output) = Ajv(schema);

            Assert.Equal(1, exitCode);
            Assert.Contains("strictRequired", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(schema);
        }
    }

    [GeneratedRegex("## The message departments send.*?```json\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonExampleRegex();
}
