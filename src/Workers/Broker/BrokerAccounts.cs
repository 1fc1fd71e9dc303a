using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Workers.Wiring;

namespace ChuyenDoiSo.Workers.Broker;

/// <summary>A broker user with its password; <see cref="Tags"/> as RabbitMQ spells them ("management", "administrator", "").</summary>
public sealed record BrokerUser(string Name, string Password, string Tags);

/// <summary>One department's (phòng ban) broker account: it publishes to <see cref="Exchange"/> with <see cref="RoutingKey"/> only.</summary>
public sealed record DepartmentAccount(string Plan, string Code, string User, string Password, string Exchange, string RoutingKey);

/// <summary>Where the broker accounts live and how their passwords are derived: from the hub's configuration.</summary>
public sealed record BrokerSettings(string Vhost, BrokerUser Hub, string AccountSecret)
{
    /// <summary>What the hub connects with when nothing is configured; its user and password are what docker-compose's definitions create.</summary>
    public const string DefaultUri = "amqp://hub:hub@localhost:5672/chuyendoiso";
    public const string DefaultManagementUri = "http://localhost:15672/";
    public const string DefaultAccountSecret = "change-me";

    /// <summary>
    /// Vhost and hub user from <c>Hub:RabbitMq:Uri</c> (the hub must be able to log in with exactly that URI);
    /// department passwords from <c>Hub:RabbitMq:AccountSecret</c>.
    /// </summary>
    public static BrokerSettings From(IConfiguration configuration)
    {
        var text = configuration["Hub:RabbitMq:Uri"] is { Length: > 0 } configured ? configured : DefaultUri;
        var secret = configuration["Hub:RabbitMq:AccountSecret"] is { Length: > 0 } s ? s : DefaultAccountSecret;
        var uri = ParseAmqpUri(text, "Hub:RabbitMq:Uri");
        var (user, password) = Credentials(uri);
        user ??= "hub";
        // The hub's user may be given a password in the URI; otherwise it is derived like a department's.
        password ??= BrokerAccounts.PasswordFor(secret, user);
        return new BrokerSettings(VhostOf(uri), new BrokerUser(user, password, "management"), secret);
    }

    public static Uri ParseAmqpUri(string text, string source)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps"))
            throw new Cli.UserException($"{source} \"{Redact(text)}\" is not an AMQP URI; expected e.g. {DefaultUri}");
        return uri;
    }

    /// <summary>User and password from the URI's user info, unescaped; null where absent.</summary>
    public static (string? User, string? Password) Credentials(Uri uri)
    {
        if (uri.UserInfo.Length == 0) return (null, null);
        var parts = uri.UserInfo.Split(':', 2);
        var user = Uri.UnescapeDataString(parts[0]);
        return (user.Length == 0 ? null : user, parts.Length == 2 ? Uri.UnescapeDataString(parts[1]) : null);
    }

    /// <summary>The AMQP URI spec: the path (unescaped) names the vhost; no path means the default vhost "/".</summary>
    public static string VhostOf(Uri uri)
    {
        var path = uri.AbsolutePath.Length > 1 ? Uri.UnescapeDataString(uri.AbsolutePath[1..]) : "";
        return path.Length == 0 ? "/" : path;
    }

    /// <summary>The URI without its password (also when it does not parse).</summary>
    public static string Redact(string uri) => Secrets.MaskUri(uri);
}

/// <summary>
/// The broker accounts for one or more plans: the vhost, the hub's topic exchange, the hub's user (everything in the vhost)
/// and one user per department who may only publish to the exchange with its own routing key &lt;planId&gt;.&lt;CODE&gt;.
/// Passwords and password hashes are derived from a secret, so printing twice prints the same and applying twice changes nothing.
/// </summary>
public sealed class BrokerAccounts
{
    public const string HashingAlgorithm = "rabbit_password_hashing_sha256";

    /// <summary>Indented, and without the HTML-safe escapes (\u002B for "+") that would make password hashes hard to compare by eye.</summary>
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private BrokerAccounts(BrokerSettings settings, IReadOnlyList<DepartmentAccount> departments)
    {
        Settings = settings;
        Departments = departments;
    }

    public BrokerSettings Settings { get; }
    public string Vhost => Settings.Vhost;
    public static string Exchange => BrokerIdentity.Exchange;
    public BrokerUser Hub => Settings.Hub;
    public IReadOnlyList<DepartmentAccount> Departments { get; }

    /// <param name="generations">Each department's password generation (hub.db's department_credentials, counted up by
    /// `accounts --rotate`); a department not listed is at generation 0.</param>
    public static BrokerAccounts For(IEnumerable<Plan> plans, BrokerSettings settings, IReadOnlyDictionary<(string Plan, string Department), int>? generations = null)
    {
        var departments = plans
            .SelectMany(p => p.Departments.Select(d => (Plan: p.Id, d.Code)))
            .Select(x =>
            {
                var user = UserName(x.Plan, x.Code);
                var generation = generations?.GetValueOrDefault((x.Plan, x.Code)) ?? 0;
                return new DepartmentAccount(x.Plan, x.Code, user, PasswordFor(settings.AccountSecret, user, generation), Exchange, user);
            })
            .ToList();
        var clash = departments.FirstOrDefault(d => d.User == settings.Hub.Name);
        if (clash is not null)
            throw new Cli.UserException($"the hub's broker user \"{settings.Hub.Name}\" (Hub:RabbitMq:Uri) is also department {clash.Code}'s user; give the hub another name");
        return new BrokerAccounts(settings, departments);
    }

    /// <summary>The broker user and routing key of a department; the hub splits it at the last dot.</summary>
    public static string UserName(string planId, string departmentCode) => $"{planId}.{departmentCode}";

    /// <summary>
    /// The first 24 characters of base64url(HMAC-SHA256(secret, user name)): 144 bits, safe in a URI without escaping.
    /// After a rotation (<paramref name="generation"/> above 0) the user name is followed by "#generation", so one
    /// department's password changes and nobody else's does; generation 0 is the password as it always was.
    /// </summary>
    public static string PasswordFor(string secret, string user, int generation = 0) =>
        Base64Url(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(generation == 0 ? user : $"{user}#{generation.ToString(System.Globalization.CultureInfo.InvariantCulture)}")))[..24];

    /// <summary>
    /// RabbitMQ's rabbit_password_hashing_sha256: base64(salt + SHA-256(salt + UTF-8 password)) with a 4-byte salt.
    /// The salt is derived too (not random) so that the definitions and the applied users are the same on every run.
    /// </summary>
    public static string PasswordHash(string secret, string user, string password)
    {
        var salt = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes("salt:" + user))[..4];
        var digest = SHA256.HashData([.. salt, .. Encoding.UTF8.GetBytes(password)]);
        return Convert.ToBase64String([.. salt, .. digest]);
    }

    /// <summary>A literal for RabbitMQ's (PCRE) permission patterns.</summary>
    public static string Literal(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (@"\^$.|?*+()[]{}".Contains(c, StringComparison.Ordinal)) sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }

    public static string ExactPattern(string text) => "^" + Literal(text) + "$";

    /// <summary>What a department user may do: configure nothing, write to the hub's exchange only, read nothing.</summary>
    public static (string Configure, string Write, string Read) DepartmentPermissions => ("^$", ExactPattern(Exchange), "^$");

    /// <summary>
    /// A RabbitMQ definitions document (management UI import, POST /api/definitions, load_definitions at boot).
    /// An <paramref name="administrator"/> is worth adding for boot-time import, which creates no guest user.
    /// </summary>
    public JsonObject ToDefinitions(BrokerUser? administrator = null)
    {
        var users = new JsonArray();
        var permissions = new JsonArray();
        var topicPermissions = new JsonArray();
        void AddUser(BrokerUser user, string configure, string write, string read)
        {
            users.Add(new JsonObject
            {
                ["name"] = user.Name,
                ["password_hash"] = PasswordHash(Settings.AccountSecret, user.Name, user.Password),
                ["hashing_algorithm"] = HashingAlgorithm,
                ["tags"] = TagList(user.Tags),
                ["limits"] = new JsonObject(),
            });
            permissions.Add(new JsonObject { ["user"] = user.Name, ["vhost"] = Vhost, ["configure"] = configure, ["write"] = write, ["read"] = read });
        }
        if (administrator is not null) AddUser(administrator, ".*", ".*", ".*");
        AddUser(Hub, ".*", ".*", ".*");
        var (configure, write, read) = DepartmentPermissions;
        foreach (var d in Departments)
        {
            AddUser(new BrokerUser(d.User, d.Password, ""), configure, write, read);
            topicPermissions.Add(new JsonObject { ["user"] = d.User, ["vhost"] = Vhost, ["exchange"] = Exchange, ["write"] = ExactPattern(d.RoutingKey), ["read"] = "^$" });
        }
        return new JsonObject
        {
            ["users"] = users,
            ["vhosts"] = new JsonArray(new JsonObject { ["name"] = Vhost }),
            ["permissions"] = permissions,
            ["topic_permissions"] = topicPermissions,
            ["exchanges"] = new JsonArray(ExchangeDefinition(includeName: true)),
            // The hub declares its own queue (department-reports, bound with "#"): declaring it here with other arguments would make the hub's declare fail.
            ["queues"] = new JsonArray(),
            ["bindings"] = new JsonArray(),
        };
    }

    /// <summary>What `accounts --format json` prints: what each department needs to publish.</summary>
    public JsonObject ToSummary() => new()
    {
        ["vhost"] = Vhost,
        ["exchange"] = Exchange,
        ["hubUser"] = Hub.Name,
        ["departments"] = new JsonArray(Departments.Select(d => (JsonNode)new JsonObject
        {
            ["plan"] = d.Plan,
            ["code"] = d.Code,
            ["user"] = d.User,
            ["password"] = d.Password,
            ["exchange"] = d.Exchange,
            ["routingKey"] = d.RoutingKey,
        }).ToArray()),
    };

    private JsonObject ExchangeDefinition(bool includeName)
    {
        var exchange = new JsonObject();
        if (includeName)
        {
            exchange["name"] = Exchange;
            exchange["vhost"] = Vhost;
        }
        // The same arguments the hub's MassTransit declare uses, or one of the two declares is refused as inequivalent.
        exchange["type"] = "topic";
        exchange["durable"] = true;
        exchange["auto_delete"] = false;
        exchange["internal"] = false;
        exchange["arguments"] = new JsonObject();
        return exchange;
    }

    private static JsonArray TagList(string tags) =>
        new(tags.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => (JsonNode)JsonValue.Create(t)).ToArray());

    /// <summary>
    /// Creates or updates everything through the management HTTP API with PUTs only, so a second run changes nothing.
    /// Returns one line per resource: "created …" or "ok …" (already there, now as defined).
    /// </summary>
    public async Task<IReadOnlyList<string>> ApplyAsync(RabbitMqManagement management, CancellationToken cancellationToken)
    {
        // The administrator who applies is never redefined: PUTting the hub's user when it is that administrator replaced
        // its tags with "management" (and its password), and every later call of the management API was refused.
        var administrator = management.User;
        var lines = new List<string>();
        async Task Put(string what, string path, JsonObject body)
        {
            var created = await management.PutAsync(path, body, cancellationToken);
            lines.Add($"{(created ? "created" : "ok"),-8}{what}");
        }
        var vhost = Uri.EscapeDataString(Vhost);
        await Put($"vhost {Vhost}", $"api/vhosts/{vhost}", new JsonObject());
        await Put($"exchange {Exchange} (topic, durable)", $"api/exchanges/{vhost}/{Uri.EscapeDataString(Exchange)}", ExchangeDefinition(includeName: false));
        async Task PutUser(BrokerUser user, string configure, string write, string read)
        {
            var name = Uri.EscapeDataString(user.Name);
            if (string.Equals(user.Name, administrator, StringComparison.Ordinal))
                lines.Add($"{"kept",-8}user {user.Name} (the administrator applying: its tags and password are left as they are)");
            else await Put($"user {user.Name}", $"api/users/{name}", new JsonObject
            {
                ["password_hash"] = PasswordHash(Settings.AccountSecret, user.Name, user.Password),
                ["hashing_algorithm"] = HashingAlgorithm,
                ["tags"] = user.Tags,
            });
            await Put($"permissions {user.Name} configure {configure} write {write} read {read}", $"api/permissions/{vhost}/{name}",
                new JsonObject { ["configure"] = configure, ["write"] = write, ["read"] = read });
        }
        await PutUser(Hub, ".*", ".*", ".*");
        var (configure, write, read) = DepartmentPermissions;
        foreach (var d in Departments)
        {
            await PutUser(new BrokerUser(d.User, d.Password, ""), configure, write, read);
            var pattern = ExactPattern(d.RoutingKey);
            await Put($"topic permissions {d.User} on {Exchange} write {pattern} read ^$", $"api/topic-permissions/{vhost}/{Uri.EscapeDataString(d.User)}",
                new JsonObject { ["exchange"] = Exchange, ["write"] = pattern, ["read"] = "^$" });
        }
        return lines;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>The broker is not there or refuses us: an environment failure (exit 3), not a user's mistake.</summary>
public sealed class BrokerUnavailableException(string message) : Exception(message)
{
    public BrokerUnavailableException()
        : this("the broker is unavailable")
    {
    }

    public BrokerUnavailableException(string message, Exception innerException)
        : this(message + ": " + innerException.Message)
    {
    }
}

/// <summary>The few calls of RabbitMQ's management HTTP API that setting up accounts needs, as an administrator.</summary>
public sealed class RabbitMqManagement : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _baseUri;
    private readonly string _shown;

    public RabbitMqManagement(Uri baseUri, string user, string password, TimeSpan? timeout = null)
    {
        User = user;
        _shown = Secrets.MaskUri(baseUri.GetLeftPart(UriPartial.Path));
        _baseUri = baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/");
        _http = new HttpClient { BaseAddress = _baseUri, Timeout = timeout ?? TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
    }

    /// <summary>The administrator these calls are made as.</summary>
    public string User { get; }

    /// <summary>PUT a JSON body; true when the broker created the resource (201), false when it was already there (204).</summary>
    public async Task<bool> PutAsync(string path, JsonObject body, CancellationToken cancellationToken)
    {
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await SendAsync(HttpMethod.Put, path, content, cancellationToken);
        return response.StatusCode == HttpStatusCode.Created;
    }

    public async Task<JsonNode?> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException or IOException || e.HttpRequestError == HttpRequestError.ConnectionError)
        {
            throw new BrokerUnavailableException($"cannot connect to the management API at {_shown} ({e.InnerException?.Message ?? e.Message}); is the broker running with the management plugin? (Hub:RabbitMq:ManagementUri)");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BrokerUnavailableException($"cannot connect to the management API at {_shown}: no answer within {_http.Timeout.TotalSeconds:0} s");
        }
        if (response.IsSuccessStatusCode) return response;
        var reason = await response.Content.ReadAsStringAsync(cancellationToken);
        var code = (int)response.StatusCode;
        response.Dispose();
        var detail = Reason(reason);
        throw response.StatusCode switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new BrokerUnavailableException(
                $"access refused by the management API at {_shown} ({code} {detail}) for {method} /{path}; an administrator's credentials are needed (Hub:RabbitMq:AdminUser/AdminPassword or --admin-user/--admin-password)"),
            _ => new BrokerUnavailableException($"the management API refused {method} /{path}: {code} {detail}"),
        };
    }

    private static string Reason(string body)
    {
        try
        {
            var node = JsonNode.Parse(body);
            var text = $"{node?["error"]}: {node?["reason"]}";
            return text.ReplaceLineEndings(" ");
        }
        catch (System.Text.Json.JsonException)
        {
            return body.Length > 200 ? body[..200] : body.ReplaceLineEndings(" ");
        }
    }

    public void Dispose() => _http.Dispose();
}
