using System.Diagnostics;
using System.Text.Json.Nodes;
using ChuyenDoiSo.Workers.Tests.Faults;
using Dapper;
using Microsoft.Data.Sqlite;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace ChuyenDoiSo.Workers.Tests.Broker;

/// <summary>
/// A hub's world on the shared test broker, for tests that run the real program against RabbitMQ: a vhost of its own
/// with the plan's accounts applied (`accounts --apply`), a data folder, the hub processes started there, the
/// administrator's connection, and read-only views of hub.db. Disposing removes the vhost with its queues; the folder
/// goes in <see cref="Dispose"/>, after the processes that held hub.db open.
/// </summary>
public sealed class HubOnBroker(RabbitMqBroker broker, string vhostPrefix, string planId, string accountSecret) : IAsyncDisposable, IDisposable
{
    private readonly List<HubProcess> _hubs = [];
    private IConnection? _admin;

    public string Vhost { get; } = vhostPrefix + Guid.NewGuid().ToString("N")[..12];

    public TempDataFolder Folder { get; } = new();

    /// <summary>Each department's broker password, by user name, as `accounts --format json` printed them.</summary>
    public Dictionary<string, string> Passwords { get; } = new(StringComparer.Ordinal);

    /// <summary>Settings a test adds to every program it starts (set before <see cref="InitializeAsync"/>).</summary>
    public Dictionary<string, string> ExtraEnvironment { get; } = new(StringComparer.Ordinal);

    public string DatabasePath => Folder.Combine("data", "hub.db");

    public async Task InitializeAsync()
    {
        var applied = await HubProcess.RunAsync(Folder.Path, Environment(), "accounts", "--plan", planId, "--apply");
        Assert.True(applied.ExitCode == 0, $"accounts --apply: exit {applied.ExitCode}\n{applied.Stdout}\n{applied.Stderr}");
        var summary = await HubProcess.RunAsync(Folder.Path, Environment(), "accounts", "--plan", planId, "--format", "json");
        Assert.True(summary.ExitCode == 0, $"accounts --format json: exit {summary.ExitCode}\n{summary.Stderr}");
        foreach (var department in JsonNode.Parse(summary.Stdout)!["departments"]!.AsArray())
            Passwords[(string)department!["user"]!] = (string)department["password"]!;
        _admin = await broker.Factory(broker.AdminUser, broker.AdminPassword, Vhost).CreateConnectionAsync();
    }

    public Dictionary<string, string> Environment()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Hub__Transport"] = "RabbitMq",
            ["Hub__RabbitMq__Uri"] = broker.AmqpUri("hub", "hub", Vhost),
            ["Hub__RabbitMq__ManagementUri"] = broker.ManagementUri.ToString(),
            ["Hub__RabbitMq__AdminUser"] = broker.AdminUser,
            ["Hub__RabbitMq__AdminPassword"] = broker.AdminPassword,
            ["Hub__RabbitMq__AccountSecret"] = accountSecret,
            ["Hub__Data"] = Folder.Combine("data"),
            ["Hub__Seeds"] = TestPaths.Seeds,
        };
        foreach (var (key, value) in ExtraEnvironment) environment[key] = value;
        return environment;
    }

    /// <summary>Starts `run` and returns once it consumes from <paramref name="queue"/> (declaring it on the first start).</summary>
    public async Task<HubProcess> StartHubAsync(string queue)
    {
        var hub = HubProcess.Start(Folder.Path, Environment(), "run");
        _hubs.Add(hub);
        await EventuallyAsync(async () =>
        {
            if (hub.HasExited) throw new Xunit.Sdk.XunitException($"hub pid {hub.Id} exited on start:\n{hub.Tail(80)}");
            return (await QueueAsync(queue))?.Consumers ?? 0;
        }, n => n >= 1, TimeSpan.FromSeconds(60), $"hub pid {hub.Id} consuming from {queue}", hub);
        return hub;
    }

    /// <summary>The administrator's channel; a new connection when a broker restart closed the last one.</summary>
    public async Task<IChannel> AdminChannelAsync()
    {
        if (_admin is null || !_admin.IsOpen)
        {
            if (_admin is not null) await _admin.DisposeAsync();
            _admin = await broker.Factory(broker.AdminUser, broker.AdminPassword, Vhost).CreateConnectionAsync();
        }
        return await _admin.CreateChannelAsync();
    }

    /// <summary>Messages ready and consumers of a queue (passive declare); null when it does not exist.</summary>
    public async Task<(uint Ready, uint Consumers)?> QueueAsync(string queue)
    {
        await using var channel = await AdminChannelAsync();
        try
        {
            var ok = await channel.QueueDeclarePassiveAsync(queue);
            return (ok.MessageCount, ok.ConsumerCount);
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return null;
        }
    }

    // ---- the database ---------------------------------------------------------------------------------------------

    public SqliteConnection OpenDatabase(SqliteOpenMode mode = SqliteOpenMode.ReadOnly)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Mode = mode, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    /// <summary>A count from hub.db; 0 before the hub has created it.</summary>
    public int Count(string sql, object? parameters = null)
    {
        if (!File.Exists(DatabasePath)) return 0;
        using var connection = OpenDatabase();
        return connection.ExecuteScalar<int>(sql, parameters);
    }

    /// <summary>Rows from hub.db; none before the hub has created it.</summary>
    public List<T> Query<T>(string sql, object? parameters = null)
    {
        if (!File.Exists(DatabasePath)) return [];
        using var connection = OpenDatabase();
        return connection.Query<T>(sql, parameters).ToList();
    }

    // ---- waiting --------------------------------------------------------------------------------------------------

    public static Task<T> EventuallyAsync<T>(Func<T> probe, Func<T, bool> done, TimeSpan timeout, string what, HubProcess? hub, Func<string>? diagnostics = null) =>
        EventuallyAsync(() => Task.FromResult(probe()), done, timeout, what, hub, diagnostics);

    /// <summary>Polls until <paramref name="done"/> holds, and fails with the last value and the hub's log when the deadline passes first.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what, HubProcess? hub, Func<string>? diagnostics = null)
    {
        var clock = Stopwatch.StartNew();
        var last = default(T);
        string? problem = null;
        while (true)
        {
            try
            {
                last = await probe();
                problem = null;
                if (done(last)) return last;
            }
            catch (Exception e) when (e is SqliteException or ChuyenDoiSo.Reporting.Storage.HubDatabaseException or HttpRequestException or TaskCanceledException)
            {
                // The hub may still be creating its schema, or not yet answering HTTP.
                problem = e.Message;
            }
            if (clock.Elapsed > timeout)
                throw new Xunit.Sdk.XunitException($"waited {timeout.TotalSeconds:0} s for {what}; last value {last}{(problem is null ? "" : $" ({problem})")}" +
                    $"{(diagnostics is null ? "" : "\n" + diagnostics())}\n--- last lines of the hub's log\n{hub?.Tail(60)}");
            await Task.Delay(25);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var hub in _hubs) await hub.DisposeAsync();
        if (_admin is not null) await _admin.DisposeAsync();
        // The vhost takes the test's queues, exchange bindings and permissions with it.
        using var http = broker.Management();
        using var deleted = await http.DeleteAsync($"api/vhosts/{Uri.EscapeDataString(Vhost)}");
    }

    /// <summary>xunit calls the test's Dispose after DisposeAsync, once the hub processes are gone and nothing holds hub.db open.</summary>
    public void Dispose() => Folder.Dispose();
}
