using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Workers.Broker;
using ChuyenDoiSo.Workers.Wiring;
using RabbitMQ.Client;
using Xunit.Abstractions;

using ChuyenDoiSo.Workers.Tests.Cli;

namespace ChuyenDoiSo.Workers.Tests.Broker;

/// <summary>
/// The broker accounts against a real RabbitMQ: what `accounts` sets up, what a department user may and may not do,
/// and what `publish` says when things go right and wrong. Each test has a vhost of its own, deleted afterwards.
/// </summary>
[Collection("rabbitmq")]
public sealed class AccountsTests(RabbitMqBroker broker, ITestOutputHelper output) : IAsyncLifetime
{
    private const string PlanId = "binh-chuong-2026";
    private const string Secret = "test-secret";
    private static readonly string Vhxh = BrokerAccounts.UserName(PlanId, "VHXH");
    private static readonly string Vp = BrokerAccounts.UserName(PlanId, "VP");
    private readonly string _vhost = "t-" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _queue = "test-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _folder = Directory.CreateTempSubdirectory("chuyendoiso-broker-tests-").FullName;

    public Task InitializeAsync()
    {
        output.WriteLine($"broker: {broker.Kind} node {broker.NodeName}, AMQP {broker.AmqpPort}, management {broker.ManagementPort}, started in {broker.StartTime.TotalSeconds:0.0} s ({broker.StartDetails})");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        using var http = broker.Management();
        using var _ = await http.DeleteAsync($"api/vhosts/{Uri.EscapeDataString(_vhost)}");
    }

    [Fact]
    public async Task Accounts_apply_twice_succeeds_and_changes_nothing()
    {
        var first = await RunHubAsync(["accounts", "--plan", PlanId, "--apply"]);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains($"created vhost {_vhost}", first.Stdout, StringComparison.Ordinal);
        Assert.Contains($"created topic permissions {Vhxh}", first.Stdout, StringComparison.Ordinal);
        var before = await SnapshotAsync();

        var second = await RunHubAsync(["accounts", "--plan", PlanId, "--apply"]);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains(": 0 created,", second.Stdout, StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync());

        // The passwords `--format json` hands to the departments are the ones applied.
        var summary = JsonNode.Parse((await RunHubAsync(["accounts", "--plan", PlanId, "--format", "json"])).Stdout)!;
        var vp = summary["departments"]!.AsArray().Single(d => (string?)d!["code"] == "VP")!;
        Assert.Equal(Vp, (string?)vp["routingKey"]);
        await using var connection = await broker.Factory(Vp, (string)vp["password"]!, _vhost).CreateConnectionAsync();
        Assert.True(connection.IsOpen);
    }

    [Fact]
    public async Task Accounts_apply_keeps_the_administrators_tags_and_password_when_the_hubs_user_is_that_administrator()
    {
        // Issue 16: the hub's user in Hub:RabbitMq:Uri is the administrator who applies; it used to be redefined as a
        // "management" user with a derived password, and every later call of the management API was refused.
        var uri = broker.AmqpUri(broker.AdminUser, broker.AdminPassword, _vhost);
        var first = await RunHubAsync(["accounts", "--plan", PlanId, "--apply"], uri);
        var second = await RunHubAsync(["accounts", "--plan", PlanId, "--apply"], uri);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains($"kept    user {broker.AdminUser}", first.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(broker.AdminPassword, first.Stdout + first.Stderr + second.Stdout + second.Stderr, StringComparison.Ordinal);
        using var http = broker.Management();
        var user = JsonNode.Parse(await http.GetStringAsync($"api/users/{Uri.EscapeDataString(broker.AdminUser)}"))!;
        var tags = user["tags"] is JsonArray array ? array.Select(t => (string?)t).ToList() : [(string?)user["tags"]];
        Assert.Contains("administrator", string.Join(",", tags), StringComparison.Ordinal);
        await using var connection = await broker.Factory(broker.AdminUser, broker.AdminPassword, _vhost).CreateConnectionAsync();
        Assert.True(connection.IsOpen);
    }

    [Fact]
    public async Task Accounts_definitions_for_all_plans_are_accepted_by_the_broker()
    {
        var definitions = await RunHubAsync(["accounts", "--all"]);
        Assert.True(definitions.ExitCode == 0, definitions.ToString());
        using var http = broker.Management();
        using var content = new StringContent(definitions.Stdout, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("api/definitions", content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

        var summary = JsonNode.Parse((await RunHubAsync(["accounts", "--all", "--format", "json"])).Stdout)!;
        var someone = summary["departments"]!.AsArray().Last(d => (string?)d!["plan"] == "tinh-thien-2025")!;
        await using (var department = await broker.Factory((string)someone["user"]!, (string)someone["password"]!, _vhost).CreateConnectionAsync())
            Assert.True(department.IsOpen);
        await using (var hub = await broker.Factory("hub", "hub", _vhost).CreateConnectionAsync())
            Assert.True(hub.IsOpen);
    }

    [Fact]
    public async Task Accounts_with_an_unknown_plan_exits_2_with_one_line()
    {
        var result = await RunHubAsync(["accounts", "--plan", "no-such-plan"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.StderrLines);
        Assert.Contains("unknown plan \"no-such-plan\"", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Department_publishes_to_its_own_routing_key_and_the_message_arrives_with_its_user_id()
    {
        await ApplyAsync();
        await using var admin = await AdminChannelBoundAsync();

        await using (var connection = await broker.Factory(Vhxh, Password(Vhxh), _vhost).CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync(ConfirmedChannel))
            await channel.BasicPublishAsync(BrokerIdentity.Exchange, Vhxh, mandatory: true, Properties(Vhxh, "m-1"), "{\"a\":1}"u8.ToArray());

        var got = await admin.Channel.BasicGetAsync(_queue, autoAck: true);
        Assert.NotNull(got);
        Assert.Equal(Vhxh, got.RoutingKey);
        Assert.Equal(Vhxh, got.BasicProperties.UserId);
        Assert.Equal("m-1", got.BasicProperties.MessageId);
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(got.Body.Span));
    }

    [Fact]
    public async Task Department_publishing_with_another_departments_routing_key_is_refused()
    {
        await ApplyAsync();
        await using var admin = await AdminChannelBoundAsync();

        await using var connection = await broker.Factory(Vhxh, Password(Vhxh), _vhost).CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(ConfirmedChannel);
        await Assert.ThrowsAnyAsync<Exception>(async () =>
            await channel.BasicPublishAsync(BrokerIdentity.Exchange, Vp, mandatory: true, Properties(Vhxh, "m-2"), "{}"u8.ToArray()));

        Assert.Equal(403, CloseCode(channel));
        Assert.Contains("ACCESS_REFUSED", channel.CloseReason?.ReplyText, StringComparison.Ordinal);
        Assert.Equal(0u, await admin.Channel.MessageCountAsync(_queue));
    }

    [Fact]
    public async Task Department_publishing_with_a_user_id_that_is_not_its_own_is_refused()
    {
        await ApplyAsync();
        await using var admin = await AdminChannelBoundAsync();

        await using var connection = await broker.Factory(Vhxh, Password(Vhxh), _vhost).CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(ConfirmedChannel);
        await Assert.ThrowsAnyAsync<Exception>(async () =>
            await channel.BasicPublishAsync(BrokerIdentity.Exchange, Vhxh, mandatory: true, Properties(Vp, "m-3"), "{}"u8.ToArray()));

        // RabbitMQ: PRECONDITION_FAILED - user_id property set to '…VP' but authenticated user was '…VHXH'.
        Assert.Equal(406, CloseCode(channel));
        Assert.Contains("user_id", channel.CloseReason?.ReplyText, StringComparison.Ordinal);
        Assert.Equal(0u, await admin.Channel.MessageCountAsync(_queue));
    }

    [Fact]
    public async Task Department_cannot_declare_or_read_a_queue()
    {
        await ApplyAsync();
        await using var admin = await AdminChannelBoundAsync();
        await admin.Channel.BasicPublishAsync(BrokerIdentity.Exchange, Vhxh, mandatory: true, Properties(null, "m-4"), "{}"u8.ToArray());

        await using var connection = await broker.Factory(Vhxh, Password(Vhxh), _vhost).CreateConnectionAsync();
        await using (var channel = await connection.CreateChannelAsync())
        {
            await Assert.ThrowsAnyAsync<Exception>(async () => await channel.QueueDeclareAsync("department-own", durable: true, exclusive: false, autoDelete: false));
            Assert.Equal(403, CloseCode(channel));
        }
        await using (var channel = await connection.CreateChannelAsync())
        {
            await Assert.ThrowsAnyAsync<Exception>(async () => await channel.BasicGetAsync(_queue, autoAck: true));
            Assert.Equal(403, CloseCode(channel));
        }
        Assert.Equal(1u, await admin.Channel.MessageCountAsync(_queue));
    }

    [Fact]
    public async Task Publish_with_good_credentials_exits_0_and_the_messages_carry_user_id_and_message_id()
    {
        await ApplyAsync();
        await using var admin = await AdminChannelBoundAsync();
        var file = Path.Combine(_folder, "updates.json");
        // The second item cannot be read by the hub (no messageId): publish holds it back, says why, sends the first as written.
        File.WriteAllText(file, $$"""
            [
              {{Update("7a1c9a52-3d4e-4b8e-9a51-1f0c2b9d7e01")}},
              { "department": "VHXH" }
            ]
            """);

        var result = await RunHubAsync(["publish", "--file", file, "--plan", PlanId, "--user", "VHXH", "--password", Password(Vhxh)],
            uri: $"amqp://{broker.Host}:{broker.AmqpPort}/{Uri.EscapeDataString(_vhost)}");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(result.StderrLines, l => l.StartsWith($"not sent {file}[1]", StringComparison.Ordinal));
        Assert.Contains(result.StderrLines, l => l.Contains("$[1].messageId", StringComparison.Ordinal));
        var confirmed = result.StdoutLines.Where(l => l.StartsWith("confirmed ", StringComparison.Ordinal) && l.Contains(file, StringComparison.Ordinal)).ToList();
        Assert.Single(confirmed);
        var first = await admin.Channel.BasicGetAsync(_queue, autoAck: true);
        Assert.NotNull(first);
        Assert.Null(await admin.Channel.BasicGetAsync(_queue, autoAck: true));
        Assert.Equal(Vhxh, first.BasicProperties.UserId);
        Assert.Equal(Vhxh, first.RoutingKey);
        Assert.Equal("7a1c9a52-3d4e-4b8e-9a51-1f0c2b9d7e01", first.BasicProperties.MessageId);
        Assert.Equal("application/json", first.BasicProperties.ContentType);
        Assert.Equal(DeliveryModes.Persistent, first.BasicProperties.DeliveryMode);
        // The department's own bytes, Vietnamese kept as UTF-8.
        Assert.Equal(Update("7a1c9a52-3d4e-4b8e-9a51-1f0c2b9d7e01"), Encoding.UTF8.GetString(first.Body.Span));
    }

    [Fact]
    public async Task Publish_with_a_wrong_password_exits_3_saying_access_refused()
    {
        await ApplyAsync();
        var file = Path.Combine(_folder, "update.json");
        File.WriteAllText(file, Update("0b6f3c1e-2a4d-4c8b-9e7f-5d1a2b3c4d5e"));

        var result = await RunHubAsync(["publish", "--file", file, "--user", Vhxh, "--password", "wrong"],
            uri: $"amqp://{broker.Host}:{broker.AmqpPort}/{Uri.EscapeDataString(_vhost)}");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("access refused", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_to_a_port_with_nothing_listening_exits_3_saying_cannot_connect()
    {
        var file = Path.Combine(_folder, "update.json");
        File.WriteAllText(file, Update("0b6f3c1e-2a4d-4c8b-9e7f-5d1a2b3c4d5e"));
        int port;
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }

        var result = await RunHubAsync(["publish", "--file", file, "--user", Vhxh, "--password", "whatever"], uri: $"amqp://127.0.0.1:{port}/{_vhost}");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("cannot connect", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_when_no_queue_is_bound_exits_3_saying_not_confirmed()
    {
        await ApplyAsync();
        var file = Path.Combine(_folder, "update.json");
        File.WriteAllText(file, Update("0b6f3c1e-2a4d-4c8b-9e7f-5d1a2b3c4d5e"));

        var result = await RunHubAsync(["publish", "--file", file, "--user", Vhxh, "--password", Password(Vhxh)],
            uri: $"amqp://{broker.Host}:{broker.AmqpPort}/{Uri.EscapeDataString(_vhost)}");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("not confirmed", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Broker_stop_app_then_start_app_keeps_the_accounts_and_the_queued_message()
    {
        await ApplyAsync();
        await using (var admin = await AdminChannelBoundAsync())
            await admin.Channel.BasicPublishAsync(BrokerIdentity.Exchange, Vhxh, mandatory: true, Properties(null, "m-5"), "{}"u8.ToArray());

        await broker.StopAppAsync();
        await Assert.ThrowsAnyAsync<Exception>(async () => await broker.Factory(Vhxh, Password(Vhxh), _vhost).CreateConnectionAsync());
        await broker.StartAppAsync();

        await using (var department = await broker.Factory(Vhxh, Password(Vhxh), _vhost).CreateConnectionAsync())
            Assert.True(department.IsOpen);
        await using var again = await AdminChannelBoundAsync();
        var got = await again.Channel.BasicGetAsync(_queue, autoAck: true);
        Assert.Equal("m-5", got?.BasicProperties.MessageId);
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static readonly CreateChannelOptions ConfirmedChannel = new(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true);

    private static int CloseCode(IChannel channel) => channel.CloseReason?.ReplyCode ?? 0;

    private static string Password(string user) => BrokerAccounts.PasswordFor(Secret, user);

    /// <summary>A complete update of department VHXH, as a department's system writes it.</summary>
    private static string Update(string messageId) =>
        $$"""{"messageId":"{{messageId}}","planId":"{{PlanId}}","department":"VHXH","period":"2026-01","submittedAt":"2026-01-10T08:00:00+07:00","submittedBy":"Bình Chương","indicators":[],"tasks":[]}""";

    private static BasicProperties Properties(string? userId, string messageId) => new()
    {
        UserId = userId,
        MessageId = messageId,
        ContentType = "application/json",
        DeliveryMode = DeliveryModes.Persistent,
    };

    private async Task ApplyAsync()
    {
        var catalog = PlanCatalog.LoadFolder(TestPaths.Seeds);
        var accounts = BrokerAccounts.For([catalog.Find(PlanId)!], new BrokerSettings(_vhost, new BrokerUser("hub", "hub", "management"), Secret));
        using var management = new RabbitMqManagement(broker.ManagementUri, broker.AdminUser, broker.AdminPassword);
        await accounts.ApplyAsync(management, CancellationToken.None);
    }

    /// <summary>The administrator's channel with a queue of the test's own, bound to the hub's exchange with "#" as the hub's is.</summary>
    private async Task<AdminChannel> AdminChannelBoundAsync()
    {
        var connection = await broker.Factory(broker.AdminUser, broker.AdminPassword, _vhost).CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync(ConfirmedChannel);
        await channel.QueueDeclareAsync(_queue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(_queue, BrokerIdentity.Exchange, "#");
        return new AdminChannel(connection, channel);
    }

    private sealed record AdminChannel(IConnection Connection, IChannel Channel) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Channel.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }

    /// <summary>What the test's vhost holds and the users of the plan: what a second `accounts --apply` must leave as it was.</summary>
    private async Task<string> SnapshotAsync()
    {
        using var http = broker.Management();
        var definitions = JsonNode.Parse(await http.GetStringAsync("api/definitions"))!;
        var users = definitions["users"]!.AsArray().Where(u => ((string)u!["name"]!).StartsWith(PlanId + ".", StringComparison.Ordinal) || (string?)u!["name"] == "hub");
        IEnumerable<JsonNode?> InVhost(string key) => definitions[key]!.AsArray().Where(n => (string?)n!["vhost"] == _vhost);
        var snapshot = new JsonObject
        {
            ["users"] = new JsonArray(users.Select(u => u!.DeepClone()).ToArray()),
            ["permissions"] = new JsonArray(InVhost("permissions").Select(u => u!.DeepClone()).ToArray()),
            ["topic_permissions"] = new JsonArray(InVhost("topic_permissions").Select(u => u!.DeepClone()).ToArray()),
            ["exchanges"] = new JsonArray(InVhost("exchanges").Select(u => u!.DeepClone()).ToArray()),
        };
        Assert.Single(snapshot["exchanges"]!.AsArray());
        Assert.Equal(PlanCatalog.LoadFolder(TestPaths.Seeds).Find(PlanId)!.Departments.Count, snapshot["topic_permissions"]!.AsArray().Count);
        return snapshot.ToJsonString();
    }

    /// <summary>Runs the hub's program as a user would, configured through Hub__* variables for this test's broker and vhost.</summary>
    private Task<HubRun> RunHubAsync(IReadOnlyList<string> arguments, string? uri = null) =>
        HubProgram.RunAsync(_folder, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Hub__Data"] = Path.Combine(_folder, "data"),
            ["Hub__Seeds"] = TestPaths.Seeds,
            ["Hub__RabbitMq__Uri"] = uri ?? $"amqp://hub:hub@{broker.Host}:{broker.AmqpPort}/{Uri.EscapeDataString(_vhost)}",
            ["Hub__RabbitMq__ManagementUri"] = broker.ManagementUri.ToString(),
            ["Hub__RabbitMq__AdminUser"] = broker.AdminUser,
            ["Hub__RabbitMq__AdminPassword"] = broker.AdminPassword,
            ["Hub__RabbitMq__AccountSecret"] = Secret,
        }, TimeSpan.FromSeconds(120), [.. arguments]);
}
