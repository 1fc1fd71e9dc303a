namespace ChuyenDoiSo.Contracts;

/// <summary>
/// A commune's compiled report, forwarded to the higher-level hub (báo cáo gửi cấp trên).
/// <see cref="ReportJson"/> is the compiled report in the hub's JSON report format.
/// </summary>
public sealed record CommuneReportSubmitted
{
    public Guid MessageId { get; init; }
    public string PlanId { get; init; } = "";
    public string Commune { get; init; } = "";
    public string Period { get; init; } = "";
    public string Kind { get; init; } = "";
    public DateTimeOffset CompiledAt { get; init; }
    public string ReportJson { get; init; } = "";
}
