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
    public required Signer Signer { get; init; }
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
    public IReadOnlyList<string> Notes { get; init; } = [];

    public Department? FindDepartment(string code) => Departments.FirstOrDefault(d => d.Code == code);
    public Indicator? FindIndicator(string code) => Indicators.FirstOrDefault(i => i.Code == code);
    public PlanTask? FindTask(string code) => Tasks.FirstOrDefault(t => t.Code == code);
    public CalendarSettings EffectiveCalendar => Calendar ?? CalendarSettings.Default;
    public IReadOnlyList<string> Channels => Delivery?.Channels is { Count: > 0 } c ? c : ["email"];
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

/// <summary>The signature block: "KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH" / name.</summary>
public sealed record Signer
{
    public required string Authority { get; init; }
    public required string Title { get; init; }
    public required string Name { get; init; }
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
}
