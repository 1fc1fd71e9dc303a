using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace ChuyenDoiSo.Reporting.Workbooks;

/// <summary>One problem in a workbook: where (<c>Chỉ tiêu!E7</c>, a sheet, or the file) and what was expected.</summary>
public sealed record WorkbookProblem(string Where, string Message, bool IsWarning = false)
{
    public override string ToString() => $"{(IsWarning ? "warning: " : "")}{Where}: {Message}";
}

/// <summary>A workbook refused as a whole (not a workbook, macro-enabled, encrypted, too large): one line says why.</summary>
public sealed class WorkbookRefusedException : Exception
{
    public WorkbookRefusedException(string message)
        : base(message)
    {
    }

    public WorkbookRefusedException()
        : this("not a workbook")
    {
    }

    public WorkbookRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Reads a workbook that may be wrong anywhere: sheets by name, columns by header text (row 1), cells as text.
/// Shared strings, inline strings, numbers, booleans and cached formula results are all read as what Excel shows
/// in invariant form. Opening refuses, with one line, what is not a plain .xlsx (see <see cref="Open"/>).
/// </summary>
public sealed class WorkbookReader
{
    /// <summary>The default size limit: a department's or a commune's workbook is tens of kilobytes.</summary>
    public const long DefaultMaxBytes = 5 * 1024 * 1024;

    private readonly Dictionary<string, SheetReader> _sheets;

    private WorkbookReader(Dictionary<string, SheetReader> sheets, IReadOnlyList<string> names)
    {
        _sheets = sheets;
        SheetNames = names;
    }

    public IReadOnlyList<string> SheetNames { get; }

    public SheetReader? Sheet(string name) => _sheets.GetValueOrDefault(name);

    /// <summary>
    /// Reads the whole workbook into memory. Throws <see cref="WorkbookRefusedException"/> with one line when the input is
    /// over <paramref name="maxBytes"/>, is not a zip package (an old .xls, a CSV, a PDF), is encrypted (password-protected
    /// files are OLE containers), is macro-enabled (.xlsm content type or a VBA project part) or cannot be read as a workbook.
    /// </summary>
    public static WorkbookReader Open(Stream input, long maxBytes = DefaultMaxBytes)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = input.Read(chunk, 0, chunk.Length)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > maxBytes)
                throw new WorkbookRefusedException($"larger than the limit of {maxBytes / 1024} KB; expected a workbook written by the hub's template");
        }
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (bytes.Length >= 8 && bytes[..8].SequenceEqual((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]))
            throw new WorkbookRefusedException("an encrypted (password-protected) workbook or an old .xls file; expected an .xlsx saved without a password");
        if (bytes.Length < 4 || !bytes[..4].SequenceEqual((ReadOnlySpan<byte>)[0x50, 0x4B, 0x03, 0x04]))
            throw new WorkbookRefusedException("not an Excel workbook; expected an .xlsx file");
        buffer.Position = 0;
        SpreadsheetDocument document;
        try
        {
            // Zip-bomb guard: no part may expand past this many characters.
            document = SpreadsheetDocument.Open(buffer, false, new OpenSettings { MaxCharactersInPart = 50_000_000 });
        }
        catch (Exception e) when (e is OpenXmlPackageException or InvalidDataException or IOException or System.Xml.XmlException or InvalidOperationException or ArgumentException)
        {
            throw new WorkbookRefusedException("not an Excel workbook (the package cannot be read); expected an .xlsx file");
        }
        using (document)
        {
            if (document.DocumentType is SpreadsheetDocumentType.MacroEnabledWorkbook or SpreadsheetDocumentType.MacroEnabledTemplate or SpreadsheetDocumentType.AddIn
                || document.WorkbookPart?.VbaProjectPart is not null)
                throw new WorkbookRefusedException("a macro-enabled workbook (.xlsm); expected an .xlsx without macros");
            if (document.DocumentType is not SpreadsheetDocumentType.Workbook)
                throw new WorkbookRefusedException($"a {document.DocumentType} document; expected an .xlsx workbook");
            var workbookPart = document.WorkbookPart ?? throw new WorkbookRefusedException("not an Excel workbook (no workbook part); expected an .xlsx file");
            try
            {
                var shared = workbookPart.SharedStringTablePart?.SharedStringTable?.Elements<SharedStringItem>().Select(s => s.InnerText).ToList() ?? [];
                var sheets = new Dictionary<string, SheetReader>(StringComparer.Ordinal);
                var names = new List<string>();
                foreach (var sheet in workbookPart.Workbook?.Sheets?.Elements<Sheet>() ?? [])
                {
                    var name = sheet.Name?.Value ?? "";
                    names.Add(name);
                    if (sheet.Id?.Value is not { } id || workbookPart.GetPartById(id) is not WorksheetPart part) continue;
                    sheets[name] = SheetReader.Load(name, part, shared);
                }
                return new WorkbookReader(sheets, names);
            }
            catch (Exception e) when (e is OpenXmlPackageException or InvalidDataException or IOException or System.Xml.XmlException or ArgumentOutOfRangeException or FormatException)
            {
                throw new WorkbookRefusedException("not an Excel workbook (a sheet cannot be read); expected an .xlsx file");
            }
        }
    }
}

/// <summary>One sheet's cells as text, and its header row (row 1) by header text.</summary>
public sealed class SheetReader
{
    private readonly Dictionary<(int Row, int Column), string> _cells;

    private SheetReader(string name, Dictionary<(int, int), string> cells)
    {
        Name = name;
        _cells = cells;
        Headers = cells.Where(c => c.Key.Item1 == 1 && c.Value.Trim().Length > 0)
            .GroupBy(c => c.Value.Trim(), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Min(c => c.Key.Item2), StringComparer.Ordinal);
        LastRow = cells.Count == 0 ? 0 : cells.Keys.Max(k => k.Item1);
    }

    public string Name { get; }

    /// <summary>Header text (trimmed) → column number, from row 1.</summary>
    public IReadOnlyDictionary<string, int> Headers { get; }

    public int LastRow { get; }

    public int? Column(string header) => Headers.TryGetValue(header, out var c) ? c : null;

    /// <summary>The cell's text as shown (trimmed); null when empty.</summary>
    public string? Text(int row, int column) =>
        _cells.TryGetValue((row, column), out var text) && text.Trim() is { Length: > 0 } t ? t : null;

    /// <summary>The cell's text exactly as stored (untrimmed); null when absent.</summary>
    public string? Raw(int row, int column) => _cells.GetValueOrDefault((row, column));

    /// <summary>Rows after the header with at least one non-empty cell among <paramref name="columns"/>.</summary>
    public IEnumerable<int> DataRows(IEnumerable<int> columns)
    {
        var set = columns.ToHashSet();
        return _cells.Where(c => c.Key.Item1 > 1 && set.Contains(c.Key.Item2) && c.Value.Trim().Length > 0).Select(c => c.Key.Item1).Distinct().Order();
    }

    public string Ref(int row, int column) => CellReference.Of(Name, row, column);

    internal static SheetReader Load(string name, WorksheetPart part, IReadOnlyList<string> shared)
    {
        var cells = new Dictionary<(int, int), string>();
        using var reader = OpenXmlReader.Create(part);
        var nextRow = 0;
        while (reader.Read())
        {
            if (reader.ElementType == typeof(Row) && reader.IsStartElement)
            {
                var rowIndex = reader.Attributes.FirstOrDefault(a => a.LocalName == "r").Value;
                nextRow = rowIndex is not null && int.TryParse(rowIndex, NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : nextRow + 1;
            }
            else if (reader.ElementType == typeof(Cell) && reader.IsStartElement)
            {
                var cell = (Cell)reader.LoadCurrentElement()!;
                if (!CellReference.TryParse(cell.CellReference?.Value, out var row, out var column))
                {
                    row = nextRow;
                    column = cells.Keys.Where(k => k.Item1 == row).Select(k => k.Item2).DefaultIfEmpty(0).Max() + 1;
                }
                if (ValueOf(cell, shared) is { } value) cells[(row, column)] = value;
            }
        }
        return new SheetReader(name, cells);
    }

    private static string? ValueOf(Cell cell, IReadOnlyList<string> shared)
    {
        var type = cell.DataType?.Value;
        if (type == CellValues.InlineString) return cell.InlineString?.InnerText;
        var text = cell.CellValue?.Text;
        if (text is null) return null;
        if (type == CellValues.SharedString)
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < shared.Count ? shared[i] : null;
        if (type == CellValues.Boolean) return text == "1" ? "TRUE" : "FALSE";
        return text;
    }
}

/// <summary>Typed reads of cell text, each adding a problem naming the cell when the text is not what was expected.</summary>
public static class CellText
{
    /// <summary>A decimal in invariant form (what Excel stores for a number cell), or a typed text such as "85.5" or "85,5".</summary>
    public static bool TryDecimal(string text, out decimal value)
    {
        var t = text.Trim().Replace("\u00A0", "", StringComparison.Ordinal);
        var ok = decimal.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out value)
            // Vietnamese typing: a single decimal comma and no dot ("85,5").
            || (t.Count(c => c == ',') == 1 && !t.Contains('.', StringComparison.Ordinal)
                && decimal.TryParse(t.Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out value));
        if (ok && t.Count(char.IsAsciiDigit) > 15) value = Tidy(value);
        return ok;
    }

    /// <summary>Excel writes a decimal as the nearest double ("0.1" may come back as "0.10000000000000001"); 15 significant digits are what it shows.</summary>
    public static decimal Tidy(decimal value) =>
        decimal.Parse(((double)value).ToString("G15", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
}
