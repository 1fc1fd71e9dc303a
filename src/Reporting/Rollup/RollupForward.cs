using System.Text.Json;
using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Render;

namespace ChuyenDoiSo.Reporting.Rollup;

/// <summary>
/// A roll-up as the next level up receives it: in the commune report JSON format (JsonReportRenderer.ReportJson), with
/// the catalogue keys as indicator codes and the summed counts as numerator and denominator, so a province's hub rolls
/// up its districts with the same consumer, store and compiler as a district rolls up its communes. Pure.
/// </summary>
public static class RollupForward
{
    public static JsonReportRenderer.ReportJson ToReportJson(RollupReport report)
    {
        var period = report.Period.Communes;
        var indicators = report.Indicators
            .Where(i => i.Value is not null)
            .Select(i => new JsonReportRenderer.IndicatorJson(
                i.Indicator.Key, i.Indicator.Group, i.Indicator.Name, i.Indicator.Unit,
                // A body sets no target of its own; the next level judges its communes against theirs.
                null, i.Value, null, JsonReportRenderer.AchievedLabel(Achievement.NotReported), report.Body.Id, i.Numerator, i.Denominator))
            .ToList();
        var submissions = report.Communes
            .Select(c => new JsonReportRenderer.SubmissionJson(c.CommuneId, c.Status, c.FirstReceivedAt, Expected: true))
            .ToList();
        var narratives = report.Narratives
            .Select(n => new JsonReportRenderer.NarrativeJson(n.Section, n.CommuneId, $"{n.Commune}: {n.Text}"))
            .ToList();
        return new JsonReportRenderer.ReportJson(report.Body.Id, report.Body.Name, period.Period, period.Kind.ToLabel(),
            period.WindowStart, period.CutOff, period.DueDate, report.Period.DueDate, indicators, [], submissions, [], report.Warnings, narratives);
    }

    public static string Render(RollupReport report) => JsonSerializer.Serialize(ToReportJson(report), PlanJson.Indented);
}
