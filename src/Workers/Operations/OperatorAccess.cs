using Microsoft.AspNetCore.Http;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using ChuyenDoiSo.Workers.Cli;
using ChuyenDoiSo.Workers.Wiring;

namespace ChuyenDoiSo.Workers.Operations;

/// <summary>
/// Who may see and who may change: pages and /metrics are open to the loopback address; from anywhere else, and for
/// every action that changes state, the operator's credentials (HTTP Basic) from Hub:Http:Operator are needed.
/// An action must also come from the dashboard's own origin, so another site cannot make the operator's browser post one.
/// </summary>
public sealed class OperatorAccess(HubOptions options, LoginThrottle throttle, Reporting.Storage.HubDatabase database, TimeProvider clock, ILogger<OperatorAccess> logger)
{
    private const string ResultKey = "ChuyenDoiSo.OperatorAccess";

    public const string Realm = "ChuyenDoiSo hub operator";

    /// <summary>Refuses a configuration that would serve beyond loopback with nobody able to authenticate.</summary>
    public static void Validate(HttpOptions http)
    {
        var wide = Urls(http.Urls).Where(u => !IsLoopbackUrl(u)).ToList();
        if (wide.Count > 0 && !http.Operator.IsConfigured)
            throw new UserException($"Hub:Http:Urls \"{string.Join(';', wide)}\" listens beyond loopback; set Hub:Http:Operator:User and Hub:Http:Operator:Password, or listen on http://127.0.0.1 only");
    }

    public static IReadOnlyList<string> Urls(string urls) => urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>localhost, 127.0.0.0/8 and [::1]; a wildcard (*, +, 0.0.0.0, [::]) or any other host is not.</summary>
    public static bool IsLoopbackUrl(string url)
    {
        var rest = url.Contains("://", StringComparison.Ordinal) ? url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..] : url;
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0) rest = rest[..slash];
        string host;
        if (rest.StartsWith('['))
            host = rest[1..Math.Max(1, rest.IndexOf(']', StringComparison.Ordinal))];
        else
            host = rest.Contains(':', StringComparison.Ordinal) ? rest[..rest.LastIndexOf(':')] : rest;
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address);
    }

    public static bool IsLoopback(HttpContext context) => context.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip);

    public bool IsConfigured => options.Http.Operator.IsConfigured;

    /// <summary>
    /// True when Kestrel listens on anything but loopback: then every page needs the operator's login whoever asks, since
    /// behind a reverse proxy on the same host every client would otherwise look like loopback.
    /// </summary>
    public bool ListensBeyondLoopback { get; } = Urls(options.Http.Urls).Any(u => !IsLoopbackUrl(u));

    /// <summary>Whether this request may read the dashboard's pages and /metrics without the operator's login.</summary>
    public bool IsOpen(HttpContext context) => !ListensBeyondLoopback && IsLoopback(context);

    /// <summary>
    /// The operator's name when the request carries the configured credentials, else null. Throttled like every login
    /// (<see cref="LoginThrottle"/>): a locked user or address is refused without comparing, and the failure that locks is
    /// recorded in the audit log with the client's address. Asked twice in one request, it counts once.
    /// </summary>
    public string? Authenticate(HttpContext context)
    {
        if (context.Items.TryGetValue(ResultKey, out var known)) return (string?)known;
        var result = Check(context);
        context.Items[ResultKey] = result;
        return result;
    }

    private string? Check(HttpContext context)
    {
        var configured = options.Http.Operator;
        if (!configured.IsConfigured) return null;
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return null;
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
        }
        catch (FormatException)
        {
            return null;
        }
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0) return null;
        var user = decoded[..colon];
        var address = context.Connection.RemoteIpAddress?.ToString();
        if (throttle.Check(user, address).Locked) return null;
        var userOk = FixedTimeEquals(user, configured.User!);
        var passwordOk = FixedTimeEquals(decoded[(colon + 1)..], configured.Password!);
        if (userOk && passwordOk)
        {
            throttle.Succeeded(user);
            return configured.User;
        }
        if (throttle.Failed(user, address))
        {
            logger.LogWarning("Operator login for {User} from {Remote} locked for {Minutes} minutes after repeated wrong passwords", user, address, LoginThrottle.Lockout.TotalMinutes);
            using var connection = database.Open();
            new Reporting.Operations.AuditLog(connection).Record(clock.GetUtcNow(), user, "login_locked", "dashboard", $"{LoginThrottle.MaxFailures} wrong passwords in a row", address);
        }
        return null;
    }

    /// <summary>
    /// A browser says where a form post comes from (Origin, Sec-Fetch-Site); it must be this dashboard. A client that
    /// sends neither (curl, a script) is not a browser another site could drive.
    /// </summary>
    public static bool IsSameOrigin(HttpContext context)
    {
        var request = context.Request;
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none")) return false;
        var origin = request.Headers.Origin.ToString();
        return origin.Length == 0 || string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase);
    }

    public static IResult Challenge(string message) => new ChallengeResult(message);

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));

    private sealed class ChallengeResult(string message) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status401Unauthorized;
            httpContext.Response.Headers.WWWAuthenticate = $"Basic realm=\"{Realm}\", charset=\"UTF-8\"";
            httpContext.Response.ContentType = "text/plain; charset=utf-8";
            await httpContext.Response.WriteAsync(message);
        }
    }
}
