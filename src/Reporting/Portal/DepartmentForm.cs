using System.Globalization;
using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Ingest;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Workbooks;

namespace ChuyenDoiSo.Reporting.Portal;

/// <summary>Whether the department leads (chủ trì) or coordinates (phối hợp) an item.</summary>
public enum FormRole
{
    Lead,
    Coordinator,
}

/// <summary>One indicator on the form: what it is, and the inputs pre-filled from the last update.</summary>
public sealed record FormIndicator(Indicator Indicator, FormRole Role, bool TakesCounts, string? Value, string? Numerator, string? Denominator, IndicatorValue? Last);

public sealed record FormTask(PlanTask Task, FormRole Role, string? Status, string? Progress, string? Note, TaskProgress? Last);

public sealed record FormStatistic(string Code, string Name, string? Value);

/// <summary>
/// The portal's form for one department and one period (biểu mẫu báo cáo của bộ phận): exactly the items the validator
/// lets it report (<see cref="Indicator.IsReportableBy"/>, <see cref="PlanTask.IsReportableBy"/>), the same statistics
/// as its workbook, and the narrative, each pre-filled the way <see cref="DepartmentWorkbook.Write"/> pre-fills.
/// Field names are a contract between the page and <see cref="ToMessage"/>: ind.CODE.value|numerator|denominator,
/// task.CODE.status|progress|note, stat.CODE, narrative.results|difficulties|proposals.
/// </summary>
public sealed record DepartmentForm(
    Plan Plan,
    Department Department,
    ReportingPeriod Period,
    IReadOnlyList<FormIndicator> Indicators,
    IReadOnlyList<FormTask> Tasks,
    IReadOnlyList<FormStatistic> Statistics,
    string? Results,
    string? Difficulties,
    string? Proposals)
{
    public static readonly IReadOnlyList<(string Label, string Status)> Statuses = DepartmentWorkbook.Statuses;

    /// <summary>The form pre-filled from <paramref name="last"/> (the department's last stored update, for this period or an earlier one).</summary>
    public static DepartmentForm For(Plan plan, Department department, ReportingPeriod period, DepartmentReportSubmitted? last)
    {
        var same = last is not null && last.Period == period.Period;
        var indicators = plan.Indicators.Where(i => i.IsReportableBy(department.Code)).Select(i =>
        {
            var value = last?.Indicators.FirstOrDefault(v => v.Code == i.Code);
            // As the workbook: a correction of this period keeps everything; an earlier period carries stocks only.
            var carry = same || (value is not null && i.EffectiveAggregation == Aggregation.Latest && value.Numerator is null);
            return new FormIndicator(i, Role(i.Lead, department.Code), TakesCounts(i),
                carry ? Text(value?.Value) : null, same ? Text(value?.Numerator) : null, same ? Text(value?.Denominator) : null, value);
        }).ToList();
        var tasks = plan.Tasks.Where(t => t.IsReportableBy(department.Code)).Select(t =>
        {
            var progress = last?.Tasks.FirstOrDefault(p => p.Code == t.Code);
            return new FormTask(t, Role(t.Lead, department.Code), progress?.Status, Text(progress?.Progress), progress?.Note, progress);
        }).ToList();
        var codes = DepartmentWorkbook.CommonStatistics.Select(s => s.Code).Concat(same ? last!.Statistics.Select(s => s.Code) : []).Distinct(StringComparer.Ordinal);
        var statistics = codes.Select(code => new FormStatistic(code,
            plan.Statistics.FirstOrDefault(s => s.Code == code)?.Name ?? DepartmentWorkbook.CommonStatistics.FirstOrDefault(s => s.Code == code).Name ?? code,
            same ? Text(last!.Statistics.FirstOrDefault(s => s.Code == code)?.Value) : null)).ToList();
        var narrative = same ? last!.Narrative : null;
        return new DepartmentForm(plan, department, period, indicators, tasks, statistics, narrative?.Results, narrative?.Difficulties, narrative?.Proposals);
    }

    /// <summary>A rate kept as counts (tỷ lệ tính từ số đếm) is entered as numerator and denominator, or as the rate itself.</summary>
    public static bool TakesCounts(Indicator indicator) => indicator.IsPercentage && indicator.EffectiveAggregation == Aggregation.Ratio;

    private static FormRole Role(string lead, string department) => lead == department ? FormRole.Lead : FormRole.Coordinator;

    public static string? Text(decimal? value) => value?.ToString("0.############################", CultureInfo.InvariantCulture);

    /// <summary>
    /// The posted fields as the message the department sends, plus the problems the form itself finds (a number that is
    /// not one), keyed by field name. Items are taken from the posted field names, not from the form's own list, so a
    /// field the page never offered (an indicator the department does not report) reaches the validator and is refused
    /// there, by the consumer's rule. Blank rows are not reported; the department is the session's, never a field's.
    /// </summary>
    public static (DepartmentReportSubmitted Message, IReadOnlyDictionary<string, string> Problems) ToMessage(
        Plan plan, string department, string period, IReadOnlyDictionary<string, string> fields, Guid messageId, DateTimeOffset submittedAt, string submittedBy)
    {
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        decimal? Number(string name)
        {
            if (!fields.TryGetValue(name, out var text) || string.IsNullOrWhiteSpace(text)) return null;
            if (CellText.TryDecimal(text, out var value)) return value;
            problems[name] = $"“{text.Trim()}” không phải là số; hãy nhập một số, ví dụ 85 hoặc 85,5";
            return null;
        }
        string? Field(string name) => fields.TryGetValue(name, out var text) && !string.IsNullOrWhiteSpace(text) ? text.Trim() : null;
        IEnumerable<string> Codes(string prefix, params string[] suffixes) => fields.Keys
            .Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Select(k => k[prefix.Length..])
            .Select(rest => suffixes.Length == 0 ? rest : suffixes.Select(s => "." + s).FirstOrDefault(s => rest.EndsWith(s, StringComparison.Ordinal)) is { } s ? rest[..^s.Length] : null)
            .Where(c => c is { Length: > 0 })
            .Select(c => c!)
            .Distinct(StringComparer.Ordinal);

        var indicators = new List<IndicatorValue>();
        foreach (var code in Codes("ind.", "value", "numerator", "denominator"))
        {
            var value = Number($"ind.{code}.value");
            var numerator = Number($"ind.{code}.numerator");
            var denominator = Number($"ind.{code}.denominator");
            var blank = Field($"ind.{code}.value") is null && Field($"ind.{code}.numerator") is null && Field($"ind.{code}.denominator") is null;
            if (!blank) indicators.Add(new IndicatorValue { Code = code, Value = value, Numerator = numerator, Denominator = denominator });
        }
        var tasks = new List<TaskProgress>();
        foreach (var code in Codes("task.", "status", "progress", "note"))
        {
            var status = Field($"task.{code}.status");
            var progress = Number($"task.{code}.progress");
            var note = Field($"task.{code}.note");
            if (status is null && Field($"task.{code}.progress") is null && note is null) continue;
            if (status is null) problems[$"task.{code}.status"] = "Hãy chọn trạng thái của nhiệm vụ";
            tasks.Add(new TaskProgress { Code = code, Status = status ?? "", Progress = progress, Note = note });
        }
        var statistics = new List<StatisticValue>();
        foreach (var code in Codes("stat."))
            if (Field($"stat.{code}") is not null) statistics.Add(new StatisticValue { Code = code, Value = Number($"stat.{code}") });

        var narrative = new Narrative { Results = Field("narrative.results"), Difficulties = Field("narrative.difficulties"), Proposals = Field("narrative.proposals") };
        var message = new DepartmentReportSubmitted
        {
            MessageId = messageId,
            PlanId = plan.Id,
            Department = department,
            Period = period,
            SubmittedAt = submittedAt,
            SubmittedBy = submittedBy,
            Indicators = indicators,
            Tasks = tasks,
            Statistics = statistics,
            Narrative = narrative is { Results: null, Difficulties: null, Proposals: null } ? null : narrative,
        };
        if (indicators.Count + tasks.Count + statistics.Count == 0 && message.Narrative is null)
            problems["form"] = "Chưa nhập gì: hãy nhập ít nhất một giá trị, trạng thái nhiệm vụ, số liệu hoặc thuyết minh";
        return (message, problems);
    }

    /// <summary>
    /// Every problem of the message, by form field: the form's own, then the consumer's validator (the same code the
    /// consumer runs, at <paramref name="now"/>), its JSON paths mapped back to the fields they came from.
    /// </summary>
    public static IReadOnlyList<(string Field, string Message)> Validate(DepartmentReportSubmitted message, IReadOnlyDictionary<string, string> formProblems, PlanCatalog catalog, DateTimeOffset now)
    {
        var result = formProblems.Select(p => (p.Key, p.Value)).ToList();
        foreach (var reason in SubmissionValidator.Validate(message, catalog, now))
        {
            var field = FieldOf(reason.Field, message);
            // A number that was not one is said once, by the form; the validator sees it as missing.
            if (reason.Code == "missing_field" && result.Any(r => r.Item1 == field)) continue;
            result.Add((field, reason.Message));
        }
        return result;
    }

    /// <summary>A validator's JSON path ($.indicators[2].numerator) as the form field it came from (ind.CODE.numerator).</summary>
    public static string FieldOf(string path, DepartmentReportSubmitted message)
    {
        var m = System.Text.RegularExpressions.Regex.Match(path, @"^\$\.(indicators|tasks|statistics)\[(\d+)\](?:\.(\w+))?$");
        if (!m.Success)
            return path switch
            {
                "$.narrative.results" => "narrative.results",
                "$.narrative.difficulties" => "narrative.difficulties",
                "$.narrative.proposals" => "narrative.proposals",
                _ => "form",
            };
        var index = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        var member = m.Groups[3].Value;
        switch (m.Groups[1].Value)
        {
            case "indicators" when index < message.Indicators.Count:
                var code = message.Indicators[index].Code;
                return member is "numerator" or "denominator" ? $"ind.{code}.{member}" : $"ind.{code}.value";
            case "tasks" when index < message.Tasks.Count:
                var task = message.Tasks[index].Code;
                return member is "progress" or "note" ? $"task.{task}.{member}" : $"task.{task}.status";
            case "statistics" when index < message.Statistics.Count:
                return $"stat.{message.Statistics[index].Code}";
            default:
                return "form";
        }
    }
}
