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
    /// <summary>The register's number of the issued report ("07/BC-UBND"); null from a hub that does not number.</summary>
    public string? Number { get; init; }
    /// <summary>The issued report as the signed PDF (base64 in JSON), the original in law; null from a hub that does not sign.</summary>
    public byte[]? SignedPdf { get; init; }
}
