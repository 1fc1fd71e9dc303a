using System.Diagnostics;

namespace ChuyenDoiSo.Workers.Tests.Signing;

/// <summary>poppler-utils (pdfsig) and openssl, run as the receiver would; a missing tool fails the test saying which package to install.</summary>
public static class PdfTools
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string tool, params string[] arguments)
    {
        var path = Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);
        Assert.True(path is not null, $"{tool} is not installed: apt-get install {(tool.StartsWith("pdf", StringComparison.Ordinal) ? "poppler-utils" : tool)} (scripts/test.sh does)");
        var start = new ProcessStartInfo(path!) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>pdfsig's verdict per signature: "Signature is Valid." or what it says instead.</summary>
    public static async Task<(IReadOnlyList<string> Validations, string Output)> PdfSigAsync(string file)
    {
        var (_, output) = await RunAsync("pdfsig", file);
        var validations = output.Split('\n').Where(l => l.Contains("Signature Validation:", StringComparison.Ordinal)).Select(l => l.Split(':', 2)[1].Trim()).ToList();
        return (validations, output);
    }
}
