using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ChuyenDoiSo.Workers.Tests.Faults;

namespace ChuyenDoiSo.Workers.Tests.Portal;

/// <summary>
/// `run` as a real process on the embedded default, Kestrel on a free loopback port, a data folder of its own; and the
/// departments' passwords exactly as `accounts --format json` prints them. Shared by one test class. A subclass may give
/// its own seeds, settings and rows in hub.db before the hub starts (<see cref="Review.ReviewHub"/>).
/// </summary>
public partial class PortalHub : IAsyncLifetime, IDisposable
{
    public const string PlanId = "binh-chuong-2026";
    public const string Secret = "portal-test-secret";

    private readonly TempDataFolder _folder = new();
    private HubProcess? _hub;

    public Uri BaseUri { get; private set; } = null!;
    public Dictionary<string, string> Passwords { get; } = new(StringComparer.Ordinal);
    public string Folder => _folder.Path;
    public string DatabasePath => _folder.Combine("data", "hub.db");
    public HubProcess Process => _hub!;

    public Dictionary<string, string> Environment()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Hub__Data"] = _folder.Combine("data"),
            ["Hub__Seeds"] = Seeds,
            ["Hub__RabbitMq__AccountSecret"] = Secret,
            ["Hub__Http__Urls"] = BaseUri.GetLeftPart(UriPartial.Authority),
        };
        foreach (var (key, value) in Settings()) environment[key] = value;
        return environment;
    }

    /// <summary>The seeds folder the hub reads.</summary>
    protected virtual string Seeds => TestPaths.Seeds;

    /// <summary>More settings (environment variables) for every command of this hub.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string>> Settings() => [];

    /// <summary>Runs once the data folder exists (after `accounts`), before `run` starts.</summary>
    protected virtual Task BeforeStartAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        BaseUri = new Uri($"http://127.0.0.1:{FreePort()}/");
        var accounts = await HubProcess.RunAsync(_folder.Path, Environment(), "accounts", "--plan", PlanId, "--format", "json");
        Assert.True(accounts.ExitCode == 0, accounts.Stderr);
        foreach (var department in JsonNode.Parse(accounts.Stdout)!["departments"]!.AsArray())
            Passwords[(string)department!["user"]!] = (string)department["password"]!;
        await BeforeStartAsync();
        _hub = HubProcess.Start(_folder.Path, Environment(), "run");
        using var http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            if (_hub.HasExited) throw new Xunit.Sdk.XunitException($"the hub exited:\n{_hub.Tail(60)}");
            try
            {
                using var live = await http.GetAsync("health/live");
                if (live.IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the hub did not come up:\n{_hub.Tail(60)}");
            await Task.Delay(200);
        }
    }

    public virtual async Task DisposeAsync()
    {
        if (_hub is not null) await _hub.DisposeAsync();
        _folder.Dispose();
    }

    public void Dispose()
    {
        _folder.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>A browser-like client of its own: its own cookies, redirects not followed (the tests look at them).</summary>
    public PortalClient Client() => new(BaseUri);

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>HTTP as a browser does it: cookies kept, the antiforgery token read from the page it posts from.</summary>
public sealed partial class PortalClient(Uri baseUri) : IDisposable
{
    private readonly HttpClient _http = new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(60) };

    public async Task<(HttpStatusCode Status, string Html, Uri? Location)> GetAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location);
    }

    public async Task<(HttpStatusCode Status, string Html, Uri? Location)> PostAsync(string path, IEnumerable<KeyValuePair<string, string>> fields, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        foreach (var (name, value) in headers) request.Headers.Add(name, value);
        using var response = await _http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location);
    }

    public async Task<(HttpStatusCode Status, string Html, Uri? Location)> PostFileAsync(string path, string token, byte[] file, string name)
    {
        using var content = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" }, { new ByteArrayContent(file), "file", name } };
        using var response = await _http.PostAsync(path, content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location);
    }

    public Task<byte[]> BytesAsync(string path) => _http.GetByteArrayAsync(path);

    public static string Token(string html) =>
        TokenPattern().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new Xunit.Sdk.XunitException("no antiforgery token on the page");

    public Task<(HttpStatusCode Status, string Html, Uri? Location)> LoginAsync(string user, string password, string? returnUrl = null) =>
        LoginAsync("portal", user, password, returnUrl);

    /// <summary>Logs in on the login page under <paramref name="root"/>: "portal" (a department) or "review" (the office, the signer).</summary>
    public async Task<(HttpStatusCode Status, string Html, Uri? Location)> LoginAsync(string root, string user, string password, string? returnUrl)
    {
        var page = await GetAsync($"{root}/login");
        return await PostAsync($"{root}/login", [new("__RequestVerificationToken", Token(page.Html)), new("user", user), new("password", password), new("returnUrl", returnUrl ?? "")]);
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
