using System.Globalization;
using System.Net.Mail;
using System.Text.RegularExpressions;
using ChuyenDoiSo.Workers.Cli;
using Microsoft.Extensions.Options;

namespace ChuyenDoiSo.Workers.Wiring;

/// <summary>
/// Reads the <c>Hub</c> section once and refuses, in one line naming the setting, every value that cannot work. Every verb
/// that builds a host goes through <see cref="Read"/> (so a typo is an exit 2 before anything starts), and the same
/// validator is registered with ValidateOnStart for anything that resolves the options later.
/// </summary>
public static partial class HubOptionsReader
{
    /// <summary>Binds the section; a value the binder cannot convert (Hub:Smtp:Port=abc) is named, not a .NET type.</summary>
    public static HubOptions Bind(IConfiguration configuration)
    {
        // The binder drops a list element it cannot convert without a word (RetryDelaysSeconds:0=soon binds as no delays).
        foreach (var element in configuration.GetSection("Hub:Smtp:RetryDelaysSeconds").GetChildren())
            if (!double.TryParse(element.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                throw new UserException($"{element.Path} {Shown(element.Path, element.Value)} is not a number; expected seconds, e.g. Hub:Smtp:RetryDelaysSeconds:0=5");
        try
        {
            return configuration.GetSection(HubOptions.Section).Get<HubOptions>() ?? new HubOptions();
        }
        catch (InvalidOperationException e) when (BinderKey().Match(e.Message) is { Success: true } match)
        {
            var key = match.Groups["key"].Value;
            var expected = match.Groups["type"].Value switch
            {
                "System.Int32" or "System.Int64" => "a whole number",
                "System.Double" or "System.Decimal" => "a number",
                "System.Boolean" => "true or false",
                "System.TimeSpan" => "a time span such as 00:00:30",
                var other => $"a value of kind {other.Split('.')[^1]}",
            };
            throw new UserException($"{key} {Shown(key, configuration[key])} is not {expected}");
        }
    }

    /// <summary>Binds and validates: the options every verb's host uses, or a UserException naming the first setting that cannot work.</summary>
    public static HubOptions Read(IConfiguration configuration)
    {
        var options = Bind(configuration);
        var problems = HubOptionsValidator.Problems(options);
        if (problems.Count > 0) throw new UserException(string.Join("; ", problems));
        return options;
    }

    /// <summary>A setting's value as it may be printed: quoted, URIs without their password, secrets not at all.</summary>
    public static string Shown(string key, string? value)
    {
        if (value is null) return "(not set)";
        if (key.Contains("Password", StringComparison.OrdinalIgnoreCase) || key.Contains("Secret", StringComparison.OrdinalIgnoreCase)) return "(hidden)";
        return $"\"{Secrets.MaskUri(value)}\"";
    }

    // "Failed to convert configuration value '…' at 'Hub:Smtp:Port' to type 'System.Int32'." (the value part varies by version)
    [GeneratedRegex(@"at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex BinderKey();
}

/// <summary>One method per section: a new section adds a method and one line in <see cref="Problems"/>.</summary>
public sealed partial class HubOptionsValidator : IValidateOptions<HubOptions>
{
    public static readonly string[] Transports = ["InMemory", "RabbitMq"];
    public static readonly string[] Levels = ["Commune", "Higher"];
    /// <summary>MailKit's SecureSocketOptions names.</summary>
    public static readonly string[] SmtpSecurity = ["None", "Auto", "SslOnConnect", "StartTls", "StartTlsWhenAvailable"];

    public ValidateOptionsResult Validate(string? name, HubOptions options)
    {
        var problems = Problems(options);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    public static IReadOnlyList<string> Problems(HubOptions options)
    {
        var p = new ProblemList();
        Root(options, p);
        RabbitMq(options.RabbitMq, p);
        Ingest(options.Ingest, p);
        if (options.Approval.ReminderHours is <= 0 or > 24 * 30)
            p.Add($"Hub:Approval:ReminderHours {options.Approval.ReminderHours.ToString(CultureInfo.InvariantCulture)} is out of range; expected 1 to 720 hours before the send time (24 by default)");
        if (options.Approval.RefreshSeconds is <= 0 or > 86_400)
            p.Add($"Hub:Approval:RefreshSeconds {options.Approval.RefreshSeconds.ToString(CultureInfo.InvariantCulture)} is out of range; expected 1 to 86400 seconds between checks for drafts to compile again (60 by default)");
        Smtp(options.Smtp, p);
        Forward(options.Forward, p);
        Http(options.Http, p);
        Higher(options.Higher, p);
        return p.List;
    }

    private static void Root(HubOptions o, ProblemList p)
    {
        if (string.IsNullOrWhiteSpace(o.Data)) p.Add("Hub:Data is empty; expected a folder for the hub's files, e.g. ./data");
        else if (File.Exists(o.Data)) p.Add($"Hub:Data \"{o.Data}\" is a file; expected a folder (it is created when missing)");
        p.OneOf("Hub:Transport", o.Transport, Transports);
        p.OneOf("Hub:Level", o.Level, Levels);
        if (o.Seeds is { Length: > 0 } seeds && !Directory.Exists(seeds)) p.Add($"Hub:Seeds \"{seeds}\" is not a folder; expected the folder of plan files");
    }

    private static void RabbitMq(RabbitMqOptions o, ProblemList p)
    {
        p.Uri("Hub:RabbitMq:Uri", o.Uri, required: true, "amqp", "amqps");
        p.Uri("Hub:RabbitMq:ManagementUri", o.ManagementUri, required: false, "http", "https");
    }

    private static void Ingest(IngestOptions o, ProblemList p)
    {
        // Above SQLite's default limit of 32,766 variables a batch statement would not even prepare; far above any useful group commit.
        if (o.BatchSize is <= 0 or > 10_000) p.Add($"Hub:Ingest:BatchSize {o.BatchSize.ToString(CultureInfo.InvariantCulture)} is out of range; expected 1 to 10000 (500 by default)");
    }

    private static void Smtp(SmtpOptions o, ProblemList p)
    {
        if (o.Host is { } host && (host.Length == 0 || host.Any(char.IsWhiteSpace) || host.Contains("://", StringComparison.Ordinal)))
            p.Add($"Hub:Smtp:Host \"{host}\" is not a host name; expected e.g. smtp.example.vn (no scheme, no spaces)");
        if (o.Port is < 1 or > 65535) p.Add($"Hub:Smtp:Port {o.Port.ToString(CultureInfo.InvariantCulture)} is out of range; expected 1 to 65535");
        p.OneOf("Hub:Smtp:Security", o.Security, SmtpSecurity);
        if (!MailAddress.TryCreate(o.From, out _)) p.Add($"Hub:Smtp:From \"{o.From}\" is not an email address; expected e.g. hub@chuyendoiso.example");
        if (!string.IsNullOrEmpty(o.Password) && string.IsNullOrEmpty(o.User)) p.Add("Hub:Smtp:Password is set without Hub:Smtp:User; expected both or neither");
        if (o.RetryDelaysSeconds.Any(d => !double.IsFinite(d) || d < 0 || d > 86_400))
            p.Add($"Hub:Smtp:RetryDelaysSeconds [{string.Join(", ", o.RetryDelaysSeconds.Select(d => d.ToString(CultureInfo.InvariantCulture)))}] has a value out of range; expected seconds from 0 to 86400 each");
    }

    private static void Forward(ForwardOptions o, ProblemList p)
    {
        p.Uri("Hub:Forward:Uri", o.Uri, required: false, "amqp", "amqps");
        if (string.IsNullOrWhiteSpace(o.Exchange)) p.Add("Hub:Forward:Exchange is empty; expected an exchange name such as chuyendoiso.communes");
    }

    private static void Http(HttpOptions o, ProblemList p)
    {
        var urls = o.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (urls.Length == 0) p.Add("Hub:Http:Urls is empty; expected e.g. http://127.0.0.1:5080");
        foreach (var url in urls)
        {
            // Kestrel's wildcards (*, +) are not host names to System.Uri.
            var probe = WildcardHost().Replace(url, "${scheme}localhost");
            if (!System.Uri.TryCreate(probe, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.UserInfo.Length > 0
                || uri.AbsolutePath != "/" || uri.Query.Length > 0)
                p.Add($"Hub:Http:Urls \"{Secrets.MaskUri(url)}\" is not a URL Kestrel can listen on; expected e.g. http://127.0.0.1:5080 (several separated by ';')");
        }
        if (!string.IsNullOrWhiteSpace(o.PublicUrl)
            && (!System.Uri.TryCreate(o.PublicUrl, UriKind.Absolute, out var pub) || pub.Scheme is not ("http" or "https") || pub.Host.Length == 0
                || pub.UserInfo.Length > 0 || pub.Query.Length > 0 || pub.Fragment.Length > 0))
            p.Add($"Hub:Http:PublicUrl \"{Secrets.MaskUri(o.PublicUrl)}\" is not the http(s) address departments reach the hub at; expected e.g. https://cds.example.gov.vn/");
        foreach (var proxy in o.KnownProxies.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (!System.Net.IPAddress.TryParse(proxy, out _) && !System.Net.IPNetwork.TryParse(proxy, out _))
                p.Add($"Hub:Http:KnownProxies \"{proxy}\" is not an IP address or a network; expected e.g. 10.0.0.5 or 10.0.0.0/24 (several separated by ';')");
        if (string.IsNullOrEmpty(o.Operator.User) != string.IsNullOrEmpty(o.Operator.Password))
            p.Add("Hub:Http:Operator:User and Hub:Http:Operator:Password must be set together");
    }

    private static void Higher(HigherOptions o, ProblemList p)
    {
        if (string.IsNullOrWhiteSpace(o.Exchange)) p.Add("Hub:Higher:Exchange is empty; expected an exchange name such as chuyendoiso.communes");
        if (o.Id is { Length: > 0 } id && (id.Contains('/', StringComparison.Ordinal) || id.Contains('\\', StringComparison.Ordinal) || id.Contains("..", StringComparison.Ordinal)))
            p.Add($"Hub:Higher:Id \"{id}\" is not a body id; expected a file name under seeds/higher without .json");
    }

    [GeneratedRegex(@"^(?<scheme>[a-zA-Z]+://)[*+](?=[:/]|$)", RegexOptions.CultureInvariant)]
    private static partial Regex WildcardHost();

    /// <summary>The problems found so far, one line each, with the helpers sections share.</summary>
    public sealed class ProblemList
    {
        public List<string> List { get; } = [];

        public void Add(string problem) => List.Add(problem);

        public void OneOf(string key, string? value, IReadOnlyList<string> allowed)
        {
            if (value is null || !allowed.Contains(value, StringComparer.OrdinalIgnoreCase))
                Add($"{key} {HubOptionsReader.Shown(key, value)} is not one of {string.Join(", ", allowed)}");
        }

        public void Uri(string key, string? value, bool required, params string[] schemes)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                if (required) Add($"{key} is empty; expected a {schemes[0]}:// URI");
                return;
            }
            if (!System.Uri.TryCreate(value, UriKind.Absolute, out var uri) || !schemes.Contains(uri.Scheme, StringComparer.Ordinal) || uri.Host.Length == 0)
                Add($"{key} \"{Secrets.MaskUri(value)}\" is not a {string.Join(" or ", schemes)} URI; expected e.g. {schemes[0]}://user:password@host:port/");
        }
    }
}

/// <summary>What may be printed of a credential: never the password.</summary>
public static partial class Secrets
{
    /// <summary>
    /// The text with the password of any URI in it replaced by ***: amqp://hub:secret@host/ → amqp://hub:***@host/. Works on
    /// text that is not a valid URI too (a typo in a setting must not print its password either).
    /// </summary>
    public static string MaskUri(string text) => UserInfoPassword().Replace(text, "${pre}***@");

    // Greedy up to the last '@' before the path: a password with an unescaped '@' is masked whole.
    [GeneratedRegex(@"(?<pre>[a-zA-Z][a-zA-Z0-9+.\-]*://[^:/@\s]*:)[^\s/]*@", RegexOptions.CultureInvariant)]
    private static partial Regex UserInfoPassword();
}
