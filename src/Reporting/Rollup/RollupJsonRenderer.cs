using System.Text.Json;
using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Render;

namespace ChuyenDoiSo.Reporting.Rollup;

/// <summary>The roll-up as JSON: what `compile --level higher --format json` prints.</summary>
public static class RollupJsonRenderer
{
    public sealed record RollupJson(
        string BodyId,
        string Body,
        string Period,
        string Kind,
        DateOnly WindowStart,
        DateOnly CutOff,
        DateOnly CommunesDueDate,
        DateOnly DueDate,
        CountsJson Counts,
        IReadOnlyList<IndicatorJson> Indicators,
        IReadOnlyList<CommuneJson> Communes,
        IReadOnlyList<CommuneNarrative> Narratives,
        IReadOnlyList<ReportWarning> Warnings);

    public sealed record CountsJson(int Expected, int OnTime, int Late, int Missing);

    public sealed record IndicatorJson(
        string Key, string Name, string Unit, string Aggregation, string Group,
        decimal? Value, decimal? Numerator, decimal? Denominator,
        int Mapped, int Reporting, int Met,
        IReadOnlyList<string> NotMet, IReadOnlyList<string> WithoutCounts,
        IReadOnlyList<ValueJson> Communes);

    public sealed record ValueJson(string CommuneId, string Commune, string Code, JsonReportRenderer.TargetJson? Target, decimal? Value, decimal? Numerator, decimal? Denominator, string Achieved);

    public sealed record CommuneJson(string CommuneId, string Commune, string Status, DateTimeOffset? FirstReceivedAt, DateTimeOffset? ReceivedAt, int Sends);

    public static RollupJson ToJson(RollupReport report)
    {
        int Count(string status) => report.Communes.Count(c => c.Status == status);
        return new RollupJson(
            report.Body.Id,
            report.Body.Name,
            report.Period.Period,
            report.Period.Communes.Kind.ToLabel(),
            report.Period.Communes.WindowStart,
            report.Period.Communes.CutOff,
            report.Period.Communes.AdjustedDueDate,
            report.Period.DueDate,
            new CountsJson(report.Communes.Count, Count(SubmissionStatus.OnTime), Count(SubmissionStatus.Late), Count(SubmissionStatus.Missing)),
            report.Indicators.Select(i => new IndicatorJson(
                i.Indicator.Key, i.Indicator.Name, i.Indicator.Unit, i.Indicator.Aggregation, i.Indicator.Group,
                i.Value, i.Numerator, i.Denominator, i.Mapped, i.Reporting, i.Met,
                i.NotMet.Select(v => v.CommuneId).ToList(), i.WithoutCounts.Select(v => v.CommuneId).ToList(),
                i.Values.Select(v => new ValueJson(v.CommuneId, v.Commune, v.Code, v.Target, v.Value, v.Numerator, v.Denominator, JsonReportRenderer.AchievedLabel(v.Achieved))).ToList())).ToList(),
            report.Communes.Select(c => new CommuneJson(c.CommuneId, c.Commune, c.Status, c.FirstReceivedAt, c.ReceivedAt, c.Sends)).ToList(),
            report.Narratives,
            report.Warnings);
    }

    public static string Render(RollupReport report) => JsonSerializer.Serialize(ToJson(report), PlanJson.Indented);
}
