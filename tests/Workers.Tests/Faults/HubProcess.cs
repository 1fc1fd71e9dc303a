using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace ChuyenDoiSo.Workers.Tests.Faults;

/// <summary>
/// The hub's program as a real OS process (`dotnet ChuyenDoiSo.Workers.dll &lt;verb&gt;`), configured only through
/// Hub__* environment variables, so that a kill is a real SIGKILL and a restart a real cold start.
/// </summary>
public sealed class HubProcess : IAsyncDisposable
{
    /// <summary>Enough of the log to see why a run went wrong, without keeping every line of a long one.</summary>
    private const int KeptLines = 5000;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private HubProcess(Process process) => _process = process;

    public static string Dll => Path.Combine(AppContext.BaseDirectory, "ChuyenDoiSo.Workers.dll");

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process printed, stdout and stderr interleaved as they arrived.</summary>
    public string Output => string.Join('\n', _lines);

    /// <summary>The last <paramref name="count"/> lines: enough for an assertion message.</summary>
    public string Tail(int count) => string.Join('\n', _lines.TakeLast(count));

    /// <summary>How many lines so far contain <paramref name="text"/>, and the first of them.</summary>
    public (int Count, string? First) Find(string text)
    {
        var matches = _lines.Where(l => l.Contains(text, StringComparison.Ordinal)).ToList();
        return (matches.Count, matches.FirstOrDefault()?.Trim());
    }

    /// <summary>
    /// GETs <paramref name="path"/> once the process's Kestrel listens, trying again while the connection is refused
    /// (up to 90 s); fails with the log's tail when the process has exited instead.
    /// </summary>
    public async Task<HttpResponseMessage> GetWhenListeningAsync(HttpClient http, string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            if (HasExited) throw new Xunit.Sdk.XunitException($"the hub exited:\n{Tail(60)}");
            try
            {
                return await http.GetAsync(path);
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    /// <summary>Starts a long-running verb (`run`); the caller kills it.</summary>
    public static HubProcess Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var process = new Process { StartInfo = StartInfo(workingDirectory, environment, args), EnableRaisingEvents = true };
        var hub = new HubProcess(process);
        process.OutputDataReceived += (_, e) => hub.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => hub.Keep(e.Data);
        if (!process.Start()) throw new InvalidOperationException($"could not start {Dll} {string.Join(' ', args)}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return hub;
    }

    /// <summary>Runs a verb that ends by itself (`accounts …`) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var run = await Cli.HubProgram.RunAsync(workingDirectory, environment, TimeSpan.FromMinutes(2), args);
        return (run.ExitCode, run.Stdout, run.Stderr);
    }

    /// <summary>SIGKILL on Linux: no shutdown hooks, no flush, no goodbye to the broker. Returns once the process is gone.</summary>
    public async Task KillAsync()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        _lines.Enqueue(line);
        while (_lines.Count > KeptLines) _lines.TryDequeue(out _);
    }

    private static ProcessStartInfo StartInfo(string workingDirectory, IReadOnlyDictionary<string, string> environment, string[] args) =>
        Cli.HubProgram.StartInfo(workingDirectory, environment, args);
}
