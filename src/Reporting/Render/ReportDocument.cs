using System.Globalization;
using System.Text;
using ChuyenDoiSo.Reporting.Approval;
using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Plans;

namespace ChuyenDoiSo.Reporting.Render;

/// <summary>
/// What only the caller knows when a report is printed: the issue date (ngày ban hành) and the
/// document number; a null number prints "Số:      /BC-UBND", a draft awaiting its number from the office.
/// <paramref name="Replaces"/>: the line of a correction that names the document it replaces (Decree 30 Art. 18.3);
/// <paramref name="Signatures"/>: the document's signature list (who signs it digitally, with which certificate).
/// </summary>
public sealed record RenderOptions(DateOnly IssueDate, string? Number = null, string? Replaces = null, IReadOnlyList<string>? Signatures = null)
{
    /// <summary>The lines a correction and a signed document add at the end of the body, the same in every renderer.</summary>
    public IEnumerable<ReportBlock> IssueBlocks()
    {
        if (Replaces is { Length: > 0 } replaces) yield return new ReportParagraph(replaces, Italic: true);
        if (Signatures is { Count: > 0 } signatures)
        {
            yield return new ReportParagraph("Văn bản được ký số:", Italic: true);
            yield return new ReportList(signatures, Italic: true);
        }
    }
}

/// <summary>The Vietnamese wording and number formats of an official report (Decree 30/2020/NĐ-CP).</summary>
public static class ReportText
{
    public const string IssuingBody = "ỦY BAN NHÂN DÂN";
    public const string Nation = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
    public const string Motto = "Độc lập - Tự do - Hạnh phúc";
    public const string Title = "BÁO CÁO";
    public const string RecipientsHeading = "Nơi nhận:";
    public const string None = "Không có.";
    public const string Missing = "-";

    private const string ReportNumberSuffix = "/BC-UBND";

    // Vietnamese separators written out rather than taken from the vi-VN culture, so the output does not
    // depend on the ICU data of the machine that renders it.
    private static readonly NumberFormatInfo VietnameseNumbers = new()
    {
        NumberDecimalSeparator = ",",
        NumberGroupSeparator = ".",
        NegativeSign = "-",
    };

    // Viet Nam has kept UTC+7 without daylight saving since 1975; a fixed offset avoids a tz-database lookup.
    private static readonly TimeSpan VietnamOffset = TimeSpan.FromHours(7);

    /// <summary>"XÃ BÌNH CHƯƠNG": the second line of the issuing body.</summary>
    public static string CommuneLine(Commune commune) => $"{commune.Kind} {commune.Name}".ToUpperInvariant();

    /// <summary>"Số: 12/BC-UBND"; a number without a slash gets the report suffix; none leaves the blank for the office.</summary>
    public static string NumberLine(string? number) => NumberLine(number, ReportNumberSuffix);

    /// <summary>"Số: 12/BC-SKHCN" for a body whose reports carry another symbol than a commune committee's.</summary>
    public static string NumberLine(string? number, string suffix) => number switch
    {
        null or "" => $"Số:      {suffix}",
        _ when number.Contains('/', StringComparison.Ordinal) => $"Số: {number}",
        _ => $"Số: {number}{suffix}",
    };

    /// <summary>
    /// "Bình Chương, ngày 05 tháng 3 năm 2026". Decree 30/2020, appendix I: days below 10 and the months
    /// 1 and 2 take a leading zero; the other months do not.
    /// </summary>
    public static string PlaceAndDate(string place, DateOnly date)
    {
        var day = date.Day.ToString("00", CultureInfo.InvariantCulture);
        var month = date.Month.ToString(date.Month <= 2 ? "00" : "0", CultureInfo.InvariantCulture);
        return $"{place}, ngày {day} tháng {month} năm {date.Year.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>"quý I năm 2026", "6 tháng đầu năm 2026", …</summary>
    public static string PeriodText(ReportingPeriod period) => period.Kind.ToVietnamese(period.Period, period.Year);

    /// <summary>"Kết quả thực hiện Kế hoạch chuyển đổi số quý I năm 2026 của UBND xã Bình Chương".</summary>
    public static string Subject(Plan plan, ReportingPeriod period) =>
        $"Kết quả thực hiện Kế hoạch chuyển đổi số {PeriodText(period)} của UBND {plan.Commune.Kind} {plan.Commune.Name}";

    public static string Achievement(Achievement achieved) => achieved switch
    {
        Compile.Achievement.Yes => "Đạt",
        Compile.Achievement.No => "Chưa đạt",
        _ => "Chưa báo cáo",
    };

    public static string SubmissionStatus(string status) => status switch
    {
        Compile.SubmissionStatus.OnTime => "Đúng hạn",
        Compile.SubmissionStatus.Late => "Trễ hạn",
        Compile.SubmissionStatus.Missing => "Không báo cáo",
        _ => status,
    };

    public static string TaskStatus(string status) => status switch
    {
        "not_started" => "Chưa triển khai",
        "in_progress" => "Đang thực hiện",
        "done" => "Hoàn thành",
        "not_reported" => "Chưa báo cáo",
        _ => status,
    };

    /// <summary>Decimal comma and thousands dot, at most two decimals: 74,07; 1.707.</summary>
    public static string Number(decimal value) => value.ToString("#,##0.##", VietnameseNumbers);

    public static string Number(decimal? value) => value is { } v ? Number(v) : Missing;

    /// <summary>The target as the plan prints it ("80%", "Hoàn thành"), else built from the operator: "≥ 80%".</summary>
    public static string Target(IndicatorTarget target, string unit)
    {
        if (!string.IsNullOrWhiteSpace(target.Text)) return target.Text.Trim();
        if (target.Op == "done") return "Hoàn thành";
        var value = target.Value is { } v ? Number(v) + (unit.Trim() == "%" ? "%" : "") : Missing;
        return target.Op switch
        {
            ">=" => $"≥ {value}",
            "<=" => $"≤ {value}",
            ">" => $"> {value}",
            "<" => $"< {value}",
            _ => value,
        };
    }

    /// <summary>dd/MM/yyyy, as dates are written in tables and running text.</summary>
    public static string Date(DateOnly date) => date.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);

    /// <summary>The calendar day in Viet Nam of an instant stored in UTC.</summary>
    public static DateOnly VietnamDate(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(VietnamOffset).DateTime);

    /// <summary>
    /// For a reminder: the tasks active in the period whose lead this department is only by assumption (the plan names
    /// no lead), listed so the department knows; an empty line when there are none.
    /// </summary>
    public static string AssumedLeadNotice(Plan plan, ReportingPeriod period, Department department)
    {
        var tasks = plan.Tasks
            .Where(t => t.Lead == department.Code && t.Provenance?.Lead is { IsAssumed: true })
            .Where(t => TimeframeParser.TryParse(t.Timeframe, plan.Year, out var tf, out _) && tf.Overlaps(period.WindowStart, period.CutOff))
            .Select(t => t.Code)
            .ToList();
        return tasks.Count == 0 ? "" :
            $"\nLưu ý: Kế hoạch không nêu đơn vị chủ trì cho nhiệm vụ {string.Join(", ", tasks)}; việc giao {department.Name} chủ trì là giả định khi nhập kế hoạch, đề nghị phản hồi nếu không đúng.\n";
    }

    // The dossier statistics every commune reports (thủ tục hành chính), named as the plans name them, for a plan
    // that states no baseline of its own.
    private static readonly Dictionary<string, string> CommonStatistics = new(StringComparer.Ordinal)
    {
        ["dossiers_received"] = "Số hồ sơ thủ tục hành chính tiếp nhận",
        ["dossiers_resolved"] = "Số hồ sơ đã giải quyết",
        ["dossiers_early"] = "Số hồ sơ giải quyết trước hạn",
        ["dossiers_early_or_on_time"] = "Số hồ sơ giải quyết trước và đúng hạn",
        ["dossiers_overdue"] = "Số hồ sơ giải quyết quá hạn",
        ["dossiers_in_progress"] = "Số hồ sơ đang giải quyết",
        ["dossiers_online"] = "Số hồ sơ tiếp nhận trực tuyến",
        ["payments_online"] = "Số hồ sơ thanh toán trực tuyến",
    };

    /// <summary>A statistic's Vietnamese name: the plan's baseline name, else the common dossier name, else null.</summary>
    public static string? StatisticName(Plan plan, string code) =>
        plan.Statistics.FirstOrDefault(s => s.Code == code)?.Name ?? CommonStatistics.GetValueOrDefault(code);

    /// <summary>The signature block's authority lines as printed: upper case, top to bottom.</summary>
    public static IReadOnlyList<string> AuthorityLines(Signer signer) =>
        signer.Lines.Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => l.Trim().ToUpperInvariant()).ToList();

    public static string DepartmentName(Plan plan, string code) => plan.FindDepartment(code)?.Name ?? code;

    /// <summary>"- Thường trực Đảng ủy;": one line of "Nơi nhận", keeping a closing full stop ("- Lưu: VT.").</summary>
    public static string Recipient(string recipient)
    {
        var text = recipient.Trim().TrimEnd(';').TrimEnd();
        return text.EndsWith('.') ? $"- {text}" : $"- {text};";
    }

    public static string Roman(int number)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        ReadOnlySpan<(int Value, string Numeral)> table =
        [
            (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
            (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
        ];
        var result = new StringBuilder();
        foreach (var (value, numeral) in table)
        {
            while (number >= value)
            {
                result.Append(numeral);
                number -= value;
            }
        }
        return result.ToString();
    }
}

/// <summary>How a table column aligns its cells.</summary>
public enum CellAlign
{
    Left,
    Center,
    Right,
}

/// <summary>A column: header text, width in twips of the A4 text block (9355 in all), alignment.</summary>
public sealed record ReportColumn(string Header, int Width, CellAlign Align = CellAlign.Left);

/// <summary>
/// A table row. A group row (an indicator or task group, "I. Chính quyền số") is one bold cell spanning every
/// column. A cell may hold several lines separated by '\n'.
/// </summary>
public sealed record ReportRow(IReadOnlyList<string> Cells, bool IsGroup = false);

/// <summary>One block of the body, in print order; both renderers draw the same blocks.</summary>
public abstract record ReportBlock;

/// <summary>"I. KẾT QUẢ THỰC HIỆN".</summary>
public sealed record ReportHeading(string Text) : ReportBlock;

/// <summary>"1. Kết quả thực hiện các chỉ tiêu".</summary>
public sealed record ReportSubheading(string Text) : ReportBlock;

/// <summary>A body paragraph; <see cref="Lead"/> is printed bold before the text (a department's name).</summary>
public sealed record ReportParagraph(string Text, string? Lead = null, bool Italic = false) : ReportBlock;

/// <summary>Lines printed with a leading dash, as Vietnamese official documents list things.</summary>
public sealed record ReportList(IReadOnlyList<string> Items, bool Italic = false) : ReportBlock;

public sealed record ReportTable(IReadOnlyList<ReportColumn> Columns, IReadOnlyList<ReportRow> Rows) : ReportBlock;

/// <summary>
/// A compiled report laid out as an official document: every text both renderers print, in order, so the DOCX
/// and the HTML cannot drift apart. Pure: a function of the report and the options.
/// </summary>
public sealed record ReportDocument
{
    public required string IssuingBody { get; init; }
    public required string IssuingUnit { get; init; }
    public required string NumberLine { get; init; }
    public required string Nation { get; init; }
    public required string Motto { get; init; }
    public required string PlaceAndDate { get; init; }
    public required string Title { get; init; }
    public required string Subject { get; init; }
    public required IReadOnlyList<ReportBlock> Body { get; init; }
    public required string RecipientsHeading { get; init; }
    public required IReadOnlyList<string> Recipients { get; init; }
    /// <summary>Every authority line of the signature block, top to bottom ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"); may be empty.</summary>
    public required IReadOnlyList<string> SignerAuthority { get; init; }
    public required string SignerTitle { get; init; }
    public required string SignerName { get; init; }

    private const string Results = "results";
    private const string Difficulties = "difficulties";
    private const string Proposals = "proposals";

    public static ReportDocument Build(CompiledReport report, RenderOptions options)
    {
        var plan = report.Plan;
        var body = new List<ReportBlock> { new ReportParagraph(Introduction(report)) };
        var section = 0;
        string Heading(string text) => $"{ReportText.Roman(++section)}. {text}";

        body.Add(new ReportHeading(Heading("KẾT QUẢ THỰC HIỆN")));
        var sub = 0;
        string Subheading(string text) => $"{++sub}. {text}";

        // The office's assessment for the commune as a whole, before the figures.
        var assessment = CommuneParagraphs(report, ApprovalSections.Results);
        if (assessment.Count > 0)
        {
            body.Add(new ReportSubheading(Subheading("Đánh giá chung")));
            body.AddRange(assessment);
        }

        body.Add(new ReportSubheading(Subheading("Kết quả thực hiện các chỉ tiêu")));
        if (report.Indicators.Count == 0)
            body.Add(new ReportParagraph("Kế hoạch không đặt chỉ tiêu."));
        else
        {
            body.Add(new ReportParagraph(IndicatorSummary(report.Indicators)));
            body.Add(IndicatorTable(report));
        }

        body.Add(new ReportSubheading(Subheading("Tiến độ thực hiện các nhiệm vụ")));
        if (report.Tasks.Count == 0)
            body.Add(new ReportParagraph("Không có nhiệm vụ triển khai trong kỳ."));
        else
        {
            body.Add(new ReportParagraph(TaskSummary(report.Tasks)));
            body.Add(TaskTable(report));
        }

        if (report.Statistics.Count > 0)
        {
            body.Add(new ReportSubheading(Subheading("Một số số liệu thống kê")));
            // A statistic is printed under its Vietnamese name, never its code: one the plan does not name is counted, not shown.
            var named = report.Statistics.Where(s => ReportText.StatisticName(plan, s.Code) is not null).ToList();
            var lines = named.Select(s => StatisticLine(report, s)).ToList();
            var unnamed = report.Statistics.Count - named.Count;
            if (unnamed > 0) lines.Add($"Ngoài ra, {unnamed} số liệu do các bộ phận gửi chưa có tên trong Kế hoạch nên không đưa vào báo cáo.");
            body.Add(new ReportList(lines));
        }

        var results = Narratives(report, Results);
        if (results.Count > 0)
        {
            body.Add(new ReportSubheading(Subheading("Kết quả thực hiện của các bộ phận")));
            body.AddRange(results);
        }

        body.Add(new ReportHeading(Heading("TÌNH HÌNH BÁO CÁO CỦA CÁC BỘ PHẬN")));
        var submissions = report.Submissions.Where(s => s.Expected || s.ReceivedAt is not null).ToList();
        if (submissions.Count == 0)
            body.Add(new ReportParagraph("Không có bộ phận nào phải báo cáo trong kỳ."));
        else
        {
            body.Add(new ReportParagraph(SubmissionSummary(report.Period, submissions)));
            body.Add(SubmissionTable(submissions));
        }

        // The commune's own words (the office's) first, then each department's.
        body.Add(new ReportHeading(Heading("KHÓ KHĂN, VƯỚNG MẮC")));
        body.AddRange(OrNone([.. CommuneParagraphs(report, ApprovalSections.Difficulties), .. Narratives(report, Difficulties)]));

        body.Add(new ReportHeading(Heading("KIẾN NGHỊ, ĐỀ XUẤT")));
        body.AddRange(OrNone([.. CommuneParagraphs(report, ApprovalSections.Proposals), .. Narratives(report, Proposals)]));

        body.Add(new ReportHeading(Heading("NHIỆM VỤ TRỌNG TÂM KỲ TỚI")));
        var nextTasks = CommuneParagraphs(report, ApprovalSections.NextTasks);
        body.AddRange(nextTasks);
        if (report.NextPeriodTasks.Count == 0)
        {
            if (nextTasks.Count == 0) body.Add(new ReportParagraph(ReportText.None));
        }
        else
        {
            if (report.NextPeriod is { } next)
                body.Add(new ReportParagraph($"Trong {ReportText.PeriodText(next)}, tập trung thực hiện các nhiệm vụ sau:"));
            body.Add(new ReportList(report.NextPeriodTasks.Select(t => NextTaskLine(plan, t)).ToList()));
        }

        if (report.Warnings.Count > 0)
        {
            body.Add(new ReportParagraph("Ghi chú về chất lượng số liệu:", Italic: true));
            body.Add(new ReportList(report.Warnings.Select(w => w.Message).ToList(), Italic: true));
        }

        body.Add(new ReportParagraph(
            $"Trên đây là báo cáo kết quả thực hiện Kế hoạch chuyển đổi số {ReportText.PeriodText(report.Period)} " +
            $"của Ủy ban nhân dân {plan.Commune.Kind} {plan.Commune.Name}./."));
        body.AddRange(options.IssueBlocks());

        var issuer = plan.EffectiveReports;
        return new ReportDocument
        {
            IssuingBody = issuer.IssuingBody[0].ToUpperInvariant(),
            IssuingUnit = issuer.IssuingBody.Count > 1 ? issuer.IssuingBody[1].ToUpperInvariant() : "",
            NumberLine = ReportText.NumberLine(options.Number, "/" + issuer.Symbol),
            Nation = ReportText.Nation,
            Motto = ReportText.Motto,
            PlaceAndDate = ReportText.PlaceAndDate(plan.Commune.Name, options.IssueDate),
            Title = ReportText.Title,
            Subject = ReportText.Subject(plan, report.Period),
            Body = body,
            RecipientsHeading = ReportText.RecipientsHeading,
            Recipients = plan.Recipients.Where(r => !string.IsNullOrWhiteSpace(r)).Select(ReportText.Recipient).ToList(),
            SignerAuthority = ReportText.AuthorityLines(issuer.Signer),
            SignerTitle = issuer.Signer.Title.ToUpperInvariant(),
            SignerName = issuer.Signer.Name,
        };
    }

    private static string Introduction(CompiledReport report)
    {
        var plan = report.Plan;
        var reference = "";
        // A number still blank in the plan ("/KH-UBND") is not worth printing.
        if (plan.Document.Number.Length > 0 && char.IsDigit(plan.Document.Number[0]))
        {
            var date = plan.Document.Date is { } d ? $" ngày {ReportText.Date(d)}" : "";
            reference = $" (Kế hoạch số {plan.Document.Number}{date})";
        }
        var period = report.Period;
        return $"Thực hiện {plan.Document.Title}{reference}, Ủy ban nhân dân {plan.Commune.Kind} {plan.Commune.Name} " +
               $"báo cáo kết quả thực hiện {ReportText.PeriodText(period)} (số liệu tính từ ngày {ReportText.Date(period.WindowStart)} " +
               $"đến ngày {ReportText.Date(period.CutOff)}) như sau:";
    }

    private static string IndicatorSummary(IReadOnlyList<IndicatorResult> indicators)
    {
        int Count(Achievement a) => indicators.Count(i => i.Achieved == a);
        var text = $"Tổng số {indicators.Count} chỉ tiêu: {Count(Achievement.Yes)} chỉ tiêu đạt mục tiêu năm, {Count(Achievement.No)} chỉ tiêu chưa đạt";
        var missing = Count(Achievement.NotReported);
        return missing > 0 ? $"{text}, {missing} chỉ tiêu chưa có số liệu báo cáo." : $"{text}.";
    }

    private static ReportTable IndicatorTable(CompiledReport report)
    {
        ReportColumn[] columns =
        [
            new("TT", 500, CellAlign.Center),
            new("Chỉ tiêu", 3205),
            new("Đơn vị", 700, CellAlign.Center),
            new("Mục tiêu năm", 800, CellAlign.Center),
            new("Kết quả kỳ này", 850, CellAlign.Center),
            new("Kỳ trước", 800, CellAlign.Center),
            new("Đánh giá", 900, CellAlign.Center),
            new("Đơn vị chủ trì", 1600),
        ];
        var rows = new List<ReportRow>();
        var number = 0;
        var groupNumber = 0;
        foreach (var group in report.Indicators.GroupBy(i => i.Indicator.Group))
        {
            if (!string.IsNullOrWhiteSpace(group.Key))
                rows.Add(new ReportRow([$"{ReportText.Roman(++groupNumber)}. {group.Key}"], IsGroup: true));
            foreach (var result in group)
            {
                var indicator = result.Indicator;
                rows.Add(new ReportRow(
                [
                    (++number).ToString(CultureInfo.InvariantCulture),
                    indicator.Name,
                    indicator.Unit,
                    ReportText.Target(indicator.Target, indicator.Unit),
                    ReportText.Number(result.Value),
                    ReportText.Number(result.PreviousValue),
                    ReportText.Achievement(result.Achieved),
                    ReportText.DepartmentName(report.Plan, indicator.Lead),
                ]));
            }
        }
        return new ReportTable(columns, rows);
    }

    private static string TaskSummary(IReadOnlyList<TaskResult> tasks)
    {
        int Count(string status) => tasks.Count(t => t.Status == status);
        var parts = new List<string>
        {
            $"hoàn thành {Count("done")}",
            $"đang thực hiện {Count("in_progress")}",
            $"chưa triển khai {Count("not_started")}",
        };
        var missing = Count("not_reported");
        if (missing > 0) parts.Add($"chưa báo cáo {missing}");
        return $"Tổng số {tasks.Count} nhiệm vụ triển khai trong kỳ: {string.Join("; ", parts)}.";
    }

    private static ReportTable TaskTable(CompiledReport report)
    {
        ReportColumn[] columns =
        [
            new("TT", 500, CellAlign.Center),
            new("Nhiệm vụ", 3855),
            new("Đơn vị chủ trì", 1600),
            new("Thời gian", 1000, CellAlign.Center),
            new("Tiến độ", 1200),
            new("Tình trạng", 1200, CellAlign.Center),
        ];
        var rows = new List<ReportRow>();
        var number = 0;
        var groupNumber = 0;
        foreach (var group in report.Tasks.GroupBy(t => t.Task.Group ?? ""))
        {
            if (group.Key.Length > 0)
                rows.Add(new ReportRow([$"{ReportText.Roman(++groupNumber)}. {group.Key}"], IsGroup: true));
            foreach (var result in group)
            {
                var progress = new List<string>();
                if (result.Progress is { } p) progress.Add($"{ReportText.Number(p)}%");
                if (!string.IsNullOrWhiteSpace(result.Note)) progress.Add(result.Note.Trim());
                rows.Add(new ReportRow(
                [
                    (++number).ToString(CultureInfo.InvariantCulture),
                    result.Task.Name,
                    ReportText.DepartmentName(report.Plan, result.Task.Lead),
                    result.Task.Timeframe,
                    progress.Count > 0 ? string.Join('\n', progress) : ReportText.Missing,
                    ReportText.TaskStatus(result.Status),
                ]));
            }
        }
        return new ReportTable(columns, rows);
    }

    private static string StatisticLine(CompiledReport report, StatisticResult statistic)
    {
        var baseline = report.Plan.Statistics.FirstOrDefault(s => s.Code == statistic.Code);
        var name = ReportText.StatisticName(report.Plan, statistic.Code) ?? statistic.Code;
        var unit = baseline?.Unit?.Trim() ?? "";
        var value = unit switch
        {
            "" => ReportText.Number(statistic.Value),
            "%" => $"{ReportText.Number(statistic.Value)}%",
            _ => $"{ReportText.Number(statistic.Value)} {unit}",
        };
        // A share is computed from this period's counts, never copied from the plan's stated percentage.
        if (baseline?.Of is { } of && report.Statistics.FirstOrDefault(s => s.Code == of) is { Value: > 0 } whole)
            value += $" (chiếm {ReportText.Number(Math.Round(statistic.Value * 100m / whole.Value, 2))}%)";
        return $"{name}: {value}";
    }

    private static List<ReportBlock> Narratives(CompiledReport report, string section)
    {
        var departments = report.Plan.Departments;
        int Order(Department d)
        {
            for (var i = 0; i < departments.Count; i++)
                if (departments[i].Code == d.Code) return i;
            return int.MaxValue;
        }

        var blocks = new List<ReportBlock>();
        var entries = report.Narratives
            .Where(n => n.Section == section && !string.IsNullOrWhiteSpace(n.Text))
            .GroupBy(n => n.Department.Code)
            .OrderBy(g => Order(g.First().Department));
        foreach (var department in entries)
        {
            var lines = department.SelectMany(n => Lines(n.Text)).ToList();
            blocks.Add(new ReportParagraph(lines[0], Lead: $"{department.First().Department.Name}: "));
            blocks.AddRange(lines.Skip(1).Select(l => new ReportParagraph(l)));
        }
        return blocks;
    }

    /// <summary>The office's text of a commune section, one paragraph per line as a department's narrative; empty when it wrote none.</summary>
    private static List<ReportBlock> CommuneParagraphs(CompiledReport report, string section) =>
        report.CommuneSection(section) is { } text ? [.. Lines(text).Select(l => new ReportParagraph(l))] : [];

    private static IEnumerable<string> Lines(string text) => text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0);

    private static IEnumerable<ReportBlock> OrNone(List<ReportBlock> blocks) =>
        blocks.Count > 0 ? blocks : [new ReportParagraph(ReportText.None)];

    private static string SubmissionSummary(ReportingPeriod period, IReadOnlyList<SubmissionResult> submissions)
    {
        int Count(string status) => submissions.Count(s => s.Status == status);
        return $"Hạn gửi báo cáo của các bộ phận: ngày {ReportText.Date(period.DepartmentDueDate)}. " +
               $"Trong {submissions.Count} bộ phận: {Count(SubmissionStatus.OnTime)} báo cáo đúng hạn, " +
               $"{Count(SubmissionStatus.Late)} báo cáo trễ hạn, {Count(SubmissionStatus.Missing)} không báo cáo.";
    }

    private static ReportTable SubmissionTable(IReadOnlyList<SubmissionResult> submissions)
    {
        ReportColumn[] columns =
        [
            new("TT", 500, CellAlign.Center),
            new("Bộ phận", 4655),
            new("Tình trạng", 2100, CellAlign.Center),
            new("Ngày nhận báo cáo", 2100, CellAlign.Center),
        ];
        var rows = submissions.Select((s, i) => new ReportRow(
        [
            (i + 1).ToString(CultureInfo.InvariantCulture),
            s.Department.Name,
            ReportText.SubmissionStatus(s.Status),
            s.ReceivedAt is { } at ? ReportText.Date(ReportText.VietnamDate(at)) : ReportText.Missing,
        ])).ToList();
        return new ReportTable(columns, rows);
    }

    private static string NextTaskLine(Plan plan, PlanTask task) =>
        $"{task.Name.Trim().TrimEnd('.')} (chủ trì: {ReportText.DepartmentName(plan, task.Lead)}; thời gian: {task.Timeframe}).";
}
