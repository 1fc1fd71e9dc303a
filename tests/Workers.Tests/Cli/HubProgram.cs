using System.Diagnostics;
using System.Text;

namespace ChuyenDoiSo.Workers.Tests.Cli;

/// <summary>What one run of the program gave: the exit code and everything it printed.</summary>
public sealed record HubRun(string Command, int ExitCode, string Stdout, string Stderr)
{
    public IReadOnlyList<string> StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public IReadOnlyList<string> StdoutLines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>For assertion messages: the command and what it printed.</summary>
    public override string ToString() => $"$ {Command}\nexit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>
/// Runs the real program as a user does: `dotnet ChuyenDoiSo.Workers.dll &lt;verb&gt; …`, from the copy the build
/// puts beside the test assembly, in a separate process so exit codes, stderr and per-process state are real.
/// </summary>
public static class HubProgram
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "ChuyenDoiSo.Workers.dll");

    /// <summary>The dotnet host the tests run on (dotnet test sets DOTNET_HOST_PATH), else the one on PATH.</summary>
    private static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";

    /// <summary>
    /// A start of the program in its own process. The caller's environment must not change what the program does:
    /// no debug stack traces and no Hub__* overrides; only <paramref name="environment"/> configures it.
    /// </summary>
    public static ProcessStartInfo StartInfo(string workingDirectory, IReadOnlyDictionary<string, string>? environment, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(DotnetHost)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var key in start.Environment.Keys.Where(k => k == "HUB_DEBUG" || k.StartsWith("Hub__", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        // `run` serves HTTP: on a port of its own (any free one) unless the test names one, so parallel hubs never collide.
        start.Environment["Hub__Http__Urls"] = "http://127.0.0.1:0";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        return start;
    }

    public static Task<HubRun> RunAsync(string workingDirectory, params string[] args) => RunAsync(workingDirectory, null, TimeSpan.FromMinutes(3), args);

    /// <summary>Runs a verb that ends by itself, configured by <paramref name="environment"/>; killed and a TimeoutException after <paramref name="timeout"/>.</summary>
    public static Task<HubRun> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout, params string[] args) =>
        RunAsync(workingDirectory, environment, timeout, input: null, args);

    /// <summary>The same, with <paramref name="input"/> as the program's standard input (then closed), as a pipe gives it.</summary>
    public static Task<HubRun> RunWithInputAsync(string workingDirectory, string input, params string[] args) =>
        RunAsync(workingDirectory, null, TimeSpan.FromMinutes(3), input, args);

    private static async Task<HubRun> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout, string? input, string[] args)
    {
        var start = StartInfo(workingDirectory, environment, args);
        start.RedirectStandardInput = input is not null;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {DotnetHost} {Dll}");
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
        }
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`{string.Join(' ', args)}` did not finish within {timeout.TotalMinutes:0.#} minutes");
        }
        return new HubRun(string.Join(' ', args), process.ExitCode, await stdout, await stderr);
    }
}
