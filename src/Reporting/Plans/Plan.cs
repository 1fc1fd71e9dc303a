using ChuyenDoiSo.Reporting.Calendar;
using System.Text.Json.Serialization;

namespace ChuyenDoiSo.Reporting.Plans;

/// <summary>One commune's digital-transformation plan for one year (Kế hoạch chuyển đổi số).</summary>
public sealed record Plan
{
    [JsonPropertyName("$schema")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Schema { get; init; }
    public required string Id { get; init; }
    public required int Year { get; init; }
    public required Commune Commune { get; init; }
    public required HigherLevel HigherLevel { get; init; }
    public required PlanDocument Document { get; init; }
    /// <summary>Who signed the plan itself.</summary>
    public required Signer Signer { get; init; }
    /// <summary>Who issues and signs its reports; absent: the commune's People's Committee with the plan's signer.</summary>
    public ReportIssuer? Reports { get; init; }
    public IReadOnlyList<string> Recipients { get; init; } = [];
    public IReadOnlyList<Department> Departments { get; init; } = [];
    public IReadOnlyList<Indicator> Indicators { get; init; } = [];
    public IReadOnlyList<PlanTask> Tasks { get; init; } = [];
    public IReadOnlyList<BudgetLine> Budget { get; init; } = [];
    public IReadOnlyList<BaselineStatistic> Statistics { get; init; } = [];
    public CalendarSettings? Calendar { get; init; }
    public DeliverySettings? Delivery { get; init; }
    /// <summary>This plan's own certificates, overriding Hub:Signing; null: the hub's.</summary>
    public PlanSigning? Signing { get; init; }
    /// <summary>
    /// Whether a report needs the office's review and the signer's approval (phê duyệt) before it leaves: "none" (compiled,
    /// signed with the agency's certificate and sent at the deadline, unattended) or "required". Absent: "none".
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Approval { get; init; }
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>True when <see cref="Approval"/> is "required": no report of this plan is sent unapproved.</summary>
    [JsonIgnore]
    public bool RequiresApproval => ApprovalModes.IsRequired(Approval);

    public Department? FindDepartment(string code) => Departments.FirstOrDefault(d => d.Code == code);
    public Indicator? FindIndicator(string code) => Indicators.FirstOrDefault(i => i.Code == code);
    public PlanTask? FindTask(string code) => Tasks.FirstOrDefault(t => t.Code == code);
    public CalendarSettings EffectiveCalendar => Calendar ?? CalendarSettings.Default;
    public IReadOnlyList<string> Channels => Delivery?.Channels is { Count: > 0 } c ? c : ["email"];

    /// <summary>The reports' issuer: <see cref="Reports"/>, else "ỦY BAN NHÂN DÂN" / the commune, "BC-UBND" and the plan's signer.</summary>
    [JsonIgnore]
    public ReportIssuer EffectiveReports => Reports ?? new ReportIssuer
    {
        IssuingBody = ["ỦY BAN NHÂN DÂN", $"{Commune.Kind} {Commune.Name}".ToUpperInvariant()],
        Symbol = "BC-UBND",
        Signer = Signer,
    };
}

/// <summary>The values of a plan's or a higher body's <c>approval</c> field.</summary>
public static class ApprovalModes
{
    public const string None = "none";
    public const string Required = "required";
    public static readonly IReadOnlyList<string> All = [None, Required];

    /// <summary>Null when <paramref name="value"/> is absent or one of <see cref="All"/>; else what was expected.</summary>
    public static string? Problem(string? value) =>
        value is null || All.Contains(value, StringComparer.Ordinal) ? null : $"expected \"{None}\" (sent unattended at the deadline) or \"{Required}\" (reviewed by the office and approved by the signer first), got \"{value}\"";

    public static bool IsRequired(string? value) => string.Equals(value, Required, StringComparison.Ordinal);
}

/// <summary>A plan's own signing certificates (PKCS#12 paths, relative to the plan file's folder or absolute); each overrides Hub:Signing's.</summary>
public sealed record PlanSigning
{
    public SigningCertificate? Agency { get; init; }
    public SigningCertificate? Signer { get; init; }
}

/// <summary>A PKCS#12 file, its password (or a file holding it) and the image its visible signature shows.</summary>
public sealed record SigningCertificate
{
    public required string Certificate { get; init; }
    public string? Password { get; init; }
    public string? PasswordFile { get; init; }
    /// <summary>
    /// The signer's certificate only, of a plan with `approval: required`: no password is kept anywhere; the signer types it at
    /// approval (`approve`) and it opens the certificate for that one signing.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool PasswordAtSigning { get; init; }
    /// <summary>The seal (agency) or the handwritten signature (signer) as a transparent PNG.</summary>
    public string? Image { get; init; }
}

/// <summary>The reporting unit (xã / phường).</summary>
public sealed record Commune
{
    public required string Name { get; init; }
    /// <summary>"xã", "phường" or "thị trấn".</summary>
    public required string Kind { get; init; }
    public string? District { get; init; }
    public required string Province { get; init; }

    /// <summary>"Xã Bình Chương".</summary>
    [JsonIgnore]
    public string FullName => $"{char.ToUpperInvariant(Kind[0])}{Kind[1..]} {Name}";
}

/// <summary>Who receives the compiled report (cấp trên).</summary>
public sealed record HigherLevel
{
    public required string Name { get; init; }
    public required string Email { get; init; }
    public string? Note { get; init; }
}

public sealed record PlanDocument
{
    public required string Number { get; init; }
    public DateOnly? Date { get; init; }
    public required string Title { get; init; }
    public string? Note { get; init; }
}

/// <summary>
/// The signature block, top to bottom: its authority lines ("TM. ỦY BAN NHÂN DÂN" / "KT. CHỦ TỊCH"), the title
/// ("PHÓ CHỦ TỊCH") and the name. Decree 30/2020 also allows "Q. CHỦ TỊCH", "TL." and "TUQ." lines, and none at all
/// when the head signs in the body's own name.
/// </summary>
public sealed record Signer
{
    /// <summary>Every authority line in print order (thẩm quyền ký).</summary>
    public IReadOnlyList<string> AuthorityLines { get; init; } = [];
    /// <summary>The former single line, still read from older files: used only when <see cref="AuthorityLines"/> is empty.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Authority { get; init; }
    public required string Title { get; init; }
    public required string Name { get; init; }

    /// <summary>The lines to print: <see cref="AuthorityLines"/>, else the old single <see cref="Authority"/>.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> Lines => AuthorityLines.Count > 0 ? AuthorityLines : Authority is { Length: > 0 } a ? [a] : [];
}

/// <summary>
/// Who issues the plan's reports (cơ quan ban hành báo cáo), which may not be who signed the plan: Tam Phước's plan was
/// signed for the steering committee, its reports are the People's Committee's.
/// </summary>
public sealed record ReportIssuer
{
    /// <summary>The header's left column above the number: "ỦY BAN NHÂN DÂN" / "XÃ TAM PHƯỚC" (one or two lines).</summary>
    public required IReadOnlyList<string> IssuingBody { get; init; }
    /// <summary>The symbol after the number: "BC-UBND" prints "Số: …/BC-UBND".</summary>
    public required string Symbol { get; init; }
    public required Signer Signer { get; init; }
    /// <summary>Why these are the reports' issuer and signer when the plan does not say (it seldom does).</summary>
    public string? Note { get; init; }
}

/// <summary>A unit of the commune (bộ phận, phòng, cơ quan) as the plan names it.</summary>
public sealed record Department
{
    public required string Code { get; init; }
    public required string Name { get; init; }
    public required string Email { get; init; }
    public string? Note { get; init; }
}

/// <summary>A measurable target (chỉ tiêu) with its yearly target (mục tiêu năm).</summary>
public sealed record Indicator
{
    public required string Code { get; init; }
    public required string Group { get; init; }
    public required string Name { get; init; }
    public required string Unit { get; init; }
    public required IndicatorTarget Target { get; init; }
    public string? Aggregation { get; init; }
    public required string Lead { get; init; }
    public IReadOnlyList<string> Coordinators { get; init; } = [];
    public string? Note { get; init; }
    /// <summary>Where the lead, coordinators and target came from: the plan's words, or an assumption and why.</summary>
    public IndicatorProvenance? Provenance { get; init; }

    [JsonIgnore]
    public Aggregation EffectiveAggregation => Aggregation switch
    {
        "sum" => Plans.Aggregation.Sum,
        "latest" => Plans.Aggregation.Latest,
        "ratio" => Plans.Aggregation.Ratio,
        _ => IsPercentage ? Plans.Aggregation.Ratio : Plans.Aggregation.Latest,
    };

    [JsonIgnore]
    public bool IsPercentage => Unit.Trim() == "%";

    /// <summary>Its values count things (hệ thống, hồ sơ, …): whole numbers only. See <see cref="Units.CountsThings"/>.</summary>
    [JsonIgnore]
    public bool CountsThings => Units.CountsThings(Unit);

    public bool IsReportableBy(string department) => Lead == department || Coordinators.Contains(department);
}

/// <summary>What a plan's unit says about its values.</summary>
public static class Units
{
    /// <summary>Units that measure rather than count: money, time, length, size, scores. Values in them may have decimals.</summary>
    private static readonly HashSet<string> Measures = new(StringComparer.OrdinalIgnoreCase)
    {
        "%", "đồng", "nghìn đồng", "triệu đồng", "tỷ đồng", "giờ", "ngày", "tháng", "năm", "km", "m", "m2", "ha",
        "GB", "TB", "Mbps", "điểm",
    };

    /// <summary>A unit counts things unless it is a rate or a measure; no unit at all is taken as a measure (nothing to go by).</summary>
    public static bool CountsThings(string? unit) => unit is { } u && !string.IsNullOrWhiteSpace(u) && !Measures.Contains(u.Trim());
}

/// <summary>How an indicator's values add up over a window.</summary>
public enum Aggregation
{
    /// <summary>A flow: values add up (dossiers received).</summary>
    Sum,
    /// <summary>A stock: the latest value counts.</summary>
    Latest,
    /// <summary>A rate: summed numerators over summed denominators; never an average of rates.</summary>
    Ratio,
}

/// <summary>The target: op is one of &gt;=, &gt;, &lt;=, &lt;, =, done.</summary>
public sealed record IndicatorTarget
{
    public required string Op { get; init; }
    public decimal? Value { get; init; }
    public string? Text { get; init; }

    public static readonly IReadOnlySet<string> Ops = new HashSet<string>(StringComparer.Ordinal) { ">=", ">", "<=", "<", "=", "done" };

    /// <summary>Whether a value meets the target; a done target counts 100 (or 1 for a yes/no value) as done.</summary>
    public bool IsMetBy(decimal value) => Op switch
    {
        ">=" => value >= Value,
        ">" => value > Value,
        "<=" => value <= Value,
        "<" => value < Value,
        "=" => value == Value,
        "done" => value >= 100m || value == 1m,
        _ => false,
    };

    public override string ToString() => Op switch
    {
        "done" => "Hoàn thành",
        _ => $"{Op switch { ">=" => "≥", "<=" => "≤", _ => Op }} {Value?.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)}",
    };
}

/// <summary>An action (nhiệm vụ) with a lead department and a timeframe (thời gian thực hiện).</summary>
public sealed record PlanTask
{
    public required string Code { get; init; }
    public string? Group { get; init; }
    public required string Name { get; init; }
    public required string Lead { get; init; }
    public IReadOnlyList<string> Coordinators { get; init; } = [];
    /// <summary>As written, e.g. "Hằng tháng, Quý IV năm 2025".</summary>
    public required string Timeframe { get; init; }
    public string? Note { get; init; }

    /// <summary>The same rule as <see cref="Indicator.IsReportableBy"/>: a department reports the tasks it leads or coordinates.</summary>
    public bool IsReportableBy(string department) => Lead == department || Coordinators.Contains(department);
    /// <summary>Where the lead, coordinators and timeframe came from: the plan's words, or an assumption and why.</summary>
    public TaskProvenance? Provenance { get; init; }
}

/// <summary>
/// Where one value of a plan came from (nguồn): <c>stated</c> by the signed text, with its own words (short), or
/// <c>assumed</c> by whoever entered the plan, with the reason. A hub that chases a department for a task the plan never
/// gave it must be able to say so.
/// </summary>
public sealed record Provenance
{
    public const string Stated = "stated";
    public const string Assumed = "assumed";

    /// <summary><c>stated</c> or <c>assumed</c>.</summary>
    public required string Source { get; init; }
    /// <summary>The plan's own words for a stated value ("Bộ phận Văn phòng", "Quý I năm 2025").</summary>
    public string? Words { get; init; }
    /// <summary>Why an assumed value was chosen ("no lead named; V.1 makes Phòng Văn hóa- Xã hội follow up the plan").</summary>
    public string? Reason { get; init; }

    [JsonIgnore]
    public bool IsAssumed => Source == Assumed;

    /// <summary>"giả định: …" / "theo kế hoạch: …", as the table and the dashboard print it.</summary>
    public override string ToString() => IsAssumed ? $"giả định: {Reason}" : Words is { Length: > 0 } w ? $"theo kế hoạch: \"{w}\"" : "theo kế hoạch";
}

/// <summary>The sources of an indicator's lead, coordinators and target; a missing entry is unmarked.</summary>
public sealed record IndicatorProvenance
{
    public Provenance? Lead { get; init; }
    public Provenance? Coordinators { get; init; }
    public Provenance? Target { get; init; }

    [JsonIgnore]
    public IEnumerable<(string Field, Provenance Value)> Entries =>
        new (string, Provenance?)[] { ("lead", Lead), ("coordinators", Coordinators), ("target", Target) }
            .Where(e => e.Item2 is not null).Select(e => (e.Item1, e.Item2!));
}

/// <summary>The sources of a task's lead, coordinators and timeframe; a missing entry is unmarked.</summary>
public sealed record TaskProvenance
{
    public Provenance? Lead { get; init; }
    public Provenance? Coordinators { get; init; }
    public Provenance? Timeframe { get; init; }

    [JsonIgnore]
    public IEnumerable<(string Field, Provenance Value)> Entries =>
        new (string, Provenance?)[] { ("lead", Lead), ("coordinators", Coordinators), ("timeframe", Timeframe) }
            .Where(e => e.Item2 is not null).Select(e => (e.Item1, e.Item2!));
}

/// <summary>A budget line (kinh phí, triệu đồng; nguồn vốn).</summary>
public sealed record BudgetLine
{
    public required string Item { get; init; }
    public required decimal AmountMillionVnd { get; init; }
    public required string Source { get; init; }
    public string? Note { get; init; }
}

/// <summary>A baseline figure the plan states, with the percentage it prints beside the count, if any.</summary>
public sealed record BaselineStatistic
{
    public required string Code { get; init; }
    public required string Name { get; init; }
    public required decimal Value { get; init; }
    public string? Unit { get; init; }
    public string? Period { get; init; }
    /// <summary>Code of the statistic this one is a share of.</summary>
    public string? Of { get; init; }
    public decimal? StatedPercent { get; init; }
    public string? Note { get; init; }
}

public sealed record DeliverySettings
{
    /// <summary>"email" and/or "forward".</summary>
    public IReadOnlyList<string> Channels { get; init; } = [];

    /// <summary>
    /// Who is told that a report will be late because it awaits approval (with `approval: required`), once per report when
    /// the send time holds it: <see cref="LateNoticeRecipients.HigherLevel"/> (the plan's higherLevel.email) or an email
    /// address. Absent: nobody is told.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? LateNotice { get; init; }
}

/// <summary>The values of a plan's <c>delivery.lateNotice</c>, and the addresses they stand for.</summary>
public static class LateNoticeRecipients
{
    /// <summary>The level above that receives the report: the plan's <c>higherLevel.email</c>, by its <c>higherLevel.name</c>.</summary>
    public const string HigherLevel = "higherLevel";

    /// <summary>Null when <paramref name="value"/> is <see cref="HigherLevel"/> or an email address; else what was expected.</summary>
    public static string? Problem(string value) =>
        value == HigherLevel || IsAddress(value) ? null
        : $"expected \"{HigherLevel}\" (the plan's higherLevel.email) or an email address such as vanphong@so-khcn.example, got \"{value}\"";

    /// <summary>Whom the plan tells, each address once (case-insensitive), in the plan's order; the name is the higher level's when it is its address.</summary>
    public static IReadOnlyList<(string? Name, string Email)> For(Plan plan) => For(plan.Delivery, plan.HigherLevel);

    /// <summary>The same for any sender's delivery settings (a plan's, or a higher body's) and the level above it.</summary>
    public static IReadOnlyList<(string? Name, string Email)> For(DeliverySettings? delivery, HigherLevel higher) =>
        (delivery?.LateNotice ?? [])
            .Select(v => v == HigherLevel ? higher.Email : v.Trim())
            .Where(IsAddress)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(e => (string.Equals(e, higher.Email, StringComparison.OrdinalIgnoreCase) ? higher.Name : (string?)null, e))
            .ToList();

    private static bool IsAddress(string value)
    {
        var at = value.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == value.LastIndexOf('@') && at < value.Length - 1 && value.IndexOf('.', at) > at + 1 && !value.Any(char.IsWhiteSpace);
    }
}
