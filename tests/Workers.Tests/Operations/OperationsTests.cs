using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChuyenDoiSo.Workers.Tests.Broker;
using ChuyenDoiSo.Workers.Tests.Faults;
using ChuyenDoiSo.Workers.Wiring;
using Dapper;
using Microsoft.Data.Sqlite;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Xunit.Abstractions;
using static ChuyenDoiSo.Workers.Tests.Broker.HubOnBroker;

namespace ChuyenDoiSo.Workers.Tests.Operations;

/// <summary>
/// The operator's HTTP surface of `run` against a real RabbitMQ, the hub as a real process with Kestrel on a free port,
/// and a real headless Chromium: health and metrics over HTTP, an action refused without credentials, the dashboard
/// re-driving a failed message until it is stored, and the re-drive header no department can use to impersonate.
/// Each test has a vhost and data folder of its own. Screenshots go to bin/…/artifacts/dashboard/.
/// </summary>
[Collection("rabbitmq")]
public sealed class OperationsTests(RabbitMqBroker broker, ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private const string PlanId = "binh-chuong-2026";
    private const string Secret = "test-secret";
    private const string OperatorUser = "vanhanh";
    private const string OperatorPassword = "mật-khẩu-thử";
    private const string HubQueue = "department-reports";
    private const string ErrorQueue = HubQueue + "_error";
    private static readonly string Ttpvhcc = $"{PlanId}.TTPVHCC";
    private static readonly string Vhxh = $"{PlanId}.VHXH";

    private readonly HubOnBroker _env = new(broker, "ops-", PlanId, Secret);
    private readonly int _port = TestNetwork.FreePort();

    public static string Artifacts => Path.Combine(AppContext.BaseDirectory, "artifacts", "dashboard");

    private Uri BaseUri => new($"http://127.0.0.1:{_port}/");

    public async Task InitializeAsync()
    {
        _env.ExtraEnvironment["Hub__Http__Urls"] = BaseUri.GetLeftPart(UriPartial.Authority);
        _env.ExtraEnvironment["Hub__Http__Operator__User"] = OperatorUser;
        _env.ExtraEnvironment["Hub__Http__Operator__Password"] = OperatorPassword;
        await _env.InitializeAsync();
    }

    public async Task DisposeAsync() => await _env.DisposeAsync();

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task HttpEndpoints_reportHealthAndMetrics_whenHubRunsOnRabbitMq()
    {
        var hub = await StartHubAsync();
        using var http = new HttpClient { BaseAddress = BaseUri };
        var id = Guid.NewGuid();
        await PublishAsync(Ttpvhcc, Update(id));
        await EventuallyAsync(() => Count("SELECT COUNT(*) FROM submissions"), n => n == 1, TimeSpan.FromSeconds(60), "the update stored", hub);
        var rejected = Guid.NewGuid();
        await PublishAsync(Ttpvhcc, Update(rejected, indicator: "no-such-indicator"));
        await EventuallyAsync(() => Count("SELECT COUNT(*) FROM rejections"), n => n == 1, TimeSpan.FromSeconds(60), "the rejection stored", hub);
        // Poison never reaches the consumer (it is not JSON): counted all the same.
        await PublishAsync(Ttpvhcc, "{ not json"u8.ToArray(), messageId: Guid.NewGuid());
        await EventuallyAsync(() => Count("SELECT COUNT(*) FROM rejections"), n => n == 2, TimeSpan.FromSeconds(60), "the poison's rejection stored", hub);

        using var live = await http.GetAsync("health/live");
        using var ready = await http.GetAsync("health/ready");
        var readyJson = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;
        output.WriteLine($"/health/ready: {readyJson.ToJsonString()}");
        var metrics = await EventuallyAsync(() => http.GetStringAsync("metrics"), text => text.Contains("hub_queue_depth", StringComparison.Ordinal) && text.Contains("malformed_json", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "the queue depth and the poison in /metrics", hub);
        output.WriteLine(string.Join('\n', metrics.Split('\n').Where(l => l.StartsWith("hub_", StringComparison.Ordinal) || l.Contains("masstransit", StringComparison.OrdinalIgnoreCase)).Where(l => !l.StartsWith('#')).Take(40)));

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", (string?)readyJson["status"]);
        foreach (var check in new[] { "masstransit-bus", "sqlite", "scheduler", "smtp" })
            Assert.Equal("Healthy", (string?)readyJson["checks"]![check]!["status"]);
        Assert.Matches(@"hub_updates_total\{[^}]*outcome=""accepted""[^}]*\} 1\b", metrics);
        Assert.Matches(@"hub_updates_total\{[^}]*outcome=""rejected""[^}]*\} 2\b", metrics);
        Assert.Matches(@"hub_update_rejections_total\{[^}]*reason=""unknown_indicator""[^}]*\} 1\b", metrics);
        Assert.Matches(@"hub_update_rejections_total\{[^}]*reason=""malformed_json""[^}]*\} 1\b", metrics);
        Assert.Matches(@"hub_queue_depth\{[^}]*queue=""department-reports""[^}]*\} 0\b", metrics);
        Assert.Matches(@"hub_deadline_next_seconds\{[^}]*plan=""binh-chuong-2026""[^}]*\} \d", metrics);
        // MassTransit's own meter: messages received on the hub's endpoint.
        Assert.Matches(@"(?m)^messaging_masstransit_\w+\{", metrics);
    }

    [Fact]
    public async Task OperatorAction_isRefused_withoutTheOperatorsCredentialsOrFromAnotherOrigin()
    {
        var hub = await StartHubAsync();
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = BaseUri };

        using var page = await http.GetAsync("errors");
        using var anonymous = await PostAsync(http, "errors/discard", null, null);
        using var wrong = await PostAsync(http, "errors/discard", Basic(OperatorUser, "wrong"), null);
        using var crossSite = await PostAsync(http, "errors/discard", Basic(OperatorUser, OperatorPassword), "http://evil.example");
        using var withoutToken = await PostAsync(http, "errors/discard", Basic(OperatorUser, OperatorPassword), BaseUri.GetLeftPart(UriPartial.Authority));
        using var allowed = await PostAsync(http, "errors/discard", Basic(OperatorUser, OperatorPassword), BaseUri.GetLeftPart(UriPartial.Authority), await TokenAsync(http));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Basic", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        // The operator, from the dashboard's own origin: done (nothing matched), and recorded.
        Assert.Equal(HttpStatusCode.SeeOther, allowed.StatusCode);
        Assert.StartsWith("/errors?done=", allowed.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal([("vanhanh", "discard", "group:000000000000", 0L)],
            Query<(string, string, string, long)>("SELECT actor, action, target, json_extract(detail, '$.messages') FROM audit_log WHERE action IN ('redrive', 'discard') ORDER BY id"));
        Assert.False(hub.HasExited);
    }

    [Fact]
    public async Task Dashboard_redrivesAFailedMessageInChromium_untilItIsStored()
    {
        Assert.True(HeadlessChromium.Executable is not null, "chromium is not installed; scripts/test.sh installs it");
        var hub = await StartHubAsync();
        var warmUp = Guid.NewGuid();
        await PublishAsync(Ttpvhcc, Update(warmUp));
        await EventuallyAsync(() => Count("SELECT COUNT(*) FROM submissions"), n => n == 1, TimeSpan.FromSeconds(60), "the warm-up update stored", hub);
        await PublishAsync(Vhxh, Update(Guid.NewGuid(), department: "TTPVHCC"));

        // A real fault: the database refuses this one update until the trigger goes, so retries run out and the hub moves it to the error queue.
        var failing = Guid.NewGuid();
        Execute($"CREATE TRIGGER test_fault BEFORE INSERT ON submissions WHEN NEW.message_id = '{failing}' BEGIN SELECT RAISE(ABORT, 'test fault: disk says no'); END");
        await PublishAsync(Ttpvhcc, Update(failing));
        await EventuallyAsync(() => QueueAsync(ErrorQueue), q => q is { Ready: 1 }, TimeSpan.FromSeconds(90), "the failing update in the error queue after its retries", hub);
        Execute("DROP TRIGGER test_fault");
        Assert.Equal(0, Count("SELECT COUNT(*) FROM submissions WHERE message_id = @id", new { id = failing.ToString() }));

        // One report sent by hand, so the delivery ledger has rows to show.
        var delivered = await HubProcess.RunAsync(_env.Folder.Path, _env.Environment(), "deliver", "--plan", PlanId, "--period", "2026-Q1");
        Assert.True(delivered.ExitCode == 0, $"deliver: exit {delivered.ExitCode}\n{delivered.Stdout}\n{delivered.Stderr}");

        await using var chromium = await HeadlessChromium.StartAsync();
        await chromium.SetHeaderAsync("Authorization", Basic(OperatorUser, OperatorPassword).ToString());
        foreach (var (path, name) in new[] { ("", "overview"), ($"matrix?plan={PlanId}", "matrix"), ("deliveries", "deliveries"), ("rejections", "rejections"), ("errors", "errors-before") })
        {
            await chromium.NavigateAsync(new Uri(BaseUri, path).ToString());
            await chromium.ScreenshotAsync(Path.Combine(Artifacts, name + ".png"));
        }
        output.WriteLine($"screenshots: {Artifacts}");
        await chromium.NavigateAsync(new Uri(BaseUri, "deliveries").ToString());
        Assert.Contains("Đã gửi (sent)", await chromium.TextAsync("#deliveries"), StringComparison.Ordinal);
        await chromium.NavigateAsync(new Uri(BaseUri, "errors").ToString());
        var row = $"tr[data-message=\"{failing}\"]";
        Assert.Contains("test fault: disk says no", await chromium.TextAsync($"div.group:has({row})"), StringComparison.Ordinal);
        Assert.Contains(Ttpvhcc, await chromium.TextAsync(row), StringComparison.Ordinal);

        await chromium.ClickAndWaitForLoadAsync($"{row} button.redrive");
        await chromium.ScreenshotAsync(Path.Combine(Artifacts, "errors-after-redrive.png"));
        var done = await chromium.TextAsync("#done");

        await EventuallyAsync(() => Count("SELECT COUNT(*) FROM submissions WHERE message_id = @id", new { id = failing.ToString() }), n => n == 1, TimeSpan.FromSeconds(60),
            "the re-driven update stored", hub);
        Assert.Contains("Đã re-drive 1 tin nhắn", done, StringComparison.Ordinal);
        // Stored in the name the broker validated when the department sent it, not the hub's that re-drove it.
        Assert.Equal([Ttpvhcc], Query<string>("SELECT transport_user FROM submissions WHERE message_id = @id", new { id = failing.ToString() }));
        Assert.Equal(0u, (await QueueAsync(ErrorQueue))!.Value.Ready);
        Assert.Equal([(OperatorUser, "redrive", $"message:{failing}", 1L)], Query<(string, string, string, long)>("SELECT actor, action, target, json_extract(detail, '$.messages') FROM audit_log WHERE action IN ('redrive', 'discard') ORDER BY id"));
        await chromium.NavigateAsync(new Uri(BaseUri, "errors").ToString());
        Assert.Contains($"message:{failing}", await chromium.TextAsync("#audit"), StringComparison.Ordinal);
        Assert.Contains("Không có tin nhắn lỗi", await chromium.TextAsync("main"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorQueue_discardsOneMessageAndRedrivesTheRestOfItsGroup_whenTheOperatorPostsThem()
    {
        var hub = await StartHubAsync();
        var ids = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToList();
        Execute($"CREATE TRIGGER test_fault BEFORE INSERT ON submissions WHEN NEW.message_id IN ({string.Join(',', ids.Select(id => $"'{id}'"))}) BEGIN SELECT RAISE(ABORT, 'test fault: same cause'); END");
        foreach (var id in ids) await PublishAsync(Ttpvhcc, Update(id));
        await EventuallyAsync(() => QueueAsync(ErrorQueue), q => q is { Ready: 3 }, TimeSpan.FromSeconds(120), "the three updates in the error queue after their retries", hub);
        Execute("DROP TRIGGER test_fault");
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = BaseUri };
        var page = await http.GetStringAsync("errors");
        var groups = System.Text.RegularExpressions.Regex.Matches(page, @"data-redrive-group=""([0-9a-f]{12})""").Select(m => m.Groups[1].Value).ToList();
        var group = Assert.Single(groups);

        using var discarded = await ActAsync(http, "errors/discard", "message", ids[0].ToString());
        using var redriven = await ActAsync(http, "errors/redrive", "group", group);
        await EventuallyAsync(() => Count("SELECT COUNT(*) FROM submissions"), n => n >= 2, TimeSpan.FromSeconds(60), "the re-driven group stored", hub);

        Assert.Equal((HttpStatusCode.SeeOther, HttpStatusCode.SeeOther), (discarded.StatusCode, redriven.StatusCode));
        Assert.Equal(ids.Skip(1).Select(id => id.ToString()).Order(StringComparer.Ordinal), Query<string>("SELECT message_id FROM submissions ORDER BY message_id"));
        Assert.Equal(0u, (await QueueAsync(ErrorQueue))!.Value.Ready);
        Assert.Equal([("discard", $"message:{ids[0]}", 1L), ("redrive", $"group:{group}", 2L)],
            Query<(string, string, long)>("SELECT action, target, json_extract(detail, '$.messages') FROM audit_log WHERE action IN ('redrive', 'discard') ORDER BY id"));
    }

    [Fact]
    public async Task Redrive_neverLendsTheHubsIdentity_whenAForgedHeaderWithoutUserIdFailsTwice()
    {
        var hub = await StartHubAsync();
        var forged = Guid.NewGuid();
        // No user_id (RabbitMQ checks it only when set), a body in TTPVHCC's name, and the re-drive header naming TTPVHCC;
        // storing its rejection fails, so it goes to the error queue, and after a first re-drive fails again.
        Execute($"CREATE TRIGGER test_fault BEFORE INSERT ON rejections WHEN NEW.message_id = '{forged}' BEGIN SELECT RAISE(ABORT, 'test fault: rejections'); END");
        await PublishAsync(Vhxh, Update(forged, department: "TTPVHCC"), new Dictionary<string, object?> { ["Hub-Transport-User"] = Ttpvhcc }, withUserId: false);
        await EventuallyAsync(() => QueueAsync(ErrorQueue), q => q is { Ready: 1 }, TimeSpan.FromSeconds(90), "the forged update in the error queue", hub);
        Assert.Equal("", await ErrorQueueHeaderAsync("Hub-Transport-User"));

        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = BaseUri };
        using (var first = await ActAsync(http, "errors/redrive", "message", forged.ToString())) Assert.Equal(HttpStatusCode.SeeOther, first.StatusCode);
        await EventuallyAsync(() => QueueAsync(ErrorQueue), q => q is { Ready: 1 }, TimeSpan.FromSeconds(90), "the re-driven update failing into the error queue again", hub);
        // Failed again after a re-drive (user_id = the hub's): still no sender, not the hub's user.
        Assert.Equal("", await ErrorQueueHeaderAsync("Hub-Transport-User"));
        Execute("DROP TRIGGER test_fault");
        using (var second = await ActAsync(http, "errors/redrive", "message", forged.ToString())) Assert.Equal(HttpStatusCode.SeeOther, second.StatusCode);
        await EventuallyAsync(() => Count("SELECT COUNT(*) FROM rejections WHERE message_id = @id", new { id = forged.ToString() }), n => n == 1, TimeSpan.FromSeconds(60), "the re-driven update judged", hub);

        var reasons = Query<string>("SELECT reasons_json FROM rejections WHERE message_id = @id", new { id = forged.ToString() }).Single();
        Assert.Contains("no broker-validated user_id", reasons, StringComparison.Ordinal);
        Assert.Equal(0, Count("SELECT COUNT(*) FROM submissions"));
    }

    /// <summary>A header of the one message in the error queue, looked at and handed back.</summary>
    private async Task<string?> ErrorQueueHeaderAsync(string name)
    {
        await using var channel = await _env.AdminChannelAsync();
        var got = await channel.BasicGetAsync(ErrorQueue, autoAck: false) ?? throw new Xunit.Sdk.XunitException($"{ErrorQueue} is empty");
        await channel.BasicNackAsync(got.DeliveryTag, multiple: false, requeue: true);
        return got.BasicProperties.Headers?.TryGetValue(name, out var value) == true
            ? value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : value?.ToString()
            : null;
    }

    private async Task<HttpResponseMessage> ActAsync(HttpClient http, string path, string field, string value)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent([new(field, value), new("__RequestVerificationToken", await TokenAsync(http))]) };
        request.Headers.Authorization = Basic(OperatorUser, OperatorPassword);
        request.Headers.Add("Origin", BaseUri.GetLeftPart(UriPartial.Authority));
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task Consumer_rejectsAsImpersonation_whenADepartmentSetsTheRedriveHeaderItself()
    {
        var hub = await StartHubAsync();
        var lie = Guid.NewGuid();
        // VHXH's own login and user_id, a body in TTPVHCC's name, and the header the hub's re-drive uses, naming TTPVHCC.
        await PublishAsync(Vhxh, Update(lie, department: "TTPVHCC"), new Dictionary<string, object?> { ["Hub-Transport-User"] = Ttpvhcc });
        var lieAsHub = Guid.NewGuid();
        await PublishAsync(Vhxh, Update(lieAsHub, department: "TTPVHCC"), new Dictionary<string, object?> { ["Hub-Transport-User"] = "hub" });
        await EventuallyAsync(() => Count("SELECT COUNT(*) FROM rejections"), n => n == 2, TimeSpan.FromSeconds(60), "both rejections recorded", hub);

        var rows = Query<(string MessageId, string TransportUser, string ReasonsJson)>("SELECT message_id AS MessageId, transport_user AS TransportUser, reasons_json AS ReasonsJson FROM rejections ORDER BY message_id");
        Assert.Equal(new[] { (lie.ToString(), Vhxh), (lieAsHub.ToString(), Vhxh) }.OrderBy(r => r.Item1, StringComparer.Ordinal), rows.Select(r => (r.MessageId, r.TransportUser)));
        Assert.All(rows, r => Assert.Contains(JsonNode.Parse(r.ReasonsJson)!.AsArray(), reason => (string?)reason!["code"] == "impersonation"));
        Assert.Equal(0, Count("SELECT COUNT(*) FROM submissions"));
    }

    // ---- the hub process ---------------------------------------------------------------------------------------------

    /// <summary>Starts `run` and returns once it consumes from the hub's queue and answers /health/live.</summary>
    private async Task<HubProcess> StartHubAsync()
    {
        var hub = await _env.StartHubAsync(HubQueue);
        using var http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(5) };
        await EventuallyAsync(async () => (await http.GetAsync("health/live")).StatusCode, s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "/health/live", hub);
        return hub;
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    /// <summary>The antiforgery token of the /errors page; its cookie stays in the client's cookie container.</summary>
    private static async Task<string> TokenAsync(HttpClient http) =>
        System.Text.RegularExpressions.Regex.Match(await http.GetStringAsync("errors"), @"name=""__RequestVerificationToken"" value=""([^""]+)""").Groups[1].Value;

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string path, AuthenticationHeaderValue? authorization, string? origin, string? token = null)
    {
        var fields = new List<KeyValuePair<string, string>> { new("group", "000000000000") };
        if (token is not null) fields.Add(new("__RequestVerificationToken", token));
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Authorization = authorization;
        if (origin is not null) request.Headers.Add("Origin", origin);
        return await http.SendAsync(request);
    }

    // ---- the broker ---------------------------------------------------------------------------------------------------

    private async Task PublishAsync(string user, byte[] body, Dictionary<string, object?>? headers = null, bool withUserId = true, Guid? messageId = null)
    {
        await using var connection = await broker.Factory(user, _env.Passwords[user], _env.Vhost).CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var properties = new BasicProperties
        {
            UserId = withUserId ? user : null,
            MessageId = messageId?.ToString() ?? JsonNode.Parse(body)!["messageId"]!.ToString(),
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Persistent,
            Headers = headers,
        };
        await channel.BasicPublishAsync(BrokerIdentity.Exchange, user, mandatory: true, properties, body);
    }

    private static byte[] Update(Guid id, string department = "TTPVHCC", string indicator = "1") => JsonSerializer.SerializeToUtf8Bytes(new
    {
        messageId = id,
        planId = PlanId,
        department,
        period = "2026-Q1",
        submittedBy = "operations tests",
        indicators = new[] { new { code = indicator, numerator = 85, denominator = 100 } },
    });

    // ---- the database (HubOnBroker) -------------------------------------------------------------------------------------

    private Task<(uint Ready, uint Consumers)?> QueueAsync(string queue) => _env.QueueAsync(queue);

    private int Count(string sql, object? parameters = null) => _env.Count(sql, parameters);

    private List<T> Query<T>(string sql, object? parameters = null) => _env.Query<T>(sql, parameters);

    private void Execute(string sql)
    {
        using var connection = _env.OpenDatabase(SqliteOpenMode.ReadWrite);
        connection.Execute("PRAGMA busy_timeout = 10000");
        connection.Execute(sql);
    }
}
