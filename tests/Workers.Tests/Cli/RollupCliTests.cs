using System.Text.Json.Nodes;

namespace ChuyenDoiSo.Workers.Tests.Cli;

/// <summary>demo --level higher, compile --level higher and their mistakes, against the real program.</summary>
public sealed class RollupCliTests : CliTest
{
    [Fact]
    public async Task DemoHigher_rollsUpAYearOfOneHundredCommunes_andCompileReadsTheSameStore()
    {
        var demo = await Hub("demo", "--level", "higher");

        Assert.True(demo.ExitCode == 0, demo.ToString());
        Assert.Contains("48 files", demo.Stdout, StringComparison.Ordinal);
        Assert.Equal(48, Directory.GetFiles(Path.Combine(Data, "demo", "higher", "demo-quang-ngai-2026")).Length);
        Assert.Equal(12, Directory.GetFiles(Path.Combine(Data, "demo", "higher", "demo-quang-ngai-2026"), "*.pdf").Length);
        // Each roll-up issued through the register on its due date (Q1 after January and February) and signed twice.
        var q1Pdf = Path.Combine(Data, "demo", "higher", "demo-quang-ngai-2026", "demo-quang-ngai-2026_2026-Q1.pdf");
        Assert.Contains("Số: 03/BC-SKHCN", (await Signing.PdfTools.RunAsync("pdftotext", q1Pdf, "-")).Output, StringComparison.Ordinal);
        var (validations, sigs) = await Signing.PdfTools.PdfSigAsync(q1Pdf);
        Assert.True(validations is ["Signature is Valid.", "Signature is Valid."], sigs);
        // compile --format pdf gives back the issued roll-up, byte for byte.
        var compiled = Path.Combine(Data, "compiled-q1.pdf");
        var pdf = await Hub("compile", "--level", "higher", "--body", "demo-quang-ngai-2026", "--period", "2026-Q1", "--format", "pdf", "--out", compiled);
        Assert.True(pdf.ExitCode == 0, pdf.ToString());
        Assert.Equal(await File.ReadAllBytesAsync(q1Pdf), await File.ReadAllBytesAsync(compiled));

        var run = await Hub("compile", "--level", "higher", "--body", "demo-quang-ngai-2026", "--period", "2026-Q1", "--format", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var json = JsonNode.Parse(run.Stdout)!;
        var counts = json["counts"]!;
        Assert.Equal(100, counts["expected"]!.GetValue<int>());
        Assert.Equal(100, counts["onTime"]!.GetValue<int>() + counts["late"]!.GetValue<int>() + counts["missing"]!.GetValue<int>());
        // The ratio printed is the communes' summed counts, recomputed here from the per-commune values it lists.
        var online = json["indicators"]!.AsArray().Single(i => i!["key"]!.GetValue<string>() == "online-dossiers-end-to-end")!;
        var counted = online["communes"]!.AsArray().Where(c => c!["denominator"] is not null).ToList();
        var numerator = counted.Sum(c => c!["numerator"]!.GetValue<decimal>());
        var denominator = counted.Sum(c => c!["denominator"]!.GetValue<decimal>());
        Assert.Equal(Math.Round(numerator / denominator * 100m, 2), online["value"]!.GetValue<decimal>());

        // The same store seen by an operator of the higher-level hub (configured through appsettings.json).
        File.WriteAllText(Path.Combine(Folder.Path, "appsettings.json"), """{ "Hub": { "Level": "Higher", "Higher": { "Id": "demo-quang-ngai-2026" } } }""");
        var status = await Hub("status", "--format", "json");
        Assert.True(status.ExitCode == 0, status.ToString());
        var summary = JsonNode.Parse(status.Stdout)!;
        Assert.True(summary["communeReports"]!["accepted"]!.GetValue<long>() > 0, status.Stdout[..Math.Min(400, status.Stdout.Length)]);
        var q1 = summary["communeSubmissions"]!["periods"]!.AsArray().Single(p => p!["period"]!.GetValue<string>() == "2026-Q1")!["communes"]!.AsArray();
        Assert.Equal(100, q1.Count);
        // The matrix and the roll-up judge each commune alike.
        Assert.Equal(counts["onTime"]!.GetValue<int>(), q1.Count(c => c!["status"]!.GetValue<string>() == "on_time"));
        Assert.Equal(counts["missing"]!.GetValue<int>(), q1.Count(c => c!["status"]!.GetValue<string>() == "missing"));

        var deliveries = await Hub("deliveries", "--format", "json");
        Assert.True(deliveries.ExitCode == 0, deliveries.ToString());
        var rows = JsonNode.Parse(deliveries.Stdout)!.AsArray();
        // What this hub sends is the body's roll-ups, not the seed communes' own reports.
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal("demo-quang-ngai-2026", r!["plan"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("compile --level higher --body demo-quang-ngai-2026 --period 2025-Q1 --format json", "2025-Q1")]
    [InlineData("compile --level higher --body nowhere-2026 --period 2026-Q1 --format json", "nowhere-2026")]
    [InlineData("compile --level higher --body demo-quang-ngai-2026 --period 2026-Q1 --format eml", "eml")]
    [InlineData("compile --period 2026-Q1 --format json", "--plan")]
    [InlineData("compile --level district --period 2026-Q1", "district")]
    public async Task CompileHigher_exitsTwoWithOneLineNamingTheMistake(string command, string named)
    {
        var run = await Hub(command.Split(' '));

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.DoesNotContain("Exception", run.Stderr, StringComparison.Ordinal);
        Assert.Contains(named, Assert.Single(run.StderrLines), StringComparison.Ordinal);
    }
}
