using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using ChuyenDoiSo.Workers.Tests.Faults;

namespace ChuyenDoiSo.Workers.Tests.Operations;

/// <summary>`run`'s HTTP side on the embedded default (in-memory bus): what it refuses at start, and what it says without RabbitMQ.</summary>
public sealed class OperationsStartTests : IDisposable
{
    private readonly TempDataFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private Dictionary<string, string> Environment(string urls) => new(StringComparer.Ordinal)
    {
        ["Hub__Data"] = _folder.Combine("data"),
        ["Hub__Seeds"] = TestPaths.Seeds,
        ["Hub__Http__Urls"] = urls,
    };

    [Theory]
    [InlineData("http://0.0.0.0:{0}")]
    [InlineData("http://*:{0}")]
    [InlineData("http://127.0.0.1:{0};http://192.0.2.10:{0}")]
    public async Task Run_refusesToStartWithOneLine_whenListeningBeyondLoopbackWithoutOperatorCredentials(string urls)
    {
        var (exitCode, stdout, stderr) = await HubProcess.RunAsync(_folder.Path, Environment(string.Format(System.Globalization.CultureInfo.InvariantCulture, urls, TestNetwork.FreePort())), "run");

        Assert.True(exitCode == 2, $"exit {exitCode}\n{stdout}\n{stderr}");
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("error: Hub:Http:Urls", line, StringComparison.Ordinal);
        Assert.Contains("Hub:Http:Operator:User", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_servesHealthWithSmtpDegradedAndSaysErrorQueueNeedsRabbitMq_onTheInMemoryBus()
    {
        var port = TestNetwork.FreePort();
        var environment = Environment($"http://127.0.0.1:{port}");
        // An SMTP server that does not answer: degraded, still ready.
        environment["Hub__Smtp__Host"] = "127.0.0.1";
        environment["Hub__Smtp__Port"] = TestNetwork.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var hub = HubProcess.Start(_folder.Path, environment, "run");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };

        var ready = await hub.GetWhenListeningAsync(http, "health/ready");
        var json = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;
        var errors = await http.GetStringAsync("errors");
        using var post = await http.PostAsync("errors/redrive", new FormUrlEncodedContent([new("group", "x")]));

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Degraded", (string?)json["status"]);
        Assert.Equal("Degraded", (string?)json["checks"]!["smtp"]!["status"]);
        Assert.Equal("Healthy", (string?)json["checks"]!["masstransit-bus"]!["status"]);
        Assert.Contains("only available with RabbitMQ", errors, StringComparison.Ordinal);
        // No operator configured: nobody may change anything, even from loopback.
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        // Not a terminal: one JSON object per log line.
        var started = hub.Find("Hub starting").First ?? throw new Xunit.Sdk.XunitException($"no start line in the log:\n{hub.Tail(20)}");
        Assert.Equal("ChuyenDoiSo.Hub", (string?)JsonNode.Parse(started)!["Category"]);
    }

    [Fact]
    public async Task Run_asksForOperatorCredentialsForPagesAndMetricsButNotHealth_whenReachedBeyondLoopback()
    {
        var address = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses.Select(a => a.Address))
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            ?? throw new Xunit.Sdk.XunitException("this machine has no non-loopback IPv4 address to reach the hub from");
        var port = TestNetwork.FreePort();
        var environment = Environment($"http://{address}:{port}");
        environment["Hub__Http__Operator__User"] = "vanhanh";
        environment["Hub__Http__Operator__Password"] = "secret";
        // Beyond loopback the hub refuses the built-in account secret (issue 12).
        environment["Hub__RabbitMq__AccountSecret"] = "ops-start-test-secret";
        await using var hub = HubProcess.Start(_folder.Path, environment, "run");
        using var http = new HttpClient { BaseAddress = new Uri($"http://{address}:{port}/"), Timeout = TimeSpan.FromSeconds(30) };

        using var live = await hub.GetWhenListeningAsync(http, "health/live");
        using var page = await http.GetAsync("");
        using var metrics = await http.GetAsync("metrics");
        using var request = new HttpRequestMessage(HttpMethod.Get, "");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("vanhanh:secret"u8.ToArray()));
        using var authenticated = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, page.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, metrics.StatusCode);
        Assert.Equal(HttpStatusCode.OK, authenticated.StatusCode);
        Assert.Contains("Tổng quan", await authenticated.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // The department portal has its own login: its pages answer without the operator's credentials.
        using var portal = await http.GetAsync("portal/login");
        Assert.Equal(HttpStatusCode.OK, portal.StatusCode);
        Assert.Contains("Đăng nhập", await portal.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static HttpRequestMessage Get(string path, string user, string password, string? forwardedFor = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{password}")));
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
        return request;
    }

    [Theory]
    [InlineData("127.0.0.1", "203.0.113.7")]
    [InlineData("", "127.0.0.1")]
    public async Task Run_wantsTheOperatorsLoginFromLoopbackToo_whenListeningBeyondIt_andLocksTheSixthTry_auditedWithTheClientTheProxiesName(string knownProxies, string audited)
    {
        var port = TestNetwork.FreePort();
        var environment = Environment($"http://0.0.0.0:{port}");
        environment["Hub__Http__Operator__User"] = "vanhanh";
        environment["Hub__Http__Operator__Password"] = "đúng-mật-khẩu";
        environment["Hub__RabbitMq__AccountSecret"] = "a-secret-of-this-test";
        environment["Hub__Http__KnownProxies"] = knownProxies;
        await using var hub = HubProcess.Start(_folder.Path, environment, "run");
        // A loopback client, as a reverse proxy on the same machine is.
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
        using var live = await hub.GetWhenListeningAsync(http, "health/live");

        using var anonymous = await http.GetAsync("");
        using var right = await http.SendAsync(Get("", "vanhanh", "đúng-mật-khẩu"));
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await http.SendAsync(Get("metrics", "vanhanh", "sai-" + i, forwardedFor: "203.0.113.7"));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        using var sixth = await http.SendAsync(Get("", "vanhanh", "đúng-mật-khẩu", forwardedFor: "203.0.113.7"));

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, sixth.StatusCode);
        using var connection = new Reporting.Storage.HubDatabase(_folder.Combine("data", "hub.db")).Open();
        var locked = Assert.Single(new Reporting.Operations.AuditLog(connection).For("dashboard"));
        Assert.Equal(("vanhanh", "login_locked", audited), (locked.Actor, locked.Action, locked.RemoteAddress));
    }
}
