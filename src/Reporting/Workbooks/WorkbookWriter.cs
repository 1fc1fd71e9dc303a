using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace ChuyenDoiSo.Reporting.Workbooks;

/// <summary>How a cell looks and whether a user may type in it (the sheet is protected; input cells are unlocked).</summary>
public enum CellStyle : uint
{
    /// <summary>Locked text, wrapped: what the hub wrote and the user should not change.</summary>
    Locked = 0,
    /// <summary>Bold header on a grey fill, locked.</summary>
    Header = 1,
    /// <summary>Unlocked text, wrapped.</summary>
    Input = 2,
    /// <summary>Unlocked number (General: 85, 85.5).</summary>
    InputNumber = 3,
    /// <summary>Unlocked count (#,##0).</summary>
    InputCount = 4,
    /// <summary>Locked number (General).</summary>
    LockedNumber = 5,
    /// <summary>Bold locked text: a title line.</summary>
    Title = 6,
}

/// <summary>Whether a sheet shows in Excel's tabs. Very hidden sheets cannot be unhidden from Excel's menus.</summary>
public enum SheetVisibility
{
    Visible,
    Hidden,
    VeryHidden,
}

/// <summary>
/// The one workbook layer both workbooks (a department's report, a commune's plan) are written with: sheets by name,
/// a header row, rows of text or numbers, column widths, drop-down lists and number validation, sheet protection with
/// unlocked input cells, defined names. Built on the Open XML SDK (DocumentFormat.OpenXml, MIT, maintained by
/// Microsoft, already used for DOCX): it writes plain .xlsx without Excel and reads what Excel and LibreOffice save.
/// Strings are written inline (no shared-string table to keep in step); numbers in invariant culture.
/// </summary>
public sealed class WorkbookWriter
{
    private readonly List<SheetWriter> _sheets = [];
    private readonly List<(string Name, string Reference)> _names = [];

    public SheetWriter AddSheet(string name, SheetVisibility visibility = SheetVisibility.Visible)
    {
        var sheet = new SheetWriter(name, visibility);
        _sheets.Add(sheet);
        return sheet;
    }

    /// <summary>A workbook-level defined name, e.g. ("HubPlanId", "'_hub'!$B$2").</summary>
    public void DefineName(string name, string reference) => _names.Add((name, reference));

    public void Save(Stream output)
    {
        using var document = SpreadsheetDocument.Create(output, SpreadsheetDocumentType.Workbook);
        var workbookPart = document.AddWorkbookPart();
        var styles = workbookPart.AddNewPart<WorkbookStylesPart>();
        styles.Stylesheet = Stylesheet();
        var sheets = new Sheets();
        uint id = 1;
        foreach (var sheet in _sheets)
        {
            var part = workbookPart.AddNewPart<WorksheetPart>();
            part.Worksheet = sheet.Build();
            var entry = new Sheet { Name = sheet.Name, SheetId = id++, Id = workbookPart.GetIdOfPart(part) };
            if (sheet.Visibility != SheetVisibility.Visible)
                entry.State = sheet.Visibility == SheetVisibility.Hidden ? SheetStateValues.Hidden : SheetStateValues.VeryHidden;
            sheets.Append(entry);
        }
        var workbook = new Workbook();
        // The first visible sheet opens first (a hidden first tab would confuse Excel's active-tab choice).
        var firstVisible = _sheets.FindIndex(s => s.Visibility == SheetVisibility.Visible);
        workbook.Append(new BookViews(new WorkbookView { ActiveTab = (uint)Math.Max(firstVisible, 0), FirstSheet = (uint)Math.Max(firstVisible, 0) }));
        workbook.Append(sheets);
        if (_names.Count > 0)
            workbook.Append(new DefinedNames(_names.Select(n => new DefinedName(n.Reference) { Name = n.Name })));
        workbookPart.Workbook = workbook;
        workbookPart.Workbook.Save();
    }

    private static Stylesheet Stylesheet()
    {
        var fonts = new Fonts(
            new Font(new FontSize { Val = 11 }, new FontName { Val = "Times New Roman" }),
            new Font(new Bold(), new FontSize { Val = 11 }, new FontName { Val = "Times New Roman" }));
        var fills = new Fills(
            new Fill(new PatternFill { PatternType = PatternValues.None }),
            new Fill(new PatternFill { PatternType = PatternValues.Gray125 }),
            new Fill(new PatternFill(new ForegroundColor { Rgb = "FFD9D9D9" }) { PatternType = PatternValues.Solid }),
            new Fill(new PatternFill(new ForegroundColor { Rgb = "FFFFF2CC" }) { PatternType = PatternValues.Solid }));
        var borders = new Borders(
            new Border(),
            new Border(
                new LeftBorder { Style = BorderStyleValues.Thin }, new RightBorder { Style = BorderStyleValues.Thin },
                new TopBorder { Style = BorderStyleValues.Thin }, new BottomBorder { Style = BorderStyleValues.Thin }, new DiagonalBorder()));
        static CellFormat Format(uint font, uint fill, uint numberFormat, bool locked) => new(
            new Alignment { WrapText = true, Vertical = VerticalAlignmentValues.Top },
            new Protection { Locked = locked })
        {
            FontId = font, FillId = fill, BorderId = 1, NumberFormatId = numberFormat,
            ApplyFont = true, ApplyFill = true, ApplyBorder = true, ApplyNumberFormat = true, ApplyAlignment = true, ApplyProtection = true,
        };
        // Order = CellStyle values. Input cells are tinted so a user sees where to type.
        var formats = new CellFormats(
            Format(0, 0, 0, locked: true),
            Format(1, 2, 0, locked: true),
            Format(0, 3, 49, locked: false), // 49: "@" text, so codes such as 1.10 stay as typed
            Format(0, 3, 0, locked: false),
            Format(0, 3, 3, locked: false),  // 3: #,##0
            Format(0, 0, 0, locked: true),
            Format(1, 0, 0, locked: true));
        return new Stylesheet(fonts, fills, borders,
            new CellStyleFormats(new CellFormat { FontId = 0, FillId = 0, BorderId = 0, NumberFormatId = 0 }),
            formats,
            new CellStyles(new DocumentFormat.OpenXml.Spreadsheet.CellStyle { Name = "Normal", FormatId = 0, BuiltinId = 0 }));
    }
}

/// <summary>One sheet being written: rows are 1-based, columns 1-based.</summary>
public sealed class SheetWriter
{
    private readonly SortedDictionary<int, SortedDictionary<int, (object? Value, CellStyle Style)>> _cells = [];
    private readonly List<(int Column, double Width)> _widths = [];
    private readonly List<DataValidation> _validations = [];
    private bool _protected;
    private int _frozenRows;

    internal SheetWriter(string name, SheetVisibility visibility)
    {
        Name = name;
        Visibility = visibility;
    }

    public string Name { get; }
    public SheetVisibility Visibility { get; }
    public int LastRow => _cells.Count == 0 ? 0 : _cells.Keys.Max();

    /// <summary>Header texts in row 1, bold and locked, frozen so they stay in view.</summary>
    public SheetWriter Header(params string[] headers)
    {
        for (var i = 0; i < headers.Length; i++) Set(1, i + 1, headers[i], CellStyle.Header);
        _frozenRows = 1;
        return this;
    }

    public SheetWriter Widths(params double[] widths)
    {
        for (var i = 0; i < widths.Length; i++) _widths.Add((i + 1, widths[i]));
        return this;
    }

    /// <summary>A value: string (text), decimal/int (number) or null (an empty cell that still carries its style).</summary>
    public SheetWriter Set(int row, int column, object? value, CellStyle style)
    {
        if (!_cells.TryGetValue(row, out var cells)) _cells[row] = cells = [];
        cells[column] = (value, style);
        return this;
    }

    /// <summary>A drop-down of fixed values (at most 255 characters in all, Excel's limit for an inline list).</summary>
    public SheetWriter ListValidation(string range, IEnumerable<string> values, string prompt) =>
        ListValidationFormula(range, "\"" + string.Join(",", values) + "\"", prompt);

    /// <summary>A drop-down whose values are a range, e.g. 'Bộ phận'!$A$2:$A$500.</summary>
    public SheetWriter ListValidationFormula(string range, string formula, string prompt)
    {
        var validation = Validation(DataValidationValues.List, range, prompt);
        validation.Formula1 = new Formula1(formula);
        _validations.Add(validation);
        return this;
    }

    /// <summary>A decimal between <paramref name="min"/> and <paramref name="max"/> (or at least min when max is null).</summary>
    public SheetWriter DecimalValidation(string range, decimal min, decimal? max, string prompt)
    {
        var validation = Validation(DataValidationValues.Decimal, range, prompt);
        validation.Operator = max is null ? DataValidationOperatorValues.GreaterThanOrEqual : DataValidationOperatorValues.Between;
        validation.Formula1 = new Formula1(Number(min));
        if (max is { } m) validation.Formula2 = new Formula2(Number(m));
        _validations.Add(validation);
        return this;
    }

    /// <summary>A rule on <paramref name="range"/> that Excel explains with <paramref name="prompt"/> before and after a wrong entry.</summary>
    private static DataValidation Validation(DataValidationValues type, string range, string prompt) => new()
    {
        Type = type,
        AllowBlank = true,
        ShowInputMessage = true,
        ShowErrorMessage = true,
        ErrorTitle = "Giá trị không hợp lệ",
        Error = prompt,
        Prompt = prompt,
        SequenceOfReferences = new ListValue<StringValue> { InnerText = range },
    };

    /// <summary>Protects the sheet: locked cells cannot be changed; unlocked (input) cells can. No password: it guards against accidents, not people.</summary>
    public SheetWriter Protect()
    {
        _protected = true;
        return this;
    }

    internal Worksheet Build()
    {
        var worksheet = new Worksheet();
        var view = new SheetView { WorkbookViewId = 0 };
        if (_frozenRows > 0)
            view.Append(new Pane { VerticalSplit = _frozenRows, TopLeftCell = $"A{_frozenRows + 1}", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen });
        worksheet.Append(new SheetViews(view));
        if (_widths.Count > 0)
            worksheet.Append(new Columns(_widths.Select(w => new Column { Min = (uint)w.Column, Max = (uint)w.Column, Width = w.Width, CustomWidth = true })));
        var data = new SheetData();
        foreach (var (rowIndex, cells) in _cells)
        {
            var row = new Row { RowIndex = (uint)rowIndex };
            foreach (var (column, (value, style)) in cells)
                row.Append(Cell(CellReference.Of(rowIndex, column), value, style));
            data.Append(row);
        }
        worksheet.Append(data);
        if (_protected)
            worksheet.Append(new SheetProtection
            {
                Sheet = true, Objects = true, Scenarios = true,
                // Resizing and sorting do not change what the hub reads by header name.
                FormatColumns = false, FormatRows = false, SelectLockedCells = false, SelectUnlockedCells = false,
            });
        if (_validations.Count > 0)
            worksheet.Append(new DataValidations(_validations) { Count = (uint)_validations.Count });
        worksheet.Append(new PageMargins { Left = 0.7, Right = 0.7, Top = 0.75, Bottom = 0.75, Header = 0.3, Footer = 0.3 });
        return worksheet;
    }

    private static Cell Cell(string reference, object? value, CellStyle style)
    {
        var cell = new Cell { CellReference = reference, StyleIndex = (uint)style };
        switch (value)
        {
            case null:
                break;
            case string text:
                cell.DataType = CellValues.InlineString;
                cell.InlineString = new InlineString(new Text(text) { Space = SpaceProcessingModeValues.Preserve });
                break;
            case decimal d:
                cell.CellValue = new CellValue(Number(d));
                cell.DataType = CellValues.Number;
                break;
            case int i:
                cell.CellValue = new CellValue(i.ToString(CultureInfo.InvariantCulture));
                cell.DataType = CellValues.Number;
                break;
            default:
                throw new ArgumentException($"unsupported cell value {value.GetType().Name}", nameof(value));
        }
        return cell;
    }

    private static string Number(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A1-style references: column letters and row numbers.</summary>
public static class CellReference
{
    public static string Of(int row, int column) => $"{ColumnName(column)}{row}";

    /// <summary>"Chỉ tiêu!E7".</summary>
    public static string Of(string sheet, int row, int column) => $"{sheet}!{Of(row, column)}";

    public static string ColumnName(int column)
    {
        var name = "";
        for (var c = column; c > 0; c = (c - 1) / 26) name = (char)('A' + (c - 1) % 26) + name;
        return name;
    }

    /// <summary>Parses "E7" into (7, 5); false when it is not a cell reference.</summary>
    public static bool TryParse(string? reference, out int row, out int column)
    {
        row = 0;
        column = 0;
        if (string.IsNullOrEmpty(reference)) return false;
        var i = 0;
        while (i < reference.Length && char.IsAsciiLetter(reference[i]))
        {
            column = column * 26 + (char.ToUpperInvariant(reference[i]) - 'A' + 1);
            i++;
        }
        return i > 0 && i < reference.Length && int.TryParse(reference.AsSpan(i), NumberStyles.None, CultureInfo.InvariantCulture, out row) && row > 0;
    }

    /// <summary>"'Bộ phận'!$A$2:$A$500": a quoted sheet name for formulas.</summary>
    public static string Range(string sheet, string range) => $"'{sheet.Replace("'", "''", StringComparison.Ordinal)}'!{range}";
}
