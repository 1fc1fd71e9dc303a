using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ChuyenDoiSo.Reporting.Ingest;
using ChuyenDoiSo.Reporting.Plans;
using Json.Schema;

namespace ChuyenDoiSo.Reporting.Tests.Ingest;

/// <summary>The README's example message and its Python example pass the hub's reader and validator and the published schema.</summary>
public sealed partial class ReadmeExampleTests
{
    private static readonly PlanCatalog Catalog = PlanCatalog.LoadFolder(TestPaths.Seeds);
    private static readonly string Readme = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "README.md"));
    private static readonly DateTimeOffset Now = new(2026, 3, 4, 3, 0, 0, TimeSpan.Zero);

    // Built once: the library's registry refuses a second schema under the same $id.
    private static readonly Lazy<JsonSchema> Compiled = new(() =>
        JsonSchema.FromText(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "src", "Contracts", "department-report.schema.json"))));

    private static JsonSchema Schema() => Compiled.Value;

    private static EvaluationResults Evaluate(string json) =>
        Schema().Evaluate(System.Text.Json.JsonDocument.Parse(json).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });

    [Fact]
    public void Schema_assertsFormatsAndRequiredFields()
    {
        // Formats asserted (not annotations); the required fields are enforced.
        Assert.False(Evaluate("{}").IsValid);
        Assert.False(Evaluate("""{"messageId":"00000000-0000-0000-0000-000000000000","planId":"binh-chuong-2026","department":"TTPVHCC","period":"2026-Q1"}""").IsValid);
    }

    [Fact]
    public void ReadmeJsonExample_isAcceptedByTheHubAndTheSchema()
    {
        var json = JsonExampleRegex().Match(Readme).Groups[1].Value;
        Assert.Contains("\"messageId\"", json, StringComparison.Ordinal);

        var read = SubmissionReader.Read(Encoding.UTF8.GetBytes(json), null);
        Assert.Empty(read.Reasons);
        Assert.Empty(SubmissionValidator.Validate(read.Message!, Catalog, Now));
        var results = Evaluate(json);
        Assert.True(results.IsValid, string.Join("; ", (results.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
    }

    [Fact]
    public void ReadmePythonExample_bodyIsAcceptedByTheHubAndTheSchema()
    {
        var python = PythonExampleRegex().Match(Readme).Groups[1].Value;
        var body = BodyRegex().Match(python).Groups[1].Value;
        Assert.NotEmpty(body);
        // Python builds the body; json.dumps writes it as the example sends it. The AMQP message_id is a fresh uuid4.
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        process.StandardInput.Write($"import json\nbody = {body}\nprint(json.dumps(body))\n");
        process.StandardInput.Close();
        var json = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);

        var read = SubmissionReader.Read(Encoding.UTF8.GetBytes(json), Guid.NewGuid().ToString());
        Assert.Empty(read.Reasons);
        Assert.Empty(SubmissionValidator.Validate(read.Message!, Catalog, Now));
        // The schema requires messageId in the body; the Python example carries it as the AMQP property instead.
        var withId = JsonNode.Parse(json)!.AsObject();
        withId["messageId"] = Guid.NewGuid().ToString();
        Assert.True(Evaluate(withId.ToJsonString()).IsValid);
    }

    [GeneratedRegex("## The message departments send.*?```json\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonExampleRegex();

    [GeneratedRegex("```python\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex PythonExampleRegex();

    [GeneratedRegex("body = (\\{.*?\\]\\})", RegexOptions.Singleline)]
    private static partial Regex BodyRegex();
}
