using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Render;

namespace ChuyenDoiSo.Reporting.Rollup;

/// <summary>A commune the body expects, with the name to print when it has sent nothing.</summary>
public sealed record ExpectedCommune(string Id, string Name);

/// <summary>
/// A commune's current (latest compiled) report for a period as stored, with when its first copy arrived (timeliness)
/// and how many distinct reports it sent (a re-send replaces the earlier one and is counted once).
/// </summary>
public sealed record StoredCommuneReport(string CommuneId, string ReportJson, DateTimeOffset FirstReceivedAt, DateTimeOffset ReceivedAt, int Sends);

/// <summary>
/// The roll-up (báo cáo tổng hợp) of a higher body for one period: per catalogue indicator the communes' values and the
/// figure over all of them, per commune on time / late / missing, and the difficulties and proposals gathered. Pure value.
/// </summary>
public sealed record RollupReport
{
    public required HigherBody Body { get; init; }
    public required RollupPeriod Period { get; init; }
    public required IReadOnlyList<RollupIndicator> Indicators { get; init; }
    public required IReadOnlyList<CommuneSubmission> Communes { get; init; }
    public required IReadOnlyList<CommuneNarrative> Narratives { get; init; }
    public required IReadOnlyList<ReportWarning> Warnings { get; init; }
}

/// <summary>
/// One catalogue indicator over all communes. For a ratio, <see cref="Value"/> is the summed numerators over the summed
/// denominators of the communes that sent counts; a commune that sent only a rate is listed in <see cref="WithoutCounts"/>
/// and kept out of the figure. For sum and latest, the communes' values added up.
/// </summary>
public sealed record RollupIndicator(
    CatalogueIndicator Indicator,
    IReadOnlyList<CommuneValue> Values,
    decimal? Value,
    decimal? Numerator,
    decimal? Denominator,
    int Mapped,
    IReadOnlyList<CommuneValue> WithoutCounts)
{
    public int Reporting => Values.Count(v => v.Value is not null);
    public int Met => Values.Count(v => v.Achieved == Achievement.Yes);
    public IReadOnlyList<CommuneValue> NotMet => Values.Where(v => v.Achieved == Achievement.No).ToList();
}

/// <summary>One commune's value of a catalogue indicator, under its own plan's code and against its own target.</summary>
public sealed record CommuneValue(
    string CommuneId,
    string Commune,
    string Code,
    decimal? Value,
    decimal? Numerator,
    decimal? Denominator,
    JsonReportRenderer.TargetJson? Target,
    Achievement Achieved);

/// <summary>A commune's report for the period: on_time, late or missing, judged by the first copy's arrival against the communes' due date.</summary>
public sealed record CommuneSubmission(string CommuneId, string Commune, string Status, DateTimeOffset? FirstReceivedAt, DateTimeOffset? ReceivedAt, int Sends);

/// <summary>A difficulty or proposal a commune reported (section "difficulties" or "proposals").</summary>
public sealed record CommuneNarrative(string CommuneId, string Commune, string Section, string Text);
