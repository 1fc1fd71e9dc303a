using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChuyenDoiSo.Workers.Tests.Operations;

/// <summary>
/// Debian's chromium, headless, driven over the Chrome DevTools Protocol (a WebSocket, System.Net.WebSockets only):
/// open a page, read its DOM, click, take a screenshot. One browser and one page per instance.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly ConcurrentQueue<(string Method, JsonObject Params)> _events = new();
    private readonly SemaphoreSlim _eventArrived = new(0);
    private readonly CancellationTokenSource _stop = new();
    private Task? _reader;
    private int _nextId;

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    public static string? Executable => new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);

    public static async Task<HeadlessChromium> StartAsync(int width = 1400, int height = 1000)
    {
        var executable = Executable ?? throw new InvalidOperationException("chromium is not installed (scripts/test.sh installs it: apt-get install -y chromium)");
        var profile = Path.Combine(Path.GetTempPath(), "chuyendoiso-chromium", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
            "--remote-debugging-port=0", $"--user-data-dir={profile}", $"--window-size={width},{height}", "about:blank",
        })
            start.ArgumentList.Add(argument);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {executable}");
        var browser = new HeadlessChromium(process, profile);
        try
        {
            var endpoint = await browser.DevToolsEndpointAsync(TimeSpan.FromSeconds(60));
            await browser.AttachToPageAsync(endpoint);
            await browser.SendAsync("Page.enable");
            await browser.SendAsync("Network.enable");
            await browser.SendAsync("Emulation.setDeviceMetricsOverride", new JsonObject { ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = false });
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>Chromium prints "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/…" on stderr once it listens.</summary>
    private async Task<Uri> DevToolsEndpointAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var seen = new StringBuilder();
        while (await _process.StandardError.ReadLineAsync(cancel.Token) is { } line)
        {
            seen.AppendLine(line);
            const string marker = "DevTools listening on ";
            var at = line.IndexOf(marker, StringComparison.Ordinal);
            if (at < 0) continue;
            // Keep draining stderr so chromium never blocks on a full pipe.
            _ = Task.Run(async () =>
            {
                while (await _process.StandardError.ReadLineAsync() is not null) { }
            });
            _ = Task.Run(async () =>
            {
                while (await _process.StandardOutput.ReadLineAsync() is not null) { }
            });
            return new Uri(line[(at + marker.Length)..].Trim());
        }
        throw new InvalidOperationException($"chromium exited without a DevTools endpoint:\n{seen}");
    }

    private async Task AttachToPageAsync(Uri browserEndpoint)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://{browserEndpoint.Host}:{browserEndpoint.Port}/") };
        var targets = JsonNode.Parse(await http.GetStringAsync("json/list"))!.AsArray();
        var page = targets.First(t => (string?)t!["type"] == "page")!;
        await _socket.ConnectAsync(new Uri((string)page["webSocketDebuggerUrl"]!), CancellationToken.None);
        _reader = Task.Run(ReadLoopAsync);
    }

    public async Task<JsonObject> SendAsync(string method, JsonObject? parameters = null, TimeSpan? timeout = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var done = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = done;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        var reply = await done.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
        if (reply["error"] is { } error) throw new InvalidOperationException($"{method}: {error.ToJsonString()}");
        return reply["result"]?.AsObject() ?? new JsonObject();
    }

    /// <summary>Sent with every request this page makes (the operator's Basic credentials).</summary>
    public Task SetHeaderAsync(string name, string value) =>
        SendAsync("Network.setExtraHTTPHeaders", new JsonObject { ["headers"] = new JsonObject { [name] = value } });

    /// <summary>Opens a URL and returns once the page has loaded.</summary>
    public async Task NavigateAsync(string url)
    {
        var loaded = WaitForEventAsync("Page.loadEventFired", TimeSpan.FromSeconds(60));
        var result = await SendAsync("Page.navigate", new JsonObject { ["url"] = url });
        if (result["errorText"] is { } error) throw new InvalidOperationException($"navigate {url}: {error}");
        await loaded;
    }

    /// <summary>Clicks the element a CSS selector finds and returns once the page it leads to (a form post and its redirect) has loaded.</summary>
    public async Task ClickAndWaitForLoadAsync(string selector)
    {
        var loaded = WaitForEventAsync("Page.loadEventFired", TimeSpan.FromSeconds(60));
        var found = await EvaluateAsync($"(() => {{ const e = document.querySelector({JsonSerializer.Serialize(selector)}); if (!e) return false; e.click(); return true; }})()");
        if (found?.GetValue<bool>() != true) throw new InvalidOperationException($"nothing matches {selector} on {await EvaluateAsync("location.href")}");
        await loaded;
    }

    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true });
        if (result["exceptionDetails"] is { } exception) throw new InvalidOperationException($"{expression}: {exception.ToJsonString()}");
        return result["result"]?["value"];
    }

    public async Task<string> TextAsync(string selector) =>
        (string?)await EvaluateAsync($"document.querySelector({JsonSerializer.Serialize(selector)})?.innerText ?? ''") ?? "";

    public async Task<string> HtmlAsync() => (string?)await EvaluateAsync("document.documentElement.outerHTML") ?? "";

    /// <summary>Saves the whole page (beyond the window's height) as PNG.</summary>
    public async Task ScreenshotAsync(string path)
    {
        var result = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = true });
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, Convert.FromBase64String((string)result["data"]!));
    }

    private async Task WaitForEventAsync(string method, TimeSpan timeout)
    {
        // Events before this call are old news.
        while (_events.TryDequeue(out _)) { }
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            while (_events.TryDequeue(out var e))
                if (e.Method == method) return;
            try
            {
                await _eventArrived.WaitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no {method} within {timeout.TotalSeconds:0} s");
            }
        }
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[1 << 16];
        var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open && !_stop.IsCancellationRequested)
            {
                var received = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (received.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage) continue;
                var node = JsonNode.Parse(message.ToArray())!.AsObject();
                message.SetLength(0);
                if (node["id"] is { } id && _pending.TryRemove(id.GetValue<int>(), out var waiter))
                {
                    waiter.TrySetResult(node);
                }
                else if ((string?)node["method"] is { } method)
                {
                    _events.Enqueue((method, node["params"]?.AsObject() ?? new JsonObject()));
                    _eventArrived.Release();
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
        foreach (var waiter in _pending.Values) waiter.TrySetException(new InvalidOperationException("the DevTools connection closed"));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        }
        catch (InvalidOperationException)
        {
        }
        if (_reader is not null) await _reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
        _process.Dispose();
        _stop.Dispose();
        _eventArrived.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
