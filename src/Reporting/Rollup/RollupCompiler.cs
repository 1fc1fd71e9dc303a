using ChuyenDoiSo.Reporting.Calendar;
using System.Text.Json;
using System.Text.Json.Serialization;
using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Render;
using ChuyenDoiSo.Reporting.Storage;

namespace ChuyenDoiSo.Reporting.Rollup;

/// <summary>
/// Rolls up the communes' compiled reports for one period. A pure function of the catalogue, the body, the expected
/// communes and the stored reports: rates come from summed counts, never from averaging the communes' rates.
/// </summary>
public static class RollupCompiler
{
    /// <summary>Reads a commune's report JSON; fields a newer commune hub adds are ignored rather than refused.</summary>
    public static readonly JsonSerializerOptions ReportOptions = new(PlanJson.Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip };

    public static JsonReportRenderer.ReportJson? ParseReport(string json) => JsonSerializer.Deserialize<JsonReportRenderer.ReportJson>(json, ReportOptions);

    /// <summary>On time when the first copy arrived by the communes' adjusted due date (local day), late after, missing without one.</summary>
    public static string StatusOf(StoredCommuneReport? stored, RollupPeriod period) => stored is null
        ? SubmissionStatus.Missing
        : HubTime.LocalDate(stored.FirstReceivedAt) <= period.Communes.AdjustedDueDate ? SubmissionStatus.OnTime : SubmissionStatus.Late;

    public static RollupReport Compile(IndicatorCatalogue catalogue, HigherBody body, RollupPeriod period, IReadOnlyList<ExpectedCommune> expected, IReadOnlyList<StoredCommuneReport> reports)
    {
        var warnings = new List<ReportWarning>();
        var stored = new Dictionary<string, (StoredCommuneReport Stored, JsonReportRenderer.ReportJson? Report)>(StringComparer.Ordinal);
        var expectedIds = expected.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var report in reports)
        {
            if (!expectedIds.Contains(report.CommuneId))
            {
                warnings.Add(new ReportWarning("unexpected_commune", $"Báo cáo của {report.CommuneId} không thuộc danh sách xã phải báo cáo: không đưa vào tổng hợp."));
                continue;
            }
            JsonReportRenderer.ReportJson? parsed = null;
            try
            {
                parsed = ParseReport(report.ReportJson);
            }
            catch (JsonException e)
            {
                warnings.Add(new ReportWarning("unreadable_report", $"Báo cáo của {report.CommuneId} không đọc được ({e.Message}): không đưa vào tổng hợp."));
            }
            stored[report.CommuneId] = (report, parsed);
        }

        var names = expected.ToDictionary(e => e.Id, e => stored.TryGetValue(e.Id, out var s) && s.Report is { Commune.Length: > 0 } r ? r.Commune : e.Name, StringComparer.Ordinal);

        var communes = new List<CommuneSubmission>(expected.Count);
        foreach (var commune in expected)
        {
            if (stored.TryGetValue(commune.Id, out var s))
                communes.Add(new CommuneSubmission(commune.Id, names[commune.Id], StatusOf(s.Stored, period), s.Stored.FirstReceivedAt, s.Stored.ReceivedAt, s.Stored.Sends));
            else
                communes.Add(new CommuneSubmission(commune.Id, names[commune.Id], StatusOf(null, period), null, null, 0));
        }

        // Every commune's values, under the catalogue key its plan maps the code to; unmapped codes stay out, counted per plan and code.
        var byKey = catalogue.Indicators.ToDictionary(i => i.Key, _ => new List<CommuneValue>(), StringComparer.Ordinal);
        // Plan and code → name, communes reporting it, and when first seen (the plan's order, as the reports list it).
        var unmapped = new Dictionary<(string Plan, string Code), (string Name, int Communes, int Order)>();
        var withoutMappings = new List<string>();
        var narratives = new List<CommuneNarrative>();
        foreach (var commune in expected)
        {
            if (!stored.TryGetValue(commune.Id, out var s) || s.Report is null) continue;
            var basePlan = HigherBody.BasePlanId(commune.Id);
            if (!catalogue.HasMappings(basePlan) && !s.Report.Indicators.Any(i => catalogue.Find(i.Code) is not null)) withoutMappings.Add(names[commune.Id]);
            foreach (var indicator in s.Report.Indicators)
            {
                // A lower body's forwarded roll-up (RollupForward) reports under the catalogue's keys themselves.
                var key = catalogue.KeyFor(basePlan, indicator.Code) ?? (catalogue.HasMappings(basePlan) ? null : catalogue.Find(indicator.Code)?.Key);
                if (key is null || !byKey.TryGetValue(key, out var values))
                {
                    if (catalogue.HasMappings(basePlan))
                    {
                        var entry = unmapped.GetValueOrDefault((basePlan, indicator.Code), (Name: indicator.Name, Communes: 0, Order: unmapped.Count));
                        unmapped[(basePlan, indicator.Code)] = (entry.Name, entry.Communes + 1, entry.Order);
                    }
                    continue;
                }
                values.Add(new CommuneValue(commune.Id, names[commune.Id], indicator.Code, indicator.Value, indicator.Numerator, indicator.Denominator, indicator.Target, Judge(indicator)));
            }
            // The commune office's own words (edited at its review) first, then its departments'.
            foreach (var section in new[] { "difficulties", "proposals" })
                foreach (var text in (s.Report.CommuneSections ?? []).Where(c => c.Section == section).Select(c => c.Text)
                             .Concat(s.Report.Narratives.Where(n => n.Section == section).Select(n => n.Text))
                             .Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal))
                    narratives.Add(new CommuneNarrative(commune.Id, names[commune.Id], section, text));
        }

        var mappedCount = catalogue.Indicators.ToDictionary(
            i => i.Key,
            i => expected.Count(e => catalogue.MappingsFor(HigherBody.BasePlanId(e.Id)).Values.Contains(i.Key, StringComparer.Ordinal)),
            StringComparer.Ordinal);
        var indicators = new List<RollupIndicator>(catalogue.Indicators.Count);
        foreach (var indicator in catalogue.Indicators)
        {
            var values = byKey[indicator.Key];
            decimal? value = null, numerator = null, denominator = null;
            IReadOnlyList<CommuneValue> withoutCounts = [];
            switch (indicator.EffectiveAggregation)
            {
                case Aggregation.Ratio:
                    var counted = values.Where(v => v.Numerator is not null && v.Denominator is not null).ToList();
                    withoutCounts = values.Where(v => v.Value is not null && (v.Numerator is null || v.Denominator is null)).ToList();
                    if (counted.Count > 0)
                    {
                        numerator = counted.Sum(v => v.Numerator!.Value);
                        denominator = counted.Sum(v => v.Denominator!.Value);
                        value = denominator == 0 ? null : Math.Round(numerator.Value / denominator.Value * 100m, 2);
                    }
                    break;
                default:
                    // sum: flows add up; latest: each commune's latest value is a stock, and stocks add up across communes.
                    var reported = values.Where(v => v.Value is not null).ToList();
                    if (reported.Count > 0) value = reported.Sum(v => v.Value!.Value);
                    break;
            }
            // A lower body's roll-up maps every key it reports.
            var mapped = mappedCount[indicator.Key] + values.Count(v => !catalogue.HasMappings(HigherBody.BasePlanId(v.CommuneId)));
            indicators.Add(new RollupIndicator(indicator, values, value, numerator, denominator, mapped, withoutCounts));
        }

        // One footnote for every rate sent without its counts; each indicator's row says how many communes it leaves out.
        var uncounted = indicators.Where(i => i.WithoutCounts.Count > 0).ToList();
        if (uncounted.Count > 0)
        {
            var communesWithout = uncounted.SelectMany(i => i.WithoutCounts).Select(v => v.Commune).Distinct(StringComparer.Ordinal).ToList();
            warnings.Add(new ReportWarning("rate_without_counts",
                $"{communesWithout.Count} xã chỉ báo cáo tỷ lệ, không kèm số liệu (tử số, mẫu số) ở {uncounted.Count} chỉ tiêu ({List(communesWithout)}): " +
                "các tỷ lệ này được liệt kê theo từng xã nhưng không đưa vào tỷ lệ chung, vì tỷ lệ chung tính từ tổng số liệu của các xã, không lấy bình quân các tỷ lệ."));
        }
        // One warning per plan, not per code: a province's report must stay readable with hundreds of communes.
        foreach (var plan in unmapped.GroupBy(u => u.Key.Plan).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var codes = plan.OrderBy(u => u.Value.Order).ToList();
            var listed = codes.Count == 1 ? $"chỉ tiêu {codes[0].Key.Code} (“{Shorten(codes[0].Value.Name)}”)" : $"{codes.Count} chỉ tiêu {string.Join(", ", codes.Select(c => c.Key.Code))}";
            warnings.Add(new ReportWarning("unmapped_indicator",
                $"Kế hoạch {plan.Key} ({codes.Max(c => c.Value.Communes)} xã): {listed} chưa có mã trong danh mục chỉ tiêu dùng chung, không đưa vào tổng hợp."));
        }
        if (withoutMappings.Count > 0)
            warnings.Add(new ReportWarning("plan_unmapped", $"Kế hoạch của {withoutMappings.Count} xã chưa được ánh xạ vào danh mục chỉ tiêu ({List(withoutMappings)}): chỉ tiêu của các xã này không được tổng hợp."));
        var missing = communes.Where(c => c.Status == SubmissionStatus.Missing).ToList();
        if (missing.Count > 0)
            warnings.Add(new ReportWarning("commune_missing", $"{missing.Count}/{communes.Count} xã chưa gửi báo cáo {period.Communes.Kind.ToVietnamese(period.Period, period.Communes.Year)}: {List(missing.Select(m => m.Commune))}."));

        return new RollupReport
        {
            Body = body,
            Period = period,
            Indicators = indicators,
            Communes = communes,
            Narratives = narratives,
            Warnings = warnings,
        };
    }

    /// <summary>Against the commune's own target as it sent it; its own verdict when the target cannot be read.</summary>
    private static Achievement Judge(JsonReportRenderer.IndicatorJson indicator)
    {
        if (indicator.Value is null) return Achievement.NotReported;
        if (indicator.Target is { } t && IndicatorTarget.Ops.Contains(t.Op) && (t.Op == "done" || t.Value is not null))
            return new IndicatorTarget { Op = t.Op, Value = t.Value }.IsMetBy(indicator.Value.Value) ? Achievement.Yes : Achievement.No;
        return indicator.Achieved switch
        {
            "yes" => Achievement.Yes,
            "no" => Achievement.No,
            _ => Achievement.NotReported,
        };
    }

    /// <summary>At most 20 names, then how many more: a province's warning must stay readable with 1,000 communes.</summary>
    private static string List(IEnumerable<string> items)
    {
        var all = items.ToList();
        return all.Count <= 20 ? string.Join(", ", all) : $"{string.Join(", ", all.Take(20))} và {all.Count - 20} xã khác";
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77].TrimEnd() + "…";
}
