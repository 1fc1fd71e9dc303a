using System.Globalization;
using System.Text.RegularExpressions;
using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Plans;

namespace ChuyenDoiSo.Reporting.Workbooks;

/// <summary>What reading a plan workbook gave: the plan when nothing is an error, and every problem (warnings too).</summary>
public sealed record PlanWorkbookResult(Plan? Plan, IReadOnlyList<WorkbookProblem> Problems)
{
    public bool IsValid => Plan is not null && Problems.All(p => p.IsWarning);
}

/// <summary>
/// A commune's plan as an Excel workbook (issue 15), so an office onboards a commune without writing JSON.
/// Export → import gives the same plan field for field. Every mapping between a JSON field and a sheet, column or
/// <c>Mục</c> row is in this file (<see cref="General"/> and the header arrays): a new plan field is one more entry here.
/// </summary>
public static partial class PlanWorkbook
{
    public const string GuideSheet = "Hướng dẫn";
    public const string GeneralSheet = "Thông tin chung";
    public const string DepartmentsSheet = "Bộ phận";
    public const string IndicatorsSheet = "Chỉ tiêu";
    public const string TasksSheet = "Nhiệm vụ";
    public const string BudgetSheet = "Kinh phí";
    public const string StatisticsSheet = "Số liệu nền";

    public static readonly string[] GeneralHeaders = ["Mục", "Nội dung"];
    // Listed headers first, exactly as the issue gives them; the plan's other fields after them.
    public static readonly string[] DepartmentHeaders = ["Mã", "Tên bộ phận", "Email", "Ghi chú"];
    public static readonly string[] IndicatorHeaders = ["Mã", "Nhóm", "Chỉ tiêu", "Đơn vị tính", "So sánh", "Mục tiêu", "Chủ trì", "Phối hợp", "Nguồn", "Ghi chú", "Mục tiêu (nguyên văn)", "Cộng dồn", "Nguồn (chi tiết)"];
    public static readonly string[] TaskHeaders = ["Mã", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời gian thực hiện", "Nguồn", "Ghi chú", "Nhóm", "Nguồn (chi tiết)"];
    public static readonly string[] BudgetHeaders = ["Nội dung", "Số tiền (triệu đồng)", "Nguồn vốn", "Ghi chú"];
    public static readonly string[] StatisticHeaders = ["Mã", "Nội dung", "Giá trị", "Tỷ lệ nêu trong kế hoạch", "Tử số", "Mẫu số", "Đơn vị tính", "Thời kỳ", "Ghi chú"];

    /// <summary>
    /// The provenance values offered in <c>Nguồn</c>: the row's summary (assumed when any of its lead, coordinators,
    /// target or timeframe is). <c>Nguồn (chi tiết)</c> keeps each entry with its words or reason, so the round trip is exact.
    /// </summary>
    public static readonly string[] Sources = ["stated", "assumed"];
    public static readonly string[] Aggregations = ["sum", "latest", "ratio"];

    /// <summary>One <c>Mục</c> row of Thông tin chung: its label, how the plan gives its text, and what it means.</summary>
    public sealed record GeneralRow(string Label, Func<Plan, string?> Get, string Help);

    /// <summary>The rows of Thông tin chung, in order. Lists (recipients, notes, authority lines) are one item per line of the cell.</summary>
    public static readonly IReadOnlyList<GeneralRow> General =
    [
        new("Mã kế hoạch", p => p.Id, "chữ thường, không dấu, kết thúc bằng năm: binh-chuong-2026"),
        new("Năm kế hoạch", p => I(p.Year), "2026"),
        new("Tên xã/phường", p => p.Commune.Name, "Bình Chương"),
        new("Loại đơn vị", p => p.Commune.Kind, "xã, phường hoặc thị trấn"),
        new("Huyện (trước 7/2025)", p => p.Commune.District, "để trống nếu không còn cấp huyện"),
        new("Tỉnh", p => p.Commune.Province, "Quảng Ngãi"),
        new("Cấp trên nhận báo cáo", p => p.HigherLevel.Name, "Sở Khoa học và Công nghệ tỉnh …"),
        new("Email cấp trên", p => p.HigherLevel.Email, "địa chỉ thư nhận báo cáo"),
        new("Ghi chú cấp trên", p => p.HigherLevel.Note, ""),
        new("Số kế hoạch", p => p.Document.Number, "12/KH-UBND (để trống nếu văn bản để trống)"),
        new("Ngày kế hoạch", p => p.Document.Date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "yyyy-mm-dd hoặc dd/mm/yyyy; để trống nếu văn bản để trống"),
        new("Tên kế hoạch", p => p.Document.Title, "Kế hoạch Chuyển đổi số xã … năm …"),
        new("Ghi chú văn bản", p => p.Document.Note, ""),
        new("Thẩm quyền ký", p => Lines(p.Signer.Lines), "mỗi dòng một dòng thẩm quyền: TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH"),
        new("Chức vụ người ký", p => p.Signer.Title, "PHÓ CHỦ TỊCH"),
        new("Ban hành báo cáo (chi tiết)", p => p.Reports is null ? null : System.Text.Json.JsonSerializer.Serialize(p.Reports, PlanJson.Options), "để trống: báo cáo do UBND xã ban hành, ký hiệu BC-UBND, người ký như trên"),
        new("Người ký", p => p.Signer.Name, "họ và tên"),
        new("Nơi nhận", p => Lines(p.Recipients), "mỗi dòng một nơi nhận"),
        new("Kênh gửi báo cáo", p => p.Delivery is null ? null : string.Join(", ", p.Delivery.Channels), "email và/hoặc forward, cách nhau bằng dấu phẩy"),
        new(LateNoticeLabel, p => p.Delivery?.LateNotice is { } notice ? Lines(notice.Select(v => v == LateNoticeRecipients.HigherLevel ? LateNoticeHigherLevel : v).ToList()) : null,
            $"khi báo cáo chờ phê duyệt quá giờ gửi, báo cho: {LateNoticeHigherLevel} (Email cấp trên) và/hoặc địa chỉ email, mỗi dòng một; để trống: không báo"),
        new(ApprovalLabel, p => p.Approval switch { ApprovalModes.Required => ApprovalRequired, ApprovalModes.None => ApprovalNone, var other => other }, $"{ApprovalRequired}: văn phòng rà soát, người ký phê duyệt rồi mới gửi; {ApprovalNone}: gửi tự động đúng hạn; để trống như {ApprovalNone}"),
        new("Lịch: các tháng có báo cáo tháng", p => p.Calendar is null ? null : string.Join(", ", p.Calendar.MonthlyMonths.Select(I)), "để trống cả các dòng Lịch để dùng lịch mặc định; mặc định 1, 2, 4, 5, 7, 8, 10, 11"),
        new("Lịch: hạn báo cáo tháng (ngày)", p => p.Calendar is null ? null : I(p.Calendar.MonthlyDueDay), "mặc định 12"),
        new("Lịch: hạn báo cáo quý, 6, 9 tháng, năm (ngày)", p => p.Calendar is null ? null : I(p.Calendar.CumulativeDueDay), "mặc định 5 (của tháng cuối quý)"),
        new("Lịch: chốt số liệu trước hạn (ngày)", p => p.Calendar is null ? null : I(p.Calendar.CutOffDaysBeforeDue), "mặc định 1"),
        new("Lịch: bộ phận gửi trước hạn (ngày)", p => p.Calendar is null ? null : I(p.Calendar.DepartmentLeadDays), "mặc định 0"),
        new("Lịch: nhắc việc (ngày so với hạn)", p => p.Calendar is null ? null : string.Join(", ", p.Calendar.ReminderDays.Select(I)), "mặc định -3, -1, 1"),
        new("Lịch: giờ gửi báo cáo", p => p.Calendar?.SendTime, "HH:mm, mặc định 17:00"),
        new("Lịch: căn cứ", p => p.Calendar?.Source, "mục của kế hoạch quy định chế độ báo cáo"),
        new("Ghi chú kế hoạch", p => Lines(p.Notes), "mỗi dòng một ghi chú"),
    ];

    private const string LateNoticeLabel = "Báo chậm gửi báo cáo cho";
    private const string LateNoticeHigherLevel = "cấp trên";
    private const string ApprovalLabel = "Phê duyệt trước khi gửi";
    private const string ApprovalRequired = "bắt buộc";
    private const string ApprovalNone = "không";

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string? Lines(IReadOnlyList<string> items) => items.Count == 0 ? null : string.Join("\n", items);

    private const int MaxRows = 2000;

    /// <summary>A blank plan workbook: instructions on its first sheet, every sheet with its headers and drop-downs.</summary>
    public static void WriteTemplate(Stream output) => Write(null, output);

    /// <summary>The plan as a workbook; <see cref="Read"/> of it gives the same plan.</summary>
    public static void Write(Plan? plan, Stream output)
    {
        var book = new WorkbookWriter();
        var guide = book.AddSheet(GuideSheet).Widths(30, 100);
        string[] instructions =
        [
            "Kế hoạch chuyển đổi số dưới dạng bảng tính",
            "Điền các trang Thông tin chung, Bộ phận, Chỉ tiêu, Nhiệm vụ, Kinh phí, Số liệu nền; không đổi tên trang hay tiêu đề cột.",
            "Thông tin chung: mỗi dòng một Mục; cột Nội dung là giá trị. Danh sách (nơi nhận, ghi chú, thẩm quyền ký) ghi mỗi mục một dòng trong ô (Alt+Enter).",
            "Bộ phận: Mã viết hoa không dấu (VP, VHXH, TTPVHCC); Chủ trì và Phối hợp ở các trang khác dùng các mã này (Phối hợp: nhiều mã cách nhau bằng dấu phẩy).",
            "Chỉ tiêu: So sánh là >=, >, <=, <, = hoặc done (hoàn thành); Mục tiêu là số (bỏ trống khi done); Mục tiêu (nguyên văn) là lời văn của kế hoạch; Cộng dồn: sum, latest, ratio hoặc để trống.",
            "Nhiệm vụ: Thời gian thực hiện ghi như văn bản: Thường xuyên, Năm 2026, Quý I năm 2026, Hằng tháng, Trước ngày 30/6/2026 …",
            "Nguồn: stated (kế hoạch nêu) hoặc assumed (giả định), chưa được lưu cho đến khi mô hình kế hoạch có trường nguồn.",
            "Số liệu nền: Giá trị là số đếm; Tỷ lệ nêu trong kế hoạch là phần trăm in trong văn bản; Mẫu số là Mã của số liệu mà số này là một phần; Tử số để trống (hoặc chính Mã của dòng).",
            "Kiểm tra: `validate tệp.xlsx`; nhập: `plans import tệp.xlsx --out seeds/<mã>.json`. Mọi lỗi được báo theo ô, ví dụ Chỉ tiêu!G12.",
        ];
        for (var i = 0; i < instructions.Length; i++) guide.Set(i + 1, 1, i == 0 ? instructions[i] : I(i), i == 0 ? CellStyle.Title : CellStyle.Header).Set(i + 1, 2, i == 0 ? "" : instructions[i], CellStyle.Locked);
        guide.Protect();

        var general = book.AddSheet(GeneralSheet).Header(GeneralHeaders).Widths(40, 90, 60);
        general.Set(1, 3, "Hướng dẫn", CellStyle.Header);
        for (var i = 0; i < General.Count; i++)
            general.Set(i + 2, 1, General[i].Label, CellStyle.Locked)
                .Set(i + 2, 2, plan is null ? null : General[i].Get(plan), CellStyle.Input)
                .Set(i + 2, 3, General[i].Help, CellStyle.Locked);
        general.Protect();

        var departments = book.AddSheet(DepartmentsSheet).Header(DepartmentHeaders).Widths(14, 50, 34, 60);
        var rows = 1;
        foreach (var d in plan?.Departments ?? [])
        {
            rows++;
            departments.Set(rows, 1, d.Code, CellStyle.Input).Set(rows, 2, d.Name, CellStyle.Input).Set(rows, 3, d.Email, CellStyle.Input).Set(rows, 4, d.Note, CellStyle.Input);
        }
        Blank(departments, rows, DepartmentHeaders.Length);
        departments.Protect();

        var departmentList = CellReference.Range(DepartmentsSheet, $"$A$2:$A${MaxRows}");
        var indicators = book.AddSheet(IndicatorsSheet).Header(IndicatorHeaders).Widths(8, 24, 60, 10, 10, 10, 12, 16, 10, 50, 30, 10);
        rows = 1;
        foreach (var x in plan?.Indicators ?? [])
        {
            rows++;
            object?[] values = [x.Code, x.Group, x.Name, x.Unit, x.Target.Op, x.Target.Value, x.Lead, Codes(x.Coordinators), Summary(x.Provenance?.Entries), x.Note, x.Target.Text, x.Aggregation, Detail(x.Provenance)];
            Row(indicators, rows, values, 6);
        }
        Blank(indicators, rows, IndicatorHeaders.Length, 6);
        indicators.ListValidation($"E2:E{MaxRows}", IndicatorTarget.Ops.Order(StringComparer.Ordinal), "So sánh: >=, >, <=, <, = hoặc done")
            .ListValidationFormula($"G2:G{MaxRows}", departmentList, "Mã một bộ phận ở trang Bộ phận")
            .ListValidation($"I2:I{MaxRows}", Sources, "stated hoặc assumed")
            .ListValidation($"L2:L{MaxRows}", Aggregations, "sum, latest hoặc ratio")
            .DecimalValidation($"F2:F{MaxRows}", -1_000_000_000m, 1_000_000_000_000m, "Mục tiêu là một số")
            .Protect();

        var tasks = book.AddSheet(TasksSheet).Header(TaskHeaders).Widths(10, 70, 12, 16, 24, 10, 50, 30);
        rows = 1;
        foreach (var t in plan?.Tasks ?? [])
        {
            rows++;
            Row(tasks, rows, [t.Code, t.Name, t.Lead, Codes(t.Coordinators), t.Timeframe, Summary(t.Provenance?.Entries), t.Note, t.Group, Detail(t.Provenance)], 0);
        }
        Blank(tasks, rows, TaskHeaders.Length);
        tasks.ListValidationFormula($"C2:C{MaxRows}", departmentList, "Mã một bộ phận ở trang Bộ phận")
            .ListValidation($"F2:F{MaxRows}", Sources, "stated hoặc assumed")
            .Protect();

        var budget = book.AddSheet(BudgetSheet).Header(BudgetHeaders).Widths(60, 16, 30, 50);
        rows = 1;
        foreach (var b in plan?.Budget ?? [])
        {
            rows++;
            Row(budget, rows, [b.Item, b.AmountMillionVnd, b.Source, b.Note], 2);
        }
        Blank(budget, rows, BudgetHeaders.Length, 2);
        budget.DecimalValidation($"B2:B{MaxRows}", 0, null, "Số tiền từ 0 trở lên (triệu đồng)").Protect();

        var statistics = book.AddSheet(StatisticsSheet).Header(StatisticHeaders).Widths(30, 50, 12, 14, 14, 24, 12, 30, 50);
        rows = 1;
        foreach (var s in plan?.Statistics ?? [])
        {
            rows++;
            Row(statistics, rows, [s.Code, s.Name, s.Value, s.StatedPercent, s.Of is null ? null : s.Code, s.Of, s.Unit, s.Period, s.Note], 3, 4);
        }
        Blank(statistics, rows, StatisticHeaders.Length, 3, 4);
        statistics.ListValidationFormula($"F2:F{MaxRows}", CellReference.Range(StatisticsSheet, $"$A$2:$A${MaxRows}"), "Mã một số liệu khác ở trang này")
            .DecimalValidation($"D2:D{MaxRows}", 0, 100, "Tỷ lệ phần trăm từ 0 đến 100")
            .Protect();
        book.Save(output);
    }

    /// <summary>
    /// The plan as a plan file: the model's JSON without the properties it derives (channels, effectiveCalendar,
    /// calendar.sendTimeOfDay), which the serializer writes but a plan file does not hold.
    /// </summary>
    public static string ToPlanFileJson(Plan plan)
    {
        var node = System.Text.Json.JsonSerializer.SerializeToNode(plan, PlanJson.Indented)!.AsObject();
        node.Remove("channels");
        node.Remove("effectiveCalendar");
        if (node["calendar"] is System.Text.Json.Nodes.JsonObject calendar) calendar.Remove("sendTimeOfDay");
        return node.ToJsonString(PlanJson.Indented) + "\n";
    }

    private static string Codes(IReadOnlyList<string> codes) => string.Join(", ", codes);

    private static void Row(SheetWriter sheet, int row, object?[] values, params int[] numberColumns)
    {
        for (var c = 0; c < values.Length; c++)
        {
            var number = numberColumns.Contains(c + 1);
            var value = values[c] is string { Length: 0 } ? null : values[c];
            sheet.Set(row, c + 1, value, number ? CellStyle.InputNumber : CellStyle.Input);
        }
    }

    /// <summary>Unlocked empty rows after the data, so the protected sheet still takes new lines.</summary>
    private static void Blank(SheetWriter sheet, int after, int columns, params int[] numberColumns)
    {
        for (var row = after + 1; row <= after + 40; row++)
            for (var c = 1; c <= columns; c++)
                sheet.Set(row, c, null, numberColumns.Contains(c) ? CellStyle.InputNumber : CellStyle.Input);
    }

    /// <summary>
    /// Reads a plan workbook: every problem named by sheet, cell and what was expected, all at once, then the plan
    /// validator's own checks (references, timeframes, calendar) mapped back to their cells. <paramref name="source"/>
    /// names the file in the validator's problems. Throws <see cref="WorkbookRefusedException"/> for a file that is not a plain .xlsx.
    /// </summary>
    public static PlanWorkbookResult Read(Stream input, string source = "workbook", long maxBytes = WorkbookReader.DefaultMaxBytes)
    {
        var book = WorkbookReader.Open(input, maxBytes);
        var problems = new List<WorkbookProblem>();
        void Error(string where, string message) => problems.Add(new WorkbookProblem(where, message));

        // Thông tin chung: Mục label → (row, text).
        var general = new Dictionary<string, (int Row, string? Text)>(StringComparer.Ordinal);
        var generalSheet = DepartmentWorkbook.Sheet(book, GeneralSheet, GeneralHeaders, problems);
        if (generalSheet is not null)
        {
            var label = generalSheet.Column("Mục")!.Value;
            var content = generalSheet.Column("Nội dung")!.Value;
            for (var r = 2; r <= generalSheet.LastRow; r++)
            {
                if (generalSheet.Text(r, label) is not { } name) continue;
                if (General.All(g => g.Label != name)) Error(generalSheet.Ref(r, label), $"unknown Mục \"{name}\"; expected one of the rows the template lists ({General[0].Label}, {General[1].Label}, …)");
                else if (!general.TryAdd(name, (r, generalSheet.Text(r, content)))) Error(generalSheet.Ref(r, label), $"Mục \"{name}\" appears twice; expected it once");
            }
        }
        string Where(string label) => general.TryGetValue(label, out var g) && generalSheet is not null ? generalSheet.Ref(g.Row, 2) : $"{GeneralSheet}!{label}";
        string? Get(string label) => general.TryGetValue(label, out var g) ? g.Text : null;
        ReportIssuer? ReportsOf(string? text)
        {
            if (text is null) return null;
            try
            {
                return System.Text.Json.JsonSerializer.Deserialize<ReportIssuer>(text, PlanJson.Options);
            }
            catch (System.Text.Json.JsonException)
            {
                Error(Where("Ban hành báo cáo (chi tiết)"), "expected the reports' issuer as exported (JSON: issuingBody, symbol, signer), or an empty cell for UBND xã, BC-UBND and the signer above");
                return null;
            }
        }
        string Required(string label)
        {
            if (Get(label) is { } text) return text;
            if (generalSheet is not null) Error(Where(label), $"expected {label} (Mục \"{label}\")");
            return "";
        }
        int? Int(string label)
        {
            if (Get(label) is not { } text) return null;
            if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)) return v;
            Error(Where(label), $"expected a whole number, got \"{text}\"");
            return null;
        }
        List<int>? Ints(string label)
        {
            if (Get(label) is not { } text) return null;
            var list = new List<int>();
            foreach (var part in text.Split([',', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (int.TryParse(part, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)) list.Add(v);
                else Error(Where(label), $"expected whole numbers separated by commas, got \"{part}\"");
            }
            return list;
        }
        static List<string> SplitLines(string? text) => text is null ? [] : text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();

        var id = Required("Mã kế hoạch");
        var year = Int("Năm kế hoạch");
        if (year is null && Get("Năm kế hoạch") is null && generalSheet is not null) Error(Where("Năm kế hoạch"), "expected the plan's year, e.g. 2026");
        DateOnly? date = null;
        if (Get("Ngày kế hoạch") is { } dateText)
        {
            if (DateOnly.TryParseExact(dateText, ["yyyy-MM-dd", "dd/MM/yyyy", "d/M/yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) date = d;
            else if (double.TryParse(dateText, NumberStyles.Float, CultureInfo.InvariantCulture, out var serial) && serial is > 1 and < 2958465) date = DateOnly.FromDateTime(DateTime.FromOADate(serial));
            else Error(Where("Ngày kế hoạch"), $"expected a date such as 2026-01-15 or 15/01/2026, got \"{dateText}\"");
        }
        CalendarSettings? calendar = null;
        if (General.Where(g => g.Label.StartsWith("Lịch:", StringComparison.Ordinal)).Any(g => Get(g.Label) is not null))
        {
            var defaults = CalendarSettings.Default;
            calendar = new CalendarSettings
            {
                MonthlyMonths = Ints("Lịch: các tháng có báo cáo tháng") ?? defaults.MonthlyMonths,
                MonthlyDueDay = Int("Lịch: hạn báo cáo tháng (ngày)") ?? defaults.MonthlyDueDay,
                CumulativeDueDay = Int("Lịch: hạn báo cáo quý, 6, 9 tháng, năm (ngày)") ?? defaults.CumulativeDueDay,
                CutOffDaysBeforeDue = Int("Lịch: chốt số liệu trước hạn (ngày)") ?? defaults.CutOffDaysBeforeDue,
                DepartmentLeadDays = Int("Lịch: bộ phận gửi trước hạn (ngày)") ?? defaults.DepartmentLeadDays,
                ReminderDays = Ints("Lịch: nhắc việc (ngày so với hạn)") ?? defaults.ReminderDays,
                SendTime = Get("Lịch: giờ gửi báo cáo") ?? defaults.SendTime,
                Source = Get("Lịch: căn cứ"),
            };
        }
        // The workbook's words, or the plan file's own (an export of a hand-edited file); anything else the validator names.
        var approval = Get(ApprovalLabel)?.Trim() switch
        {
            null => null,
            var a when string.Equals(a, ApprovalRequired, StringComparison.OrdinalIgnoreCase) => ApprovalModes.Required,
            var a when string.Equals(a, ApprovalNone, StringComparison.OrdinalIgnoreCase) => ApprovalModes.None,
            var a => a,
        };
        var channels = Get("Kênh gửi báo cáo")?.Split([',', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // The workbook's word for the level above, or the plan file's own; an address as typed, checked by the validator.
        var lateNotice = Get(LateNoticeLabel) is { } notice
            ? SplitLines(notice).Select(v => string.Equals(v, LateNoticeHigherLevel, StringComparison.OrdinalIgnoreCase) ? LateNoticeRecipients.HigherLevel : v).ToList()
            : null;
        var delivery = channels is null && lateNotice is null ? null : new DeliverySettings { Channels = channels ?? [], LateNotice = lateNotice };

        // Bộ phận first: the other sheets' Chủ trì and Phối hợp are checked against it.
        var departments = new List<Department>();
        var departmentRows = new List<int>();
        var departmentSheet = DepartmentWorkbook.Sheet(book, DepartmentsSheet, DepartmentHeaders[..3], problems);
        if (departmentSheet is not null)
        {
            var c = Columns(departmentSheet, DepartmentHeaders);
            foreach (var r in departmentSheet.DataRows(c.Values))
            {
                departmentRows.Add(r);
                departments.Add(new Department
                {
                    Code = Need(departmentSheet, r, c["Mã"], "a department code such as VP", problems),
                    Name = Need(departmentSheet, r, c["Tên bộ phận"], "the department's name", problems),
                    Email = Need(departmentSheet, r, c["Email"], "the department's email address", problems),
                    Note = Optional(departmentSheet, r, c, "Ghi chú"),
                });
            }
        }
        var known = departments.Select(d => d.Code).Where(code => code.Length > 0).ToHashSet(StringComparer.Ordinal);
        var knownList = string.Join(", ", departments.Select(d => d.Code).Take(8)) + (departments.Count > 8 ? ", …" : "");
        string Lead(SheetReader sheet, int row, int column)
        {
            var code = Need(sheet, row, column, "the lead department's code (Bộ phận: " + knownList + ")", problems);
            if (code.Length > 0 && departmentSheet is not null && !known.Contains(code))
                Error(sheet.Ref(row, column), $"\"{code}\" is not a department of this plan (Bộ phận: {knownList})");
            return code;
        }
        List<string> Coordinators(SheetReader sheet, int row, int column)
        {
            var codes = (sheet.Text(row, column) ?? "").Split([',', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            foreach (var code in codes.Where(code => departmentSheet is not null && !known.Contains(code)))
                Error(sheet.Ref(row, column), $"\"{code}\" is not a department of this plan (Bộ phận: {knownList})");
            return codes;
        }
        // Nguồn (the summary) alone marks the lead; Nguồn (chi tiết), when present, is every entry as exported.
        T? Source<T>(SheetReader sheet, int row, IReadOnlyDictionary<string, int> c, Func<Provenance, T> leadOnly) where T : class
        {
            var summary = sheet.Text(row, c["Nguồn"]);
            if (summary is not null && !Sources.Contains(summary))
            {
                Error(sheet.Ref(row, c["Nguồn"]), $"expected {string.Join(" or ", Sources)}, got \"{summary}\"");
                return null;
            }
            if (c.TryGetValue("Nguồn (chi tiết)", out var detailColumn) && sheet.Text(row, detailColumn) is { } detail)
            {
                try
                {
                    return System.Text.Json.JsonSerializer.Deserialize<T>(detail, PlanJson.Options);
                }
                catch (System.Text.Json.JsonException)
                {
                    Error(sheet.Ref(row, detailColumn), "expected the sources as exported (JSON: lead, coordinators, target or timeframe, each with source and words or reason), or an empty cell");
                    return null;
                }
            }
            if (summary is null) return null;
            var note = sheet.Text(row, c["Ghi chú"]);
            return leadOnly(summary == Provenance.Assumed
                ? new Provenance { Source = Provenance.Assumed, Reason = note ?? "ghi là giả định trong bảng tính, không nêu lý do" }
                : new Provenance { Source = Provenance.Stated });
        }

        var indicators = new List<Indicator>();
        var indicatorRows = new List<int>();
        var indicatorSheet = DepartmentWorkbook.Sheet(book, IndicatorsSheet, IndicatorHeaders[..10], problems);
        if (indicatorSheet is not null)
        {
            var c = Columns(indicatorSheet, IndicatorHeaders);
            foreach (var r in indicatorSheet.DataRows(c.Values))
            {
                var op = Need(indicatorSheet, r, c["So sánh"], "a comparison: >=, >, <=, <, = or done", problems);
                if (op.Length > 0 && !IndicatorTarget.Ops.Contains(op))
                    Error(indicatorSheet.Ref(r, c["So sánh"]), $"\"{op}\" is not a comparison; expected >=, >, <=, <, = or done");
                var value = DepartmentWorkbook.Number(indicatorSheet, r, c["Mục tiêu"], problems);
                var aggregation = Optional(indicatorSheet, r, c, "Cộng dồn");
                var provenance = Source(indicatorSheet, r, c, lead => new IndicatorProvenance { Lead = lead });
                indicatorRows.Add(r);
                indicators.Add(new Indicator
                {
                    Code = Need(indicatorSheet, r, c["Mã"], "the indicator's code", problems),
                    Group = Need(indicatorSheet, r, c["Nhóm"], "the indicator's group (trụ cột), e.g. Chính quyền số", problems),
                    Name = Need(indicatorSheet, r, c["Chỉ tiêu"], "the indicator's name", problems),
                    Unit = Need(indicatorSheet, r, c["Đơn vị tính"], "the unit, e.g. %", problems),
                    Target = new IndicatorTarget { Op = op, Value = value, Text = Optional(indicatorSheet, r, c, "Mục tiêu (nguyên văn)") },
                    Aggregation = aggregation,
                    Lead = Lead(indicatorSheet, r, c["Chủ trì"]),
                    Coordinators = Coordinators(indicatorSheet, r, c["Phối hợp"]),
                    Note = Optional(indicatorSheet, r, c, "Ghi chú"),
                    Provenance = provenance,
                });
            }
        }

        var tasks = new List<PlanTask>();
        var taskRows = new List<int>();
        var taskSheet = DepartmentWorkbook.Sheet(book, TasksSheet, TaskHeaders[..7], problems);
        if (taskSheet is not null)
        {
            var c = Columns(taskSheet, TaskHeaders);
            foreach (var r in taskSheet.DataRows(c.Values))
            {
                var provenance = Source(taskSheet, r, c, lead => new TaskProvenance { Lead = lead });
                taskRows.Add(r);
                tasks.Add(new PlanTask
                {
                    Code = Need(taskSheet, r, c["Mã"], "the task's code", problems),
                    Group = Optional(taskSheet, r, c, "Nhóm"),
                    Name = Need(taskSheet, r, c["Nhiệm vụ"], "the task's text", problems),
                    Lead = Lead(taskSheet, r, c["Chủ trì"]),
                    Coordinators = Coordinators(taskSheet, r, c["Phối hợp"]),
                    Timeframe = Need(taskSheet, r, c["Thời gian thực hiện"], "the timeframe as written, e.g. Thường xuyên or Quý I năm 2026", problems),
                    Note = Optional(taskSheet, r, c, "Ghi chú"),
                    Provenance = provenance,
                });
            }
        }

        var budget = new List<BudgetLine>();
        var budgetRows = new List<int>();
        var budgetSheet = DepartmentWorkbook.Sheet(book, BudgetSheet, BudgetHeaders[..3], problems);
        if (budgetSheet is not null)
        {
            var c = Columns(budgetSheet, BudgetHeaders);
            foreach (var r in budgetSheet.DataRows(c.Values))
            {
                var amount = DepartmentWorkbook.Number(budgetSheet, r, c["Số tiền (triệu đồng)"], problems);
                if (amount is null && budgetSheet.Text(r, c["Số tiền (triệu đồng)"]) is null) Error(budgetSheet.Ref(r, c["Số tiền (triệu đồng)"]), "expected the amount in million VND");
                budgetRows.Add(r);
                budget.Add(new BudgetLine
                {
                    Item = Need(budgetSheet, r, c["Nội dung"], "what the money is for", problems),
                    AmountMillionVnd = amount ?? 0,
                    Source = Need(budgetSheet, r, c["Nguồn vốn"], "the funding source, e.g. Ngân sách xã", problems),
                    Note = Optional(budgetSheet, r, c, "Ghi chú"),
                });
            }
        }

        var statistics = new List<BaselineStatistic>();
        var statisticRows = new List<int>();
        var statisticSheet = DepartmentWorkbook.Sheet(book, StatisticsSheet, StatisticHeaders[..6], problems);
        if (statisticSheet is not null)
        {
            var c = Columns(statisticSheet, StatisticHeaders);
            foreach (var r in statisticSheet.DataRows(c.Values))
            {
                var code = Need(statisticSheet, r, c["Mã"], "the statistic's code, e.g. dossiers_received", problems);
                var value = DepartmentWorkbook.Number(statisticSheet, r, c["Giá trị"], problems);
                if (value is null && statisticSheet.Text(r, c["Giá trị"]) is null) Error(statisticSheet.Ref(r, c["Giá trị"]), "expected the value (a number)");
                if (statisticSheet.Text(r, c["Tử số"]) is { } numerator && numerator != code)
                    Error(statisticSheet.Ref(r, c["Tử số"]), $"expected blank or this row's own code \"{code}\" (the count is Giá trị; Mẫu số names the statistic it is a share of), got \"{numerator}\"");
                statisticRows.Add(r);
                statistics.Add(new BaselineStatistic
                {
                    Code = code,
                    Name = Need(statisticSheet, r, c["Nội dung"], "what the figure counts", problems),
                    Value = value ?? 0,
                    StatedPercent = DepartmentWorkbook.Number(statisticSheet, r, c["Tỷ lệ nêu trong kế hoạch"], problems),
                    Of = statisticSheet.Text(r, c["Mẫu số"]),
                    Unit = Optional(statisticSheet, r, c, "Đơn vị tính"),
                    Period = Optional(statisticSheet, r, c, "Thời kỳ"),
                    Note = Optional(statisticSheet, r, c, "Ghi chú"),
                });
            }
        }

        if (problems.Any(p => !p.IsWarning) || year is null)
            return new PlanWorkbookResult(null, problems);

        var plan = new Plan
        {
            Schema = "./plan.schema.json",
            Id = id,
            Year = year.Value,
            Commune = new Commune { Name = Required("Tên xã/phường"), Kind = Required("Loại đơn vị"), District = Get("Huyện (trước 7/2025)"), Province = Required("Tỉnh") },
            HigherLevel = new HigherLevel { Name = Required("Cấp trên nhận báo cáo"), Email = Required("Email cấp trên"), Note = Get("Ghi chú cấp trên") },
            Document = new PlanDocument { Number = Get("Số kế hoạch") ?? "", Date = date, Title = Required("Tên kế hoạch"), Note = Get("Ghi chú văn bản") },
            Signer = new Signer { AuthorityLines = SplitLines(Get("Thẩm quyền ký")), Title = Required("Chức vụ người ký"), Name = Required("Người ký") },
            Recipients = SplitLines(Get("Nơi nhận")),
            Departments = departments,
            Indicators = indicators,
            Tasks = tasks,
            Budget = budget,
            Statistics = statistics,
            Calendar = calendar,
            Delivery = delivery,
            Notes = SplitLines(Get("Ghi chú kế hoạch")),
            Reports = ReportsOf(Get("Ban hành báo cáo (chi tiết)")),
            Approval = approval,
        };
        if (problems.Any(p => !p.IsWarning)) return new PlanWorkbookResult(null, problems);

        // The plan validator's checks, each put back on its cell.
        foreach (var problem in PlanValidator.Check(source, plan))
        {
            var where = CellOf(problem.Path, Where, departmentRows, indicatorRows, taskRows, budgetRows, statisticRows);
            if (!problem.IsWarning && problems.Any(p => p.Where == where && !p.IsWarning)) continue;
            problems.Add(new WorkbookProblem(where, problem.Message, problem.IsWarning));
        }
        return new PlanWorkbookResult(problems.Any(p => !p.IsWarning) ? null : plan, problems);
    }

    private static string CellOf(string path, Func<string, string> general, List<int> departments, List<int> indicators, List<int> tasks, List<int> budget, List<int> statistics)
    {
        var m = ItemPath().Match(path);
        if (m.Success)
        {
            var index = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            var field = m.Groups[3].Value;
            var (sheet, headers, rows) = m.Groups[1].Value switch
            {
                "departments" => (DepartmentsSheet, DepartmentHeaders, departments),
                "indicators" => (IndicatorsSheet, IndicatorHeaders, indicators),
                "tasks" => (TasksSheet, TaskHeaders, tasks),
                "budget" => (BudgetSheet, BudgetHeaders, budget),
                _ => (StatisticsSheet, StatisticHeaders, statistics),
            };
            var header = field switch
            {
                "code" => "Mã",
                "email" => "Email",
                "lead" => "Chủ trì",
                "timeframe" => "Thời gian thực hiện",
                "target.op" => "So sánh",
                "target.value" => "Mục tiêu",
                "aggregation" => "Cộng dồn",
                "amountMillionVnd" => "Số tiền (triệu đồng)",
                "of" => "Mẫu số",
                "statedPercent" => "Tỷ lệ nêu trong kế hoạch",
                _ when field.StartsWith("coordinators", StringComparison.Ordinal) => "Phối hợp",
                _ => headers[0],
            };
            if (index < rows.Count) return CellReference.Of(sheet, rows[index], Array.IndexOf(headers, header) + 1);
            return sheet;
        }
        return path switch
        {
            "$.id" => general("Mã kế hoạch"),
            "$.departments" => DepartmentsSheet,
            _ when path.StartsWith("$.calendar.monthlyMonths", StringComparison.Ordinal) => general("Lịch: các tháng có báo cáo tháng"),
            "$.calendar.cutOffDaysBeforeDue" => general("Lịch: chốt số liệu trước hạn (ngày)"),
            "$.calendar.sendTime" => general("Lịch: giờ gửi báo cáo"),
            _ when path.StartsWith("$.delivery.lateNotice", StringComparison.Ordinal) => general(LateNoticeLabel),
            _ when path.StartsWith("$.delivery", StringComparison.Ordinal) => general("Kênh gửi báo cáo"),
            "$.approval" => general(ApprovalLabel),
            _ => GeneralSheet,
        };
    }

    [GeneratedRegex(@"^\$\.(departments|indicators|tasks|budget|statistics)\[(\d+)\]\.(.+)$")]
    private static partial Regex ItemPath();

    private static Dictionary<string, int> Columns(SheetReader sheet, IEnumerable<string> headers) =>
        headers.Where(h => sheet.Column(h) is not null).ToDictionary(h => h, h => sheet.Column(h)!.Value, StringComparer.Ordinal);

    private static string? Optional(SheetReader sheet, int row, Dictionary<string, int> columns, string header) =>
        columns.TryGetValue(header, out var c) ? sheet.Text(row, c) : null;

    private static string Need(SheetReader sheet, int row, int column, string expected, List<WorkbookProblem> problems)
    {
        if (sheet.Text(row, column) is { } text) return text;
        problems.Add(new WorkbookProblem(sheet.Ref(row, column), $"expected {expected}"));
        return "";
    }

    private static string? Summary(IEnumerable<(string Field, Provenance Value)>? entries)
    {
        var list = entries?.ToList();
        if (list is not { Count: > 0 }) return null;
        return list.Any(e => e.Value.IsAssumed) ? Provenance.Assumed : Provenance.Stated;
    }

    private static string? Detail<T>(T? provenance) where T : class =>
        provenance is null ? null : System.Text.Json.JsonSerializer.Serialize(provenance, PlanJson.Options);
}
