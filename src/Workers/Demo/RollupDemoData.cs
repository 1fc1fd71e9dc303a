using System.Text.Json;
using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Render;
using ChuyenDoiSo.Reporting.Rollup;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Deliver;

namespace ChuyenDoiSo.Workers.Demo;

/// <summary>A commune report as a commune's hub would forward it, with the instant the higher hub should record as its arrival.</summary>
public sealed record DemoCommuneReport(CommuneReportSubmitted Message, DateTimeOffset ReceivedAt, string Kind);

/// <summary>
/// A year of forwarded reports from simulated communes, deterministic from a seed. Each commune reports with its base
/// plan's indicators and targets (HigherBody.BasePlanId): most on time, some late, some missing, a few re-sent with
/// corrections (same message id, compiled later, as the commune hub's forwarder does), a few delivered twice, and a few
/// communes that keep paper habits and send rates without the counts behind them.
/// </summary>
public static class RollupDemoData
{
    private static readonly string[] Difficulties =
    [
        "Hạ tầng mạng tại một số thôn còn chập chờn, chưa đáp ứng yêu cầu xử lý hồ sơ trực tuyến.",
        "Trang thiết bị phục vụ chuyển đổi số còn thiếu, nhiều máy tính đã cũ.",
        "Người dân lớn tuổi còn ngại sử dụng dịch vụ công trực tuyến.",
        "Cán bộ kiêm nhiệm nhiều việc, chưa có cán bộ chuyên trách công nghệ thông tin.",
        "Kinh phí bố trí cho chuyển đổi số còn hạn chế.",
    ];

    private static readonly string[] Proposals =
    [
        "Đề nghị tỉnh hỗ trợ kinh phí nâng cấp đường truyền và trang thiết bị cho bộ phận một cửa.",
        "Đề nghị tổ chức tập huấn kỹ năng số cho Tổ công nghệ số cộng đồng.",
        "Đề nghị hoàn thiện kết nối, chia sẻ dữ liệu giữa các hệ thống dùng chung của tỉnh.",
    ];

    public static IReadOnlyList<DemoCommuneReport> Generate(PlanCatalog plans, RollupSetup setup, int seed)
    {
        var reports = new List<DemoCommuneReport>();
        var calendar = setup.Calendar;
        foreach (var commune in setup.Communes)
        {
            var plan = plans.Find(HigherBody.BasePlanId(commune.Id)) ?? throw new InvalidOperationException($"no base plan for {commune.Id}");
            var random = new Random(unchecked(seed * 31 + StableHash(commune.Id)));
            // A commune's size and diligence stay with it all year: large communes weigh more in a ratio from counts.
            var size = 0.3 + random.NextDouble() * 3;
            var skill = 0.8 + random.NextDouble() * 0.35;
            var withoutCounts = random.NextDouble() < 0.06;
            for (var p = 0; p < calendar.Count; p++)
            {
                var period = calendar[p];
                var progress = (p + 1m) / calendar.Count;
                var roll = random.NextDouble();
                if (roll < 0.05) continue; // missing this period
                var late = roll > 0.88;
                var day = late ? period.Communes.AdjustedDueDate.AddDays(random.Next(1, 7)) : period.Communes.AdjustedDueDate.AddDays(-random.Next(0, 3));
                var receivedAt = HubTime.At(day, new TimeOnly(17, random.Next(0, 50)));
                var json = ReportJson(plan, commune, period.Communes, progress, size, skill, withoutCounts, random);
                var message = new CommuneReportSubmitted
                {
                    MessageId = DeliveryService.ForwardMessageId(commune.Id, period.Period),
                    PlanId = commune.Id,
                    Commune = commune.Name,
                    Period = period.Period,
                    Kind = period.Communes.Kind.ToLabel(),
                    CompiledAt = receivedAt.AddMinutes(-1),
                    ReportJson = json,
                };
                reports.Add(new DemoCommuneReport(message, receivedAt, late ? "late" : "on_time"));
                var extra = random.NextDouble();
                if (extra < 0.03)
                    reports.Add(new DemoCommuneReport(message with { CompiledAt = message.CompiledAt.AddMinutes(30) }, receivedAt.AddMinutes(30), "duplicate"));
                else if (extra < 0.07)
                {
                    // A correction: recompiled two days later after a department's late update, under the same forward id.
                    var corrected = ReportJson(plan, commune, period.Communes, progress, size, skill, withoutCounts, random);
                    reports.Add(new DemoCommuneReport(message with { CompiledAt = receivedAt.AddDays(2), ReportJson = corrected }, receivedAt.AddDays(2), "resent"));
                }
            }
        }
        return reports;
    }

    /// <summary>A commune's compiled report in the JSON a commune hub forwards (JsonReportRenderer.ReportJson).</summary>
    public static string ReportJson(Plan plan, ExpectedCommune commune, ReportingPeriod period, decimal progress, double size, double skill, bool withoutCounts, Random random)
    {
        var indicators = new List<JsonReportRenderer.IndicatorJson>(plan.Indicators.Count);
        foreach (var indicator in plan.Indicators)
        {
            decimal? value = null, numerator = null, denominator = null;
            if (random.NextDouble() >= 0.04)
            {
                var target = indicator.Target.Value ?? 100m;
                if (indicator.Target.Op == "done")
                    value = progress >= 0.75m && random.NextDouble() < 0.8 ? 100 : Math.Round(progress * 100m);
                else if (indicator.IsPercentage && indicator.EffectiveAggregation == Aggregation.Ratio)
                {
                    var lowerIsBetter = indicator.Target.Op is "<=" or "<";
                    var rate = lowerIsBetter
                        ? (double)target * (1.6 - (double)progress) * (0.6 + random.NextDouble() * 0.5) / skill
                        : (double)target * (0.55 + (double)progress * 0.5) * skill * (0.9 + random.NextDouble() * 0.15);
                    rate = Math.Clamp(rate, 0, 100);
                    // Cumulative reports count over a longer window.
                    var den = (int)Math.Max(5, Math.Round(size * random.Next(40, 160) * (period.IsCumulative ? 3 : 1)));
                    var num = (int)Math.Round(den * rate / 100);
                    if (withoutCounts) value = Math.Round((decimal)rate, 1);
                    else
                    {
                        numerator = num;
                        denominator = den;
                        value = Math.Round(num * 100m / den, 2);
                    }
                }
                else if (indicator.EffectiveAggregation == Aggregation.Sum)
                    value = Math.Round(target / 12m * (decimal)(size * (0.7 + random.NextDouble() * 0.6)), 0);
                else
                    value = Math.Round(target * (0.5m + progress * 0.55m), 1);
            }
            var achieved = IndicatorAggregation.Judge(indicator.Target, value);
            indicators.Add(new JsonReportRenderer.IndicatorJson(indicator.Code, indicator.Group, indicator.Name, indicator.Unit,
                new JsonReportRenderer.TargetJson(indicator.Target.Op, indicator.Target.Value), value, null,
                JsonReportRenderer.AchievedLabel(achieved), indicator.Lead, numerator, denominator));
        }
        var narratives = new List<JsonReportRenderer.NarrativeJson>();
        var office = plan.Indicators.Count > 0 ? plan.Indicators[0].Lead : "VP";
        if (random.NextDouble() < 0.4) narratives.Add(new("difficulties", office, Difficulties[random.Next(Difficulties.Length)]));
        if (random.NextDouble() < 0.25) narratives.Add(new("proposals", office, Proposals[random.Next(Proposals.Length)]));
        var report = new JsonReportRenderer.ReportJson(commune.Id, commune.Name, period.Period, period.Kind.ToLabel(),
            period.WindowStart, period.CutOff, period.DueDate, period.AdjustedDueDate, indicators, [], [], [], [], narratives);
        return JsonSerializer.Serialize(report, PlanJson.Options);
    }

    private static int StableHash(string s)
    {
        var h = 17;
        foreach (var c in s) h = unchecked(h * 31 + c);
        return h;
    }
}
