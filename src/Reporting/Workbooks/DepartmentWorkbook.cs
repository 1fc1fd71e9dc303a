using System.Globalization;
using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Ingest;
using ChuyenDoiSo.Reporting.Plans;

namespace ChuyenDoiSo.Reporting.Workbooks;

/// <summary>What reading a department's workbook gave: the update (with a new message id), or every problem; and what it claims to be for.</summary>
public sealed record DepartmentWorkbookResult(DepartmentReportSubmitted? Message, IReadOnlyList<WorkbookProblem> Problems, string? PlanId, string? Department, string? Period)
{
    public bool IsValid => Message is not null && Problems.Count == 0;
}

/// <summary>
/// A department's periodic report as an Excel workbook (báo cáo của bộ phận): written pre-filled for one plan,
/// department and period, filled in by the department, read back into a <see cref="DepartmentReportSubmitted"/>.
/// The sheets and header rows are a contract (outside tools fill them by header name). Which plan, department and
/// period the workbook is for lives on a very hidden, protected sheet <c>_hub</c> (and defined names), not in a cell a user types in.
/// </summary>
public static class DepartmentWorkbook
{
    public const string IndicatorsSheet = "Chỉ tiêu";
    public const string TasksSheet = "Nhiệm vụ";
    public const string StatisticsSheet = "Số liệu";
    public const string NarrativeSheet = "Thuyết minh";
    public const string GuideSheet = "Hướng dẫn";
    public const string MetaSheet = "_hub";
    public const string Kind = "department-report";

    public static readonly string[] IndicatorHeaders = ["Mã", "Chỉ tiêu", "Đơn vị tính", "Mục tiêu", "Giá trị", "Tử số", "Mẫu số", "Ghi chú"];
    public static readonly string[] TaskHeaders = ["Mã", "Nhiệm vụ", "Trạng thái", "Tiến độ (%)", "Ghi chú"];
    public static readonly string[] StatisticHeaders = ["Mã", "Nội dung", "Giá trị"];
    public static readonly string[] NarrativeHeaders = ["Kết quả", "Khó khăn", "Đề xuất"];

    /// <summary>Task status as the workbook shows it ↔ as the message carries it.</summary>
    public static readonly IReadOnlyList<(string Label, string Status)> Statuses =
        [("Chưa triển khai", "not_started"), ("Đang triển khai", "in_progress"), ("Hoàn thành", "done")];

    /// <summary>The period statistics departments usually report (thủ tục hành chính), listed in every workbook; the plan's own name wins.</summary>
    public static readonly IReadOnlyList<(string Code, string Name)> CommonStatistics =
    [
        ("dossiers_received", "Tổng số hồ sơ tiếp nhận"),
        ("dossiers_resolved", "Số hồ sơ đã giải quyết"),
        ("dossiers_early", "Số hồ sơ giải quyết trước hạn"),
        ("dossiers_on_time", "Số hồ sơ giải quyết đúng hạn"),
        ("dossiers_overdue", "Số hồ sơ quá hạn"),
        ("dossiers_online", "Số hồ sơ nộp trực tuyến"),
        ("payments_online", "Số hồ sơ thanh toán trực tuyến"),
    ];

    private const int MaxRows = 1000;

    /// <summary>
    /// Writes the workbook for <paramref name="department"/> of <paramref name="plan"/> and <paramref name="period"/>: the
    /// indicators and tasks it leads or coordinates (the validator's rule), the common statistics, the narrative.
    /// <paramref name="last"/> is the department's last stored update, if any: an update for this same period fills every
    /// input (a correction changes only what changed); one for an earlier period carries over task progress and the
    /// values of stock indicators only (flows and counts belong to their own period).
    /// </summary>
    public static void Write(Plan plan, string department, ReportingPeriod period, DepartmentReportSubmitted? last, Stream output)
    {
        var unit = plan.FindDepartment(department) ?? throw new ArgumentException($"department {department} is not in plan {plan.Id}", nameof(department));
        var samePeriod = last is not null && last.Period == period.Period;
        var book = new WorkbookWriter();

        var indicators = book.AddSheet(IndicatorsSheet).Header(IndicatorHeaders).Widths(8, 60, 12, 14, 12, 12, 12, 40);
        var row = 1;
        foreach (var indicator in plan.Indicators.Where(i => i.IsReportableBy(unit.Code)))
        {
            row++;
            var value = last?.Indicators.FirstOrDefault(v => v.Code == indicator.Code);
            var carry = samePeriod || (value is not null && indicator.EffectiveAggregation == Aggregation.Latest && value.Numerator is null);
            indicators.Set(row, 1, indicator.Code, CellStyle.Locked)
                .Set(row, 2, indicator.Lead == unit.Code ? indicator.Name : $"{indicator.Name} (phối hợp)", CellStyle.Locked)
                .Set(row, 3, indicator.Unit, CellStyle.Locked)
                .Set(row, 4, indicator.Target.ToString(), CellStyle.Locked)
                .Set(row, 5, carry ? value?.Value : null, CellStyle.InputNumber)
                .Set(row, 6, samePeriod ? value?.Numerator : null, CellStyle.InputCount)
                .Set(row, 7, samePeriod ? value?.Denominator : null, CellStyle.InputCount)
                .Set(row, 8, null, CellStyle.Input);
            if (indicator.IsPercentage) indicators.DecimalValidation($"E{row}", 0, 100, "Tỷ lệ phần trăm từ 0 đến 100");
            else indicators.DecimalValidation($"E{row}", 0, null, "Một số từ 0 trở lên");
        }
        indicators.DecimalValidation($"F2:G{MaxRows}", 0, null, "Số đếm từ 0 trở lên (nhập cả tử số và mẫu số)");
        indicators.Protect();

        var tasks = book.AddSheet(TasksSheet).Header(TaskHeaders).Widths(10, 70, 18, 12, 40);
        row = 1;
        foreach (var task in plan.Tasks.Where(t => t.IsReportableBy(unit.Code)))
        {
            row++;
            var progress = last?.Tasks.FirstOrDefault(t => t.Code == task.Code);
            tasks.Set(row, 1, task.Code, CellStyle.Locked)
                .Set(row, 2, task.Lead == unit.Code ? $"{task.Name} ({task.Timeframe})" : $"{task.Name} ({task.Timeframe}; phối hợp)", CellStyle.Locked)
                .Set(row, 3, progress is null ? null : Statuses.FirstOrDefault(s => s.Status == progress.Status).Label, CellStyle.Input)
                .Set(row, 4, progress?.Progress, CellStyle.InputNumber)
                .Set(row, 5, progress?.Note, CellStyle.Input);
        }
        tasks.ListValidation($"C2:C{MaxRows}", Statuses.Select(s => s.Label), "Chọn: Chưa triển khai, Đang triển khai hoặc Hoàn thành");
        tasks.DecimalValidation($"D2:D{MaxRows}", 0, 100, "Tiến độ từ 0 đến 100 (%)");
        tasks.Protect();

        var statistics = book.AddSheet(StatisticsSheet).Header(StatisticHeaders).Widths(34, 50, 14);
        var codes = CommonStatistics.Select(s => s.Code).Concat(samePeriod ? last!.Statistics.Select(s => s.Code) : []).Distinct(StringComparer.Ordinal).ToList();
        row = 1;
        foreach (var code in codes)
        {
            row++;
            var name = plan.Statistics.FirstOrDefault(s => s.Code == code)?.Name ?? CommonStatistics.FirstOrDefault(s => s.Code == code).Name ?? code;
            statistics.Set(row, 1, code, CellStyle.Locked).Set(row, 2, name, CellStyle.Locked)
                .Set(row, 3, samePeriod ? last!.Statistics.FirstOrDefault(s => s.Code == code)?.Value : null, CellStyle.InputCount);
        }
        // Room for statistics the list lacks: a code, its name and its value.
        for (var extra = 0; extra < 10; extra++)
        {
            row++;
            statistics.Set(row, 1, null, CellStyle.Input).Set(row, 2, null, CellStyle.Input).Set(row, 3, null, CellStyle.InputCount);
        }
        statistics.DecimalValidation($"C2:C{MaxRows}", 0, null, "Số đếm từ 0 trở lên");
        statistics.Protect();

        var narrative = book.AddSheet(NarrativeSheet).Header(NarrativeHeaders).Widths(60, 60, 60);
        var text = samePeriod ? last!.Narrative : null;
        narrative.Set(2, 1, text?.Results, CellStyle.Input).Set(2, 2, text?.Difficulties, CellStyle.Input).Set(2, 3, text?.Proposals, CellStyle.Input).Protect();

        var guide = book.AddSheet(GuideSheet).Widths(28, 90);
        string[][] lines =
        [
            ["Báo cáo của bộ phận", ""],
            ["Kế hoạch", $"{plan.Document.Title} ({plan.Id})"],
            ["Bộ phận", $"{unit.Name} ({unit.Code})"],
            ["Kỳ báo cáo", $"{period.Kind.ToVietnamese(period.Period, period.Year)} ({period.Period})"],
            ["Số liệu tính đến hết ngày", period.CutOff.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture)],
            ["Hạn gửi của bộ phận", period.DepartmentDueDate.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture)],
            ["Cách điền", "Chỉ nhập vào các ô tô màu vàng. Chỉ tiêu: nhập Giá trị, hoặc cả Tử số và Mẫu số (tỷ lệ được tính từ số đếm). " +
                          "Nhiệm vụ: chọn Trạng thái, nhập Tiến độ (%) từ 0 đến 100. Số liệu: số đếm trong kỳ. Thuyết minh: một dòng dưới tiêu đề. " +
                          "Dòng để trống là chưa báo cáo. Không đổi tên trang tính hay tiêu đề cột."],
        ];
        for (var i = 0; i < lines.Length; i++) guide.Set(i + 1, 1, lines[i][0], i == 0 ? CellStyle.Title : CellStyle.Header).Set(i + 1, 2, lines[i][1], CellStyle.Locked);
        guide.Protect();

        var meta = book.AddSheet(MetaSheet, SheetVisibility.VeryHidden).Widths(14, 40);
        string[][] keys = [["kind", Kind], ["planId", plan.Id], ["department", unit.Code], ["period", period.Period], ["version", "1"]];
        for (var i = 0; i < keys.Length; i++) meta.Set(i + 1, 1, keys[i][0], CellStyle.Locked).Set(i + 1, 2, keys[i][1], CellStyle.Locked);
        meta.Protect();
        book.DefineName("HubPlanId", CellReference.Range(MetaSheet, "$B$2"));
        book.DefineName("HubDepartment", CellReference.Range(MetaSheet, "$B$3"));
        book.DefineName("HubPeriod", CellReference.Range(MetaSheet, "$B$4"));
        book.Save(output);
    }

    /// <summary>
    /// Reads a filled workbook. Refuses with one line (a single problem naming the file) what is not a plain .xlsx, is
    /// macro-enabled, encrypted or over <paramref name="maxBytes"/>. Otherwise every problem, each naming its sheet and
    /// cell and what was expected, including the validator's own reasons mapped back to their cells; no message when any.
    /// </summary>
    public static DepartmentWorkbookResult Read(Stream input, PlanCatalog plans, long maxBytes = WorkbookReader.DefaultMaxBytes)
    {
        WorkbookReader book;
        try
        {
            book = WorkbookReader.Open(input, maxBytes);
        }
        catch (WorkbookRefusedException e)
        {
            return new DepartmentWorkbookResult(null, [new WorkbookProblem("workbook", e.Message)], null, null, null);
        }
        var problems = new List<WorkbookProblem>();
        void Problem(string where, string message) => problems.Add(new WorkbookProblem(where, message));

        var meta = book.Sheet(MetaSheet);
        if (meta is null || meta.Text(1, 2) != Kind)
        {
            Problem("workbook", $"not a department report workbook (no {MetaSheet} sheet saying which plan, department and period); expected a workbook made by `template`");
            return new DepartmentWorkbookResult(null, problems, null, null, null);
        }
        var planId = meta.Text(2, 2);
        var department = meta.Text(3, 2);
        var periodLabel = meta.Text(4, 2);
        var plan = planId is null ? null : plans.Find(planId);
        if (plan is null)
        {
            Problem(meta.Ref(2, 2), $"unknown plan \"{planId}\"; expected one of {string.Join(", ", plans.Plans.Select(p => p.Id))}");
            return new DepartmentWorkbookResult(null, problems, planId, department, periodLabel);
        }

        var indicatorRows = new List<int>();
        var indicators = new List<IndicatorValue>();
        if (Sheet(book, IndicatorsSheet, IndicatorHeaders, problems) is { } sheet)
        {
            var c = Columns(sheet, IndicatorHeaders);
            foreach (var r in sheet.DataRows([c["Giá trị"], c["Tử số"], c["Mẫu số"]]))
            {
                var code = sheet.Text(r, c["Mã"]);
                if (code is null)
                {
                    Problem(sheet.Ref(r, c["Mã"]), "expected the indicator's code beside its values");
                    continue;
                }
                indicatorRows.Add(r);
                indicators.Add(new IndicatorValue
                {
                    Code = code,
                    Value = Number(sheet, r, c["Giá trị"], problems),
                    Numerator = Number(sheet, r, c["Tử số"], problems),
                    Denominator = Number(sheet, r, c["Mẫu số"], problems),
                });
            }
        }

        var taskRows = new List<int>();
        var tasks = new List<TaskProgress>();
        if (Sheet(book, TasksSheet, TaskHeaders, problems) is { } taskSheet)
        {
            var c = Columns(taskSheet, TaskHeaders);
            foreach (var r in taskSheet.DataRows([c["Trạng thái"], c["Tiến độ (%)"], c["Ghi chú"]]))
            {
                var code = taskSheet.Text(r, c["Mã"]);
                if (code is null)
                {
                    Problem(taskSheet.Ref(r, c["Mã"]), "expected the task's code beside its progress");
                    continue;
                }
                var label = taskSheet.Text(r, c["Trạng thái"]);
                var status = label is null ? null : Statuses.FirstOrDefault(s => s.Label.Equals(label, StringComparison.OrdinalIgnoreCase) || s.Status == label).Status;
                if (label is null) Problem(taskSheet.Ref(r, c["Trạng thái"]), $"expected a status for task {code}: {string.Join(", ", Statuses.Select(s => s.Label))}");
                else if (status is null) Problem(taskSheet.Ref(r, c["Trạng thái"]), $"\"{label}\" is not a known status; expected {string.Join(", ", Statuses.Select(s => s.Label))}");
                taskRows.Add(r);
                tasks.Add(new TaskProgress { Code = code, Status = status ?? "", Progress = Number(taskSheet, r, c["Tiến độ (%)"], problems), Note = taskSheet.Text(r, c["Ghi chú"]) });
            }
        }

        var statisticRows = new List<int>();
        var statistics = new List<StatisticValue>();
        if (Sheet(book, StatisticsSheet, StatisticHeaders, problems) is { } statSheet)
        {
            var c = Columns(statSheet, StatisticHeaders);
            foreach (var r in statSheet.DataRows([c["Giá trị"]]))
            {
                statisticRows.Add(r);
                statistics.Add(new StatisticValue { Code = statSheet.Text(r, c["Mã"]) ?? "", Value = Number(statSheet, r, c["Giá trị"], problems) });
            }
        }

        Narrative? narrative = null;
        if (Sheet(book, NarrativeSheet, NarrativeHeaders, problems) is { } textSheet)
        {
            var c = Columns(textSheet, NarrativeHeaders);
            var notes = IndicatorNotes(book);
            var results = textSheet.Text(2, c["Kết quả"]);
            if (notes.Count > 0) results = string.Join("\n", new[] { results }.Concat(notes).Where(s => s is not null));
            narrative = new Narrative { Results = results, Difficulties = textSheet.Text(2, c["Khó khăn"]), Proposals = textSheet.Text(2, c["Đề xuất"]) };
            if (narrative is { Results: null, Difficulties: null, Proposals: null }) narrative = null;
        }

        var message = new DepartmentReportSubmitted
        {
            MessageId = Guid.NewGuid(),
            PlanId = plan.Id,
            Department = department ?? "",
            Period = periodLabel ?? "",
            Indicators = indicators,
            Tasks = tasks,
            Statistics = statistics,
            Narrative = narrative,
        };
        // The validator's reasons, each put back on its cell: one rule for the bus, the form and the workbook.
        foreach (var reason in SubmissionValidator.Validate(message, plans))
        {
            var where = CellOf(reason.Field, meta, indicatorRows, taskRows, statisticRows);
            // A number that was not one was reported already; the validator sees it as missing.
            if (reason.Code == "missing_field" && problems.Any(p => p.Where == where)) continue;
            Problem(where, reason.Message);
        }
        if (problems.Count == 0 && indicators.Count + tasks.Count + statistics.Count == 0 && narrative is null)
            Problem("workbook", "nothing is filled in: expected at least one value, task status, statistic or narrative");
        return problems.Count > 0
            ? new DepartmentWorkbookResult(null, problems, plan.Id, department, periodLabel)
            : new DepartmentWorkbookResult(message, [], plan.Id, department, periodLabel);
    }

    private static string CellOf(string field, SheetReader meta, List<int> indicatorRows, List<int> taskRows, List<int> statisticRows)
    {
        var m = System.Text.RegularExpressions.Regex.Match(field, @"^\$\.(indicators|tasks|statistics)\[(\d+)\]\.(\w+)$");
        if (!m.Success)
            return field switch
            {
                "$.planId" => meta.Ref(2, 2),
                "$.department" => meta.Ref(3, 2),
                "$.period" => meta.Ref(4, 2),
                _ => "workbook",
            };
        var index = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        var (sheet, headers, rows) = m.Groups[1].Value switch
        {
            "indicators" => (IndicatorsSheet, IndicatorHeaders, indicatorRows),
            "tasks" => (TasksSheet, TaskHeaders, taskRows),
            _ => (StatisticsSheet, StatisticHeaders, statisticRows),
        };
        var header = (m.Groups[1].Value, m.Groups[3].Value) switch
        {
            (_, "code") => "Mã",
            ("indicators", "numerator") => "Tử số",
            ("indicators", "denominator") => "Mẫu số",
            ("tasks", "status") => "Trạng thái",
            ("tasks", "progress") => "Tiến độ (%)",
            _ => "Giá trị",
        };
        return CellReference.Of(sheet, rows[index], Array.IndexOf(headers, header) + 1);
    }

    /// <summary>The message has no note per indicator: notes travel in the narrative's results, one line each.</summary>
    private static List<string> IndicatorNotes(WorkbookReader book)
    {
        var sheet = book.Sheet(IndicatorsSheet);
        if (sheet?.Column("Ghi chú") is not { } note || sheet.Column("Mã") is not { } code) return [];
        return sheet.DataRows([note]).Select(r => $"Chỉ tiêu {sheet.Text(r, code)}: {sheet.Text(r, note)}").ToList();
    }

    /// <summary>The sheet, with every listed header present; else a problem and null.</summary>
    internal static SheetReader? Sheet(WorkbookReader book, string name, IReadOnlyList<string> headers, List<WorkbookProblem> problems)
    {
        var sheet = book.Sheet(name);
        if (sheet is null)
        {
            problems.Add(new WorkbookProblem(name, $"no sheet \"{name}\"; expected the sheets {string.Join(", ", book.SheetNames.Where(n => !n.StartsWith('_')))} to include it"));
            return null;
        }
        var missing = headers.Where(h => sheet.Column(h) is null).ToList();
        if (missing.Count == 0) return sheet;
        problems.Add(new WorkbookProblem($"{name}!1:1", $"missing header{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing.Select(h => $"\"{h}\""))}; expected the header row {string.Join(", ", headers)}"));
        return null;
    }

    internal static Dictionary<string, int> Columns(SheetReader sheet, IEnumerable<string> headers) =>
        headers.ToDictionary(h => h, h => sheet.Column(h)!.Value, StringComparer.Ordinal);

    internal static decimal? Number(SheetReader sheet, int row, int column, List<WorkbookProblem> problems)
    {
        if (sheet.Text(row, column) is not { } text) return null;
        if (CellText.TryDecimal(text, out var value)) return value;
        problems.Add(new WorkbookProblem(sheet.Ref(row, column), $"expected a number, got \"{text}\""));
        return null;
    }
}
