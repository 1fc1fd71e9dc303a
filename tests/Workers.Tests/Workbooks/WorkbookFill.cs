using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace ChuyenDoiSo.Workers.Tests.Workbooks;

/// <summary>
/// Fills a workbook the way an outside tool does: with the Open XML SDK, by sheet name and header text (row 1),
/// finding rows by the text in a key column. Knows nothing of the hub's own workbook code.
/// </summary>
public sealed class WorkbookFill : IDisposable
{
    private readonly SpreadsheetDocument _document;

    public WorkbookFill(string path) => _document = SpreadsheetDocument.Open(path, true);

    public void Dispose() => _document.Dispose();

    private WorksheetPart Part(string sheet)
    {
        var workbook = _document.WorkbookPart!;
        var entry = workbook.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == sheet);
        return (WorksheetPart)workbook.GetPartById(entry.Id!);
    }

    private string Text(Cell cell)
    {
        if (cell.DataType?.Value == CellValues.InlineString) return cell.InlineString?.InnerText ?? "";
        if (cell.DataType?.Value == CellValues.SharedString)
            return _document.WorkbookPart!.SharedStringTablePart!.SharedStringTable.Elements<SharedStringItem>().ElementAt(int.Parse(cell.CellValue!.Text, CultureInfo.InvariantCulture)).InnerText;
        return cell.CellValue?.Text ?? "";
    }

    private static string Column(string reference) => new(reference.TakeWhile(char.IsLetter).ToArray());

    public IReadOnlyList<string> Headers(string sheet)
    {
        var data = Part(sheet).Worksheet.GetFirstChild<SheetData>()!;
        var first = data.Elements<Row>().First(r => r.RowIndex!.Value == 1);
        return first.Elements<Cell>().Select(Text).ToList();
    }

    private string HeaderColumn(string sheet, string header)
    {
        var data = Part(sheet).Worksheet.GetFirstChild<SheetData>()!;
        var cell = data.Elements<Row>().First(r => r.RowIndex!.Value == 1).Elements<Cell>().Single(c => Text(c) == header);
        return Column(cell.CellReference!.Value!);
    }

    /// <summary>Row numbers and the key column's text, below the header.</summary>
    public IReadOnlyList<(uint Row, string Key)> Keys(string sheet, string keyHeader)
    {
        var column = HeaderColumn(sheet, keyHeader);
        var data = Part(sheet).Worksheet.GetFirstChild<SheetData>()!;
        return data.Elements<Row>().Where(r => r.RowIndex!.Value > 1)
            .SelectMany(r => r.Elements<Cell>().Where(c => Column(c.CellReference!.Value!) == column && Text(c).Length > 0).Select(c => (r.RowIndex!.Value, Text(c))))
            .ToList();
    }

    public uint RowOf(string sheet, string keyHeader, string key) => Keys(sheet, keyHeader).Single(k => k.Key == key).Row;

    /// <summary>Sets the cell under <paramref name="header"/> in <paramref name="row"/>: a number or a string (written as a shared string, as Excel does).</summary>
    public string Set(string sheet, uint row, string header, object? value)
    {
        var reference = HeaderColumn(sheet, header) + row.ToString(CultureInfo.InvariantCulture);
        var data = Part(sheet).Worksheet.GetFirstChild<SheetData>()!;
        var r = data.Elements<Row>().FirstOrDefault(x => x.RowIndex!.Value == row);
        if (r is null)
        {
            r = new Row { RowIndex = row };
            data.Append(r);
        }
        var cell = r.Elements<Cell>().FirstOrDefault(c => c.CellReference!.Value == reference);
        if (cell is null)
        {
            cell = new Cell { CellReference = reference };
            var after = r.Elements<Cell>().LastOrDefault(c => string.CompareOrdinal(Column(c.CellReference!.Value!).PadLeft(3), Column(reference).PadLeft(3)) < 0);
            if (after is null) r.PrependChild(cell);
            else after.InsertAfterSelf(cell);
        }
        cell.InlineString = null;
        cell.CellValue = null;
        switch (value)
        {
            case null:
                cell.DataType = null;
                break;
            case string s:
                cell.DataType = CellValues.SharedString;
                cell.CellValue = new CellValue(SharedString(s).ToString(CultureInfo.InvariantCulture));
                break;
            default:
                cell.DataType = CellValues.Number;
                cell.CellValue = new CellValue(Convert.ToString(value, CultureInfo.InvariantCulture)!);
                break;
        }
        return $"{sheet}!{reference}";
    }

    public string Set(string sheet, string keyHeader, string key, string header, object? value) => Set(sheet, RowOf(sheet, keyHeader, key), header, value);

    /// <summary>The text of the cell under <paramref name="header"/> in the row whose key column holds <paramref name="key"/>; "" when empty.</summary>
    public string Get(string sheet, string keyHeader, string key, string header)
    {
        var reference = HeaderColumn(sheet, header) + RowOf(sheet, keyHeader, key).ToString(CultureInfo.InvariantCulture);
        var cell = Part(sheet).Worksheet.GetFirstChild<SheetData>()!.Descendants<Cell>().FirstOrDefault(c => c.CellReference!.Value == reference);
        return cell is null ? "" : Text(cell);
    }

    private int SharedString(string text)
    {
        var workbook = _document.WorkbookPart!;
        var part = workbook.SharedStringTablePart ?? workbook.AddNewPart<SharedStringTablePart>();
        part.SharedStringTable ??= new SharedStringTable();
        part.SharedStringTable.Append(new SharedStringItem(new Text(text) { Space = SpaceProcessingModeValues.Preserve }));
        return part.SharedStringTable.Elements<SharedStringItem>().Count() - 1;
    }
}
