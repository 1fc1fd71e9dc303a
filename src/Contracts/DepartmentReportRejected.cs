namespace ChuyenDoiSo.Contracts;

/// <summary>Sent back when an update cannot be accepted: every reason, each naming the field.</summary>
public sealed record DepartmentReportRejected
{
    public Guid MessageId { get; init; }
    public string? PlanId { get; init; }
    public string? Department { get; init; }
    public string? Period { get; init; }
    public DateTimeOffset RejectedAt { get; init; }
    public IReadOnlyList<RejectionReason> Reasons { get; init; } = [];
}

/// <summary>One reason: a stable code (unknown_department, period_not_in_calendar…), the JSON path of the field, and a sentence.</summary>
public sealed record RejectionReason(string Code, string Field, string Message);
