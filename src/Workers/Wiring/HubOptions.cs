namespace ChuyenDoiSo.Workers.Wiring;

/// <summary>The `Hub` configuration section (appsettings.json, Hub__* environment variables, command line).</summary>
public sealed class HubOptions
{
    public const string Section = "Hub";

    /// <summary>Where the SQLite files, reports and the .eml pickup folder live.</summary>
    public string Data { get; set; } = "data";
    /// <summary>The folder of plan files; empty: ./seeds when present, else the copy beside the program.</summary>
    public string? Seeds { get; set; }
    /// <summary>InMemory (the embedded default) or RabbitMq.</summary>
    public string Transport { get; set; } = "InMemory";
    public RabbitMqOptions RabbitMq { get; set; } = new();
    public IngestOptions Ingest { get; set; } = new();
    /// <summary>Without a Host, reports are written as .eml files to the pickup folder.</summary>
    public SmtpOptions Smtp { get; set; } = new();
    /// <summary>Where the compiled report is forwarded: the higher-level hub's broker. Without a Uri, a JSON file in the outbox.</summary>
    public ForwardOptions Forward { get; set; } = new();
    /// <summary>Health, metrics and the operator's dashboard, served by `run`.</summary>
    public HttpOptions Http { get; set; } = new();
    /// <summary>Commune (the default): departments report to this hub. Higher: communes' hubs report to it and it rolls them up.</summary>
    public string Level { get; set; } = "Commune";
    /// <summary>The `Hub:Higher` section, used when <see cref="Level"/> is Higher (and by `compile --level higher`).</summary>
    public HigherOptions Higher { get; set; } = new();
    /// <summary>The PKCS#12 certificates that sign every issued PDF; without any, a demo certificate made in the data folder.</summary>
    public SigningOptions Signing { get; set; } = new();
    /// <summary>How often a running hub looks at the plans folder for added, changed or removed plans (Hub:Plans:PollSeconds).</summary>
    public PlansOptions Plans { get; set; } = new();
    /// <summary>Review and approval of the reports of plans with `approval: required` (Hub:Approval).</summary>
    public ApprovalOptions Approval { get; set; } = new();

    public bool IsHigherLevel => string.Equals(Level, "Higher", StringComparison.OrdinalIgnoreCase);

    public string DatabasePath => Path.Combine(Data, "hub.db");
    public string PickupDirectory => Path.Combine(Data, "outbox");
    public string ReportsDirectory => Path.Combine(Data, "reports");

    public string ResolveSeeds()
    {
        if (!string.IsNullOrWhiteSpace(Seeds)) return Seeds;
        return Directory.Exists("seeds") ? "seeds" : Path.Combine(AppContext.BaseDirectory, "seeds");
    }
}

/// <summary>The `Hub:Signing` section: the agency's and the signer's PKCS#12, and an RFC 3161 timestamp authority.</summary>
public sealed class SigningOptions
{
    public SigningCertificateOptions Agency { get; set; } = new();
    public SigningCertificateOptions Signer { get; set; } = new();
    /// <summary>With it, every signature gets an RFC 3161 timestamp (PAdES B-T).</summary>
    public string? TimestampUrl { get; set; }
}

/// <summary>One PKCS#12 file with its password; the agency's seal or the signer's signature image (transparent PNG).</summary>
public sealed class SigningCertificateOptions
{
    public string? Certificate { get; set; }
    public string? Password { get; set; }
    public string? SealImage { get; set; }
    public string? SignatureImage { get; set; }
}

public sealed class RabbitMqOptions
{
    public string Uri { get; set; } = "amqp://guest:guest@localhost:5672/";
    public string? ManagementUri { get; set; }
}

public sealed class IngestOptions
{
    /// <summary>At most this many updates share one SQLite transaction (group commit), and as many are consumed at once.</summary>
    public int BatchSize { get; set; } = 500;
}

/// <summary>The `Hub:Smtp` section. Security takes MailKit's SecureSocketOptions names: None, StartTls, SslOnConnect, Auto.</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 25;
    public string Security { get; set; } = "Auto";
    public string? User { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "hub@chuyendoiso.example";
    /// <summary>Waits between attempts after a transient failure (4xx reply, dropped connection), in seconds.</summary>
    public IReadOnlyList<double> RetryDelaysSeconds { get; set; } = [5, 30, 120];

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);
}

/// <summary>The `Hub:Forward` section: the higher-level hub's RabbitMQ and the exchange it reads commune reports from.</summary>
public sealed class ForwardOptions
{
    public string? Uri { get; set; }
    public string Exchange { get; set; } = "chuyendoiso.communes";
}

/// <summary>The `Hub:Http` section: where `run` serves /health, /metrics and the dashboard, and who may change anything.</summary>
public sealed class HttpOptions
{
    /// <summary>Kestrel's URLs, separated by ';'. Loopback only by default: anything wider needs the operator's credentials.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:5080";
    /// <summary>
    /// The address departments reach the hub at (behind a reverse proxy, the proxy's), e.g. https://cds.phuongxa.gov.vn/;
    /// reminders and the dashboard's late list link to the portal under it. Empty: the first of <see cref="Urls"/>.
    /// </summary>
    public string? PublicUrl { get; set; }
    /// <summary>
    /// The reverse proxies (IP addresses or CIDR networks, ';'-separated) whose X-Forwarded-For and X-Forwarded-Proto the
    /// hub believes. Empty (the default): none, not even loopback; the client is the connection's peer.
    /// </summary>
    public string KnownProxies { get; set; } = "";
    public OperatorOptions Operator { get; set; } = new();

    /// <summary>The base every link a department follows is built on, without a trailing '/'.</summary>
    public string PublicBase => (string.IsNullOrWhiteSpace(PublicUrl) ? Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "" : PublicUrl).TrimEnd('/');
}

/// <summary>The links into the department portal, one convention for reminders, the dashboard and the portal's own routes.</summary>
public static class PortalLinks
{
    /// <summary>The portal's root: the login page and, once logged in, the department's open periods.</summary>
    public const string Root = "/portal";

    /// <summary>The path of one department's form for one period: /portal/{plan}/{period} (the department is the one logged in).</summary>
    public static string FormPath(string planId, string period) => $"{Root}/{Uri.EscapeDataString(planId)}/{Uri.EscapeDataString(period)}";

    /// <summary>The absolute link to that form under Hub:Http:PublicUrl.</summary>
    public static string Form(HttpOptions http, string planId, string period) => http.PublicBase + FormPath(planId, period);
}

/// <summary>The operator's credentials (HTTP Basic): every action that changes state needs them.</summary>
public sealed class OperatorOptions
{
    public string? User { get; set; }
    public string? Password { get; set; }

    public bool IsConfigured => !string.IsNullOrEmpty(User) && !string.IsNullOrEmpty(Password);
}

/// <summary>The `Hub:Higher` section: which body this hub is (seeds/higher/&lt;Id&gt;.json) and the exchange communes forward to.</summary>
public sealed class HigherOptions
{
    /// <summary>The body's file name without .json; empty: the only file in seeds/higher.</summary>
    public string? Id { get; set; }
    /// <summary>The communes' hubs publish CommuneReportSubmitted here (their Hub:Forward:Exchange).</summary>
    public string Exchange { get; set; } = "chuyendoiso.communes";
}

public sealed class PlansOptions
{
    /// <summary>Seconds between two looks at the plans folder (hash comparison): a change is live within this time.</summary>
    public int PollSeconds { get; set; } = 30;
}

/// <summary>The `Hub:Approval` section: how the office and the signer are chased while a report awaits approval.</summary>
public sealed class ApprovalOptions
{
    /// <summary>Hours before the send time at which the office and the signer are reminded of a report not yet approved.</summary>
    public int ReminderHours { get; set; } = 24;

    public TimeSpan ReminderLead => TimeSpan.FromHours(ReminderHours);

    /// <summary>How often a kept draft is compiled again when a department sent an update after it (seconds, at least 1).</summary>
    public int RefreshSeconds { get; set; } = 60;
}

/// <summary>The links into the dashboard's review of a draft, under Hub:Http:PublicUrl (the office and the signer follow them).</summary>
public static class ReviewLinks
{
    /// <summary>/review/{plan}/{period}: the draft as it will be printed and what needs a decision.</summary>
    public static string ReviewPath(string planId, string period) => $"/review/{Uri.EscapeDataString(planId)}/{Uri.EscapeDataString(period)}";

    public static string Review(HttpOptions http, string planId, string period) => http.PublicBase + ReviewPath(planId, period);
}
