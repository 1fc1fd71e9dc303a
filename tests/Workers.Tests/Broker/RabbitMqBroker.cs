using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using DotNet.Testcontainers.Builders;
using RabbitMQ.Client;
using Testcontainers.RabbitMq;

namespace ChuyenDoiSo.Workers.Tests.Broker;

/// <summary>Tests that need a real RabbitMQ share one broker: starting one costs seconds.</summary>
[CollectionDefinition("rabbitmq")]
public sealed class RabbitMqCollection : ICollectionFixture<RabbitMqBroker>;

/// <summary>
/// A running RabbitMQ with the management plugin: a Testcontainers container where a Docker engine answers, otherwise a private
/// node of Debian's rabbitmq-server on free ports with its own data folder (see /work/shared/ENVIRONMENT.md), stopped and deleted after.
/// CHUYENDOISO_TEST_BROKER=local skips the Docker attempt; =docker allows no fallback.
/// </summary>
public sealed class RabbitMqBroker : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private RabbitMqContainer? _container;
    private string? _folder;
    private string? _rabbitmqctl;

    public RabbitMqBroker()
    {
        // Letters and digits only: safe on any command line, in a URI and in rabbitmq.conf.
        AdminPassword = Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();
    }

    public string Host { get; private set; } = "localhost";
    public int AmqpPort { get; private set; }
    public int ManagementPort { get; private set; }
    public string AdminUser { get; } = "admin";
    public string AdminPassword { get; }
    /// <summary>The Erlang node name (t&lt;random&gt;@localhost for a local node).</summary>
    public string NodeName { get; private set; } = "";
    /// <summary>"docker" or "local".</summary>
    public string Kind { get; private set; } = "";
    /// <summary>From the start of InitializeAsync until the management API answered.</summary>
    public TimeSpan StartTime { get; private set; }
    /// <summary>Where the start time went, for the test log.</summary>
    public string StartDetails { get; private set; } = "";
    public Uri ManagementUri => new($"http://{Host}:{ManagementPort}/");

    public string AmqpUri(string user, string password, string vhost) =>
        $"amqp://{Uri.EscapeDataString(user)}:{Uri.EscapeDataString(password)}@{Host}:{AmqpPort}/{Uri.EscapeDataString(vhost)}";

    public ConnectionFactory Factory(string user, string password, string vhost) => new()
    {
        HostName = Host,
        Port = AmqpPort,
        UserName = user,
        Password = password,
        VirtualHost = vhost,
        AutomaticRecoveryEnabled = false,
        RequestedConnectionTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>An HTTP client for the management API, as the administrator.</summary>
    public HttpClient Management()
    {
        var http = new HttpClient { BaseAddress = ManagementUri, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AdminUser}:{AdminPassword}")));
        return http;
    }

    public async Task InitializeAsync()
    {
        var clock = Stopwatch.StartNew();
        var choice = Environment.GetEnvironmentVariable("CHUYENDOISO_TEST_BROKER");
        string? dockerProblem = null;
        var phases = new List<string>();
        if (choice != "local")
        {
            try
            {
                await StartContainerAsync();
            }
            catch (DockerUnavailableException e) when (choice != "docker")
            {
                dockerProblem = e.Message;
                phases.Add($"no Docker {clock.Elapsed.TotalSeconds:0.0} s");
            }
        }
        if (_container is null)
        {
            var server = FindProgram("rabbitmq-server")
                ?? throw new InvalidOperationException(
                    $"No broker for the RabbitMQ tests: Docker is unavailable ({dockerProblem}) and rabbitmq-server is not installed. " +
                    "Install it (apt-get update && apt-get install -y rabbitmq-server) or start a Docker engine.");
            await StartLocalNodeAsync(server, phases, clock);
        }
        StartTime = clock.Elapsed;
        StartDetails = string.Join(", ", phases);
    }

    private async Task StartContainerAsync()
    {
        var container = new RabbitMqBuilder("rabbitmq:3.13-management")
            .WithUsername(AdminUser)
            .WithPassword(AdminPassword)
            .WithPortBinding(15672, assignRandomHostPort: true)
            .Build();
        await container.StartAsync();
        _container = container;
        Kind = "docker";
        Host = container.Hostname;
        AmqpPort = container.GetMappedPublicPort(5672);
        ManagementPort = container.GetMappedPublicPort(15672);
        // The image's node is rabbit@<hostname>, and Docker's default hostname is the short container id.
        NodeName = "rabbit@" + container.Id[..Math.Min(12, container.Id.Length)];
        await WaitForManagementAsync(StartTimeout, () => "");
    }

    private async Task StartLocalNodeAsync(string server, List<string> phases, Stopwatch clock)
    {
        // The Debian scripts in /usr/sbin switch to the rabbitmq user when run as root, and refuse anyone else;
        // another user runs the scripts they wrap, as itself.
        var root = Environment.UserName == "root";
        var bin = root ? Path.GetDirectoryName(server)! : "/usr/lib/rabbitmq/bin";
        if (!root && !File.Exists(Path.Combine(bin, "rabbitmq-server"))) bin = Path.GetDirectoryName(server)!;
        _rabbitmqctl = Path.Combine(bin, "rabbitmqctl");
        Kind = "local";

        // A port found free may be taken before the node binds it: one more try with new ports.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StartNodeOnceAsync(Path.Combine(bin, "rabbitmq-server"), root, phases, clock);
                return;
            }
            catch (InvalidOperationException) when (attempt < 2)
            {
            }
        }
    }

    private async Task StartNodeOnceAsync(string server, bool root, List<string> phases, Stopwatch clock)
    {
        var id = Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
        NodeName = $"t{id}@localhost";
        AmqpPort = TestNetwork.FreePort();
        ManagementPort = TestNetwork.FreePort();
        var distributionPort = TestNetwork.FreePort();
        _folder = Path.Combine(Path.GetTempPath(), "chuyendoiso-rabbitmq", id);
        Directory.CreateDirectory(_folder);
        File.WriteAllText(Path.Combine(_folder, "enabled_plugins"), "[rabbitmq_management].\n");
        // The administrator is the node's default user: created at first boot, with no extra rabbitmqctl round trips.
        File.WriteAllText(Path.Combine(_folder, "rabbitmq.conf"), $"""
            management.tcp.port = {ManagementPort}
            default_user = {AdminUser}
            default_pass = {AdminPassword}
            default_user_tags.administrator = true
            default_permissions.configure = .*
            default_permissions.write = .*
            default_permissions.read = .*
            loopback_users = none
            """);
        if (root) await RunAsync("chown", ["-R", "rabbitmq:rabbitmq", _folder], TimeSpan.FromSeconds(30));

        var environment = new Dictionary<string, string>
        {
            ["RABBITMQ_NODENAME"] = NodeName,
            ["RABBITMQ_NODE_PORT"] = AmqpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RABBITMQ_DIST_PORT"] = distributionPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(_folder, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(_folder, "log"),
            ["RABBITMQ_PID_FILE"] = PidFile,
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(_folder, "rabbitmq"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_folder, "enabled_plugins"),
        };
        // The detached Erlang VM may keep inherited pipes open for its whole life: its output goes to a file, not to us.
        var startLog = Path.Combine(_folder, "server-start.out");
        var started = await RunAsync("/bin/sh", ["-c", "exec \"$0\" -detached >\"$1\" 2>&1 </dev/null", server, startLog], TimeSpan.FromSeconds(60), environment);
        phases.Add($"rabbitmq-server -detached returned {clock.Elapsed.TotalSeconds:0.0} s");
        if (File.Exists(startLog)) started = (started.ExitCode, (started.Output + File.ReadAllText(startLog)).Trim());
        var waited = started.ExitCode == 0
            ? await RunAsync(_rabbitmqctl!, ["-n", NodeName, "wait", PidFile, "--timeout", ((int)StartTimeout.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)], StartTimeout + TimeSpan.FromSeconds(15))
            : started;
        phases.Add($"rabbitmqctl wait returned {clock.Elapsed.TotalSeconds:0.0} s");
        string Diagnostics() => $"rabbitmq-server -detached: exit {started.ExitCode} {started.Output}\nrabbitmqctl wait: exit {waited.ExitCode} {waited.Output}\n{LogTail()}";
        if (started.ExitCode != 0 || waited.ExitCode != 0)
        {
            var diagnostics = Diagnostics();
            await StopLocalNodeAsync();
            throw new InvalidOperationException($"RabbitMQ node {NodeName} (AMQP {AmqpPort}, management {ManagementPort}, distribution {distributionPort}) did not start.\n{diagnostics}");
        }
        try
        {
            await WaitForManagementAsync(TimeSpan.FromSeconds(30), Diagnostics);
            phases.Add($"management API answered {clock.Elapsed.TotalSeconds:0.0} s");
        }
        catch (InvalidOperationException)
        {
            await StopLocalNodeAsync();
            throw;
        }
    }

    private string PidFile => Path.Combine(_folder!, "pid");

    /// <summary>Stops the RabbitMQ application, the Erlang node staying up (rabbitmqctl stop_app): the broker "goes away" for clients.</summary>
    public async Task StopAppAsync()
    {
        var result = _container is not null
            ? await ExecInContainerAsync("stop_app")
            : await RunAsync(_rabbitmqctl!, ["-n", NodeName, "stop_app"], TimeSpan.FromSeconds(60));
        if (result.ExitCode != 0) throw new InvalidOperationException($"rabbitmqctl stop_app failed: {result.Output}");
    }

    /// <summary>Starts it again, and returns when the management API answers.</summary>
    public async Task StartAppAsync()
    {
        var result = _container is not null
            ? await ExecInContainerAsync("start_app")
            : await RunAsync(_rabbitmqctl!, ["-n", NodeName, "start_app"], TimeSpan.FromSeconds(60));
        if (result.ExitCode != 0) throw new InvalidOperationException($"rabbitmqctl start_app failed: {result.Output}\n{LogTail()}");
        await WaitForManagementAsync(TimeSpan.FromSeconds(30), LogTail);
    }

    private async Task<(int ExitCode, string Output)> ExecInContainerAsync(string command)
    {
        var result = await _container!.ExecAsync(["rabbitmqctl", command]);
        return ((int)(result.ExitCode ?? -1), result.Stdout + result.Stderr);
    }

    public async Task DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
            return;
        }
        await StopLocalNodeAsync();
    }

    private async Task StopLocalNodeAsync()
    {
        if (_folder is null) return;
        if (_rabbitmqctl is not null && File.Exists(PidFile))
        {
            // With the pid file, stop returns only when the OS process has gone.
            var stopped = await RunAsync(_rabbitmqctl, ["-n", NodeName, "stop", PidFile], TimeSpan.FromSeconds(60));
            if (stopped.ExitCode != 0) KillNodeProcess();
        }
        else
        {
            KillNodeProcess();
        }
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a dying node: the temp folder is swept by the OS eventually.
        }
        _folder = null;
    }

    private void KillNodeProcess()
    {
        if (_folder is null || !File.Exists(PidFile)) return;
        if (!int.TryParse(File.ReadAllText(PidFile).Trim(), out var pid)) return;
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
    }

    private async Task WaitForManagementAsync(TimeSpan timeout, Func<string> diagnostics)
    {
        using var http = Management();
        http.Timeout = TimeSpan.FromSeconds(5);
        var deadline = Stopwatch.StartNew();
        var last = "";
        while (deadline.Elapsed < timeout)
        {
            try
            {
                using var response = await http.GetAsync("api/overview");
                if (response.StatusCode == HttpStatusCode.OK) return;
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            catch (TaskCanceledException)
            {
                last = "no answer within 5 s";
            }
            await Task.Delay(200);
        }
        throw new InvalidOperationException($"the management API at {ManagementUri} did not answer within {timeout.TotalSeconds:0} s (last: {last})\n{diagnostics()}");
    }

    private string LogTail()
    {
        if (_folder is null) return "";
        var log = Path.Combine(_folder, "log", NodeName + ".log");
        if (!File.Exists(log))
        {
            var files = Directory.Exists(Path.Combine(_folder, "log")) ? string.Join(", ", Directory.EnumerateFiles(Path.Combine(_folder, "log")).Select(Path.GetFileName)) : "none";
            return $"(no node log at {log}; log folder holds: {files})";
        }
        try
        {
            using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            var lines = reader.ReadToEnd().Split('\n');
            return $"last lines of {log}:\n" + string.Join('\n', lines.TakeLast(40));
        }
        catch (IOException e)
        {
            return $"(cannot read {log}: {e.Message})";
        }
    }

    private static string? FindProgram(string name)
    {
        var folders = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/local/sbin", "/usr/lib/rabbitmq/bin"]);
        return folders.Select(f => Path.Combine(f, name)).FirstOrDefault(File.Exists);
    }

    /// <summary>Runs a program to its end; stdout and stderr together. Kills it (and only it) when it overruns.</summary>
    internal static async Task<(int ExitCode, string Output)> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        if (environment is not null)
            foreach (var (key, value) in environment) info.Environment[key] = value;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {program}");
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
            return (-1, $"{program} {string.Join(' ', info.ArgumentList)}: no exit within {timeout.TotalSeconds:0} s");
        }
        return (process.ExitCode, (await stdout + await stderr).Trim());
    }
}
