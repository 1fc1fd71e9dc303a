namespace ChuyenDoiSo.Contracts;

/// <summary>
/// A department's progress update for one reporting period (báo cáo định kỳ của bộ phận).
/// Published by departments to the hub's exchange; JSON on the wire, camelCase.
/// The namespace is part of MassTransit's message identity: never move this type.
/// </summary>
public sealed record DepartmentReportSubmitted
{
    public Guid MessageId { get; init; }
    public string PlanId { get; init; } = "";
    /// <summary>Department code as the plan names it. On RabbitMQ the broker-validated user decides, not this field.</summary>
    public string Department { get; init; } = "";
    /// <summary>Period label: YYYY-MM, YYYY-Q1, YYYY-H1, YYYY-9M or YYYY-FY.</summary>
    public string Period { get; init; } = "";
    /// <summary>What the sender claims; timeliness is judged by when the hub received it.</summary>
    public DateTimeOffset? SubmittedAt { get; init; }
    public string? SubmittedBy { get; init; }
    public IReadOnlyList<IndicatorValue> Indicators { get; init; } = [];
    public IReadOnlyList<TaskProgress> Tasks { get; init; } = [];
    public IReadOnlyList<StatisticValue> Statistics { get; init; } = [];
    public Narrative? Narrative { get; init; }
}

/// <summary>An indicator (chỉ tiêu) value: either <see cref="Value"/> or <see cref="Numerator"/> and <see cref="Denominator"/>.</summary>
public sealed record IndicatorValue
{
    public string Code { get; init; } = "";
    public decimal? Value { get; init; }
    public decimal? Numerator { get; init; }
    public decimal? Denominator { get; init; }
}

/// <summary>Progress of a task (nhiệm vụ). Status: not_started, in_progress or done.</summary>
public sealed record TaskProgress
{
    public string Code { get; init; } = "";
    public string Status { get; init; } = "";
    public decimal? Progress { get; init; }
    public string? Note { get; init; }
}

/// <summary>A statistic for the period, e.g. dossiers_received (hồ sơ tiếp nhận).</summary>
public sealed record StatisticValue
{
    public string Code { get; init; } = "";
    public decimal? Value { get; init; }
}

/// <summary>The narrative sections: results (kết quả), difficulties (khó khăn, vướng mắc), proposals (kiến nghị, đề xuất).</summary>
public sealed record Narrative
{
    public string? Results { get; init; }
    public string? Difficulties { get; init; }
    public string? Proposals { get; init; }
}
