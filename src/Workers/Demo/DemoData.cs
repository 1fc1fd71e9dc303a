using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Storage;

namespace ChuyenDoiSo.Workers.Demo;

/// <summary>A generated update with the instant the hub should record as its arrival.</summary>
public sealed record DemoUpdate(DepartmentReportSubmitted Message, DateTimeOffset ReceivedAt, string Kind);

/// <summary>
/// Realistic updates from every department for every period of a plan's year, deterministic from a seed:
/// most on time, some late, some missing, a few invalid, a few corrected later and a few sent twice.
/// </summary>
public static class DemoData
{
    public static IReadOnlyList<DemoUpdate> Generate(PlanCatalog catalog, Plan plan, int seed)
    {
        // HashCode.Combine differs per process; the demo must give the same updates on every run.
        var random = new Random(unchecked(seed * 31 + StableHash(plan.Id)));
        var updates = new List<DemoUpdate>();
        var calendar = catalog.CalendarFor(plan);
        var reporting = plan.Departments
            .Where(d => plan.Indicators.Any(i => i.IsReportableBy(d.Code)) || plan.Tasks.Any(t => t.Lead == d.Code))
            .ToList();
        var counter = 0;
        for (var p = 0; p < calendar.Count; p++)
        {
            var period = calendar[p];
            var progress = (p + 1m) / calendar.Count;
            foreach (var department in reporting)
            {
                var roll = random.NextDouble();
                if (roll < 0.07) continue; // silent this period
                var late = roll > 0.85;
                var day = late ? period.DepartmentDueDate.AddDays(random.Next(1, 6)) : period.DepartmentDueDate.AddDays(-random.Next(0, 5));
                var receivedAt = HubTime.At(day, new TimeOnly(random.Next(7, 17), random.Next(0, 60)));
                var message = Message(plan, period, department, progress, random, receivedAt, ++counter, seed);
                var kind = late ? "late" : "on_time";
                var invalid = random.NextDouble();
                if (invalid < 0.02)
                {
                    message = message with { Indicators = [.. message.Indicators, new IndicatorValue { Code = "99.9", Value = 1 }] };
                    kind = "invalid";
                }
                else if (invalid < 0.035 && message.Indicators.FirstOrDefault(i => plan.FindIndicator(i.Code)!.IsPercentage) is { } pct)
                {
                    message = message with { Indicators = message.Indicators.Select(i => i == pct ? new IndicatorValue { Code = i.Code, Numerator = 5, Denominator = 0 } : i).ToList() };
                    kind = "invalid";
                }
                updates.Add(new DemoUpdate(message, receivedAt, kind));

                var extra = random.NextDouble();
                if (extra < 0.04 && kind != "invalid")
                    updates.Add(new DemoUpdate(message, receivedAt.AddMinutes(5), "duplicate"));
                else if (extra < 0.08 && kind != "invalid")
                {
                    var corrected = Message(plan, period, department, progress, random, receivedAt.AddDays(1), ++counter, seed);
                    updates.Add(new DemoUpdate(corrected with { Narrative = corrected.Narrative! with { Results = "Cập nhật, điều chỉnh số liệu báo cáo trước. " + corrected.Narrative.Results } }, receivedAt.AddDays(1), "correction"));
                }
            }
        }
        return updates;
    }

    private static DepartmentReportSubmitted Message(Plan plan, ReportingPeriod period, Department department, decimal progress, Random random, DateTimeOffset at, int counter, int seed)
    {
        var indicators = new List<IndicatorValue>();
        foreach (var indicator in plan.Indicators.Where(i => i.Lead == department.Code))
        {
            var target = indicator.Target.Value ?? 100m;
            if (indicator.Target.Op == "done")
            {
                indicators.Add(new IndicatorValue { Code = indicator.Code, Value = progress >= 0.75m && random.NextDouble() < 0.8 ? 100 : Math.Round(progress * 100m) });
            }
            else if (indicator.IsPercentage && indicator.EffectiveAggregation == Aggregation.Ratio)
            {
                var denominator = random.Next(20, 300);
                var lowerIsBetter = indicator.Target.Op is "<=" or "<";
                var rate = lowerIsBetter
                    ? (double)target * (1.6 - (double)progress) * (0.6 + random.NextDouble() * 0.5)
                    : (double)target * (0.55 + (double)progress * 0.5) * (0.85 + random.NextDouble() * 0.2);
                var numerator = (int)Math.Clamp(Math.Round(denominator * Math.Clamp(rate, 0, 100) / 100), 0, denominator);
                indicators.Add(new IndicatorValue { Code = indicator.Code, Numerator = numerator, Denominator = denominator });
            }
            else if (indicator.EffectiveAggregation == Aggregation.Sum)
            {
                indicators.Add(new IndicatorValue { Code = indicator.Code, Value = Math.Round(target / 12m * (decimal)(0.7 + random.NextDouble() * 0.6), 0) });
            }
            else
            {
                indicators.Add(new IndicatorValue { Code = indicator.Code, Value = Math.Round(target * (0.5m + progress * 0.55m), 1) });
            }
        }
        var tasks = plan.Tasks.Where(t => t.Lead == department.Code)
            .Where(t => TimeframeParser.Parse(t.Timeframe, plan.Year).Overlaps(period.WindowStart, period.CutOff))
            .Select(t =>
            {
                var p = Math.Clamp(Math.Round(progress * 100m * (decimal)(0.8 + random.NextDouble() * 0.4)), 0, 100);
                return new TaskProgress { Code = t.Code, Status = p >= 100 ? "done" : p <= 5 ? "not_started" : "in_progress", Progress = p, Note = p >= 100 ? "Đã hoàn thành theo kế hoạch." : null };
            })
            .ToList();
        var statistics = new List<StatisticValue>();
        if (plan.Indicators.Count > 0 && department.Code == plan.Indicators[0].Lead)
        {
            var received = random.Next(60, 200);
            var resolved = received - random.Next(0, 10);
            statistics.Add(new StatisticValue { Code = "dossiers_received", Value = received });
            statistics.Add(new StatisticValue { Code = "dossiers_resolved", Value = resolved });
            statistics.Add(new StatisticValue { Code = "dossiers_overdue", Value = random.Next(0, 3) });
        }
        return new DepartmentReportSubmitted
        {
            MessageId = DeterministicGuid(seed, plan.Id, counter),
            PlanId = plan.Id,
            Department = department.Code,
            Period = period.Period,
            SubmittedAt = HubTime.LocalDateTime(at),
            SubmittedBy = $"Cán bộ {department.Name}",
            Indicators = indicators,
            Tasks = tasks,
            Statistics = statistics,
            Narrative = new Narrative
            {
                Results = $"{department.Name} triển khai các nhiệm vụ chuyển đổi số kỳ {period.Period} theo kế hoạch; tiếp tục tuyên truyền, hướng dẫn người dân sử dụng dịch vụ công trực tuyến.",
                Difficulties = random.NextDouble() < 0.5 ? "Hạ tầng mạng tại một số thôn còn chập chờn; trang thiết bị phục vụ chuyển đổi số còn thiếu." : null,
                Proposals = random.NextDouble() < 0.3 ? "Đề nghị cấp trên hỗ trợ kinh phí tập huấn kỹ năng số cho Tổ công nghệ số cộng đồng." : null,
            },
        };
    }

    private static Guid DeterministicGuid(int seed, string planId, int counter)
    {
        var bytes = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{seed}|{planId}|{counter}"));
        return new Guid(bytes.AsSpan(0, 16));
    }

    private static int StableHash(string s)
    {
        var h = 17;
        foreach (var c in s) h = unchecked(h * 31 + c);
        return h;
    }
}
