using System.Globalization;
using System.Text;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace ChuyenDoiSo.Reporting.Render;

/// <summary>
/// The PDF layout of a <see cref="ReportDocument"/>, top to bottom, page by page, with the DOCX's measures. Each page's
/// content is compressed as soon as the page is full, so a roll-up of thousands of rows keeps only compressed pages
/// until the document is saved; table rows are laid out one at a time from the document's list.
/// </summary>
internal sealed class PdfPageWriter(PdfDocument pdf, bool draft)
{
    private static double Mm(double mm) => mm * 72 / 25.4;
    private static double Twips(int twips) => twips / 20.0;

    private static readonly double PageWidth = Mm(210);
    private static readonly double PageHeight = Mm(297);
    private static readonly double Top = Mm(20);
    private static readonly double Bottom = PageHeight - Mm(20);
    private static readonly double Left = Mm(30);
    private static readonly double TextWidth = PageWidth - Left - Mm(15);
    private static readonly double FirstLineIndent = Twips(567);
    private static readonly double HeaderLeft = Twips(3515);
    private static readonly double SignatureLeft = Twips(4455);
    private const double Body = 14, Size13 = 13, TableText = 12, RecipientsHeadingSize = 12, RecipientSize = 11;
    private const double CellPadX = 4, CellPadY = 2;
    private const double SignerBoxWidth = 160;

    private static readonly XPen Rule = new(XColors.Black, 0.5);
    private static readonly XPen Grid = new(XColors.Black, 0.5);

    private enum Align { Left, Center, Right, Justify }

    private readonly record struct Span(string Text, XFont Font);
    private readonly record struct Piece(string Text, XFont Font, double Width, double Gap);
    private sealed record Line(List<Piece> Pieces, double Width, double Height, double Ascent, double Indent, bool Last);

    private readonly Dictionary<(double, bool, bool), XFont> fonts = [];
    private readonly Dictionary<XFont, double> spaces = [];
    private PdfPage? page;
    private XGraphics? gfx;
    private int pageIndex = -1;
    private double y;

    private XGraphics G => gfx ?? throw new InvalidOperationException("no page");

    public SignaturePlacement Write(ReportDocument document)
    {
        NewPage();
        Header(document);
        Paragraph([new(document.Title, Font(Body, bold: true))], Left, TextWidth, Align.Center, spaceBefore: 18);
        Paragraph([new(document.Subject, Font(Body, bold: true))], Left, TextWidth, Align.Center);
        ShortRule(Left, TextWidth, 110);
        y += 12;

        var lastBlock = document.Body.Count > 0 ? document.Body[^1] : null;
        foreach (var block in document.Body)
        {
            // Decree 30 practice: the signer block is not left alone on the last page; the closing paragraph goes with it.
            if (ReferenceEquals(block, lastBlock) && block is ReportParagraph closing)
                Ensure(Wrap([new(closing.Text, Font(Body))], TextWidth, FirstLineIndent).Sum(l => l.Height) + 6 + SignerBlockHeight(document));
            switch (block)
            {
                case ReportHeading heading:
                    KeepWithNext(Body);
                    Paragraph([new(heading.Text, Font(Body, bold: true))], Left, TextWidth, Align.Justify, FirstLineIndent, spaceBefore: 9);
                    break;
                case ReportSubheading subheading:
                    KeepWithNext(Body);
                    Paragraph([new(subheading.Text, Font(Body, bold: true))], Left, TextWidth, Align.Justify, FirstLineIndent, spaceBefore: 6);
                    break;
                case ReportParagraph paragraph:
                    var spans = new List<Span>();
                    if (paragraph.Lead is { } lead) spans.Add(new(lead, Font(Body, bold: true, italic: paragraph.Italic)));
                    spans.Add(new(paragraph.Text, Font(Body, italic: paragraph.Italic)));
                    Paragraph(spans, Left, TextWidth, Align.Justify, FirstLineIndent, spaceBefore: 6);
                    break;
                case ReportList list:
                    foreach (var item in list.Items)
                        Paragraph([new($"- {item}", Font(Body, italic: list.Italic))], Left, TextWidth, Align.Justify, FirstLineIndent, spaceBefore: 6);
                    break;
                case ReportTable table:
                    Table(table);
                    break;
                default:
                    throw new InvalidOperationException($"No PDF layout for {block.GetType().Name}.");
            }
        }

        var placement = SignerBlock(document);
        FinishPage();
        return placement;
    }

    // ---- pages -------------------------------------------------------------------------------------------------

    private void NewPage()
    {
        FinishPage();
        page = pdf.AddPage();
        page.Width = XUnit.FromMillimeter(210);
        page.Height = XUnit.FromMillimeter(297);
        gfx = XGraphics.FromPdfPage(page);
        pageIndex++;
        y = Top;
        // Decree 30: the page number at the top centre, from the second page on.
        if (pageIndex > 0)
        {
            var font = Font(Body);
            var number = (pageIndex + 1).ToString(CultureInfo.InvariantCulture);
            var width = G.MeasureString(number, font).Width;
            G.DrawString(number, font, XBrushes.Black, Left + (TextWidth - width) / 2, Mm(10) + Ascent(font));
        }
        if (draft)
        {
            var font = Font(Size13, bold: true);
            const string Mark = "DỰ THẢO";
            var width = G.MeasureString(Mark, font).Width;
            var box = new XRect(PageWidth - Mm(15) - width - 8, Mm(7), width + 8, font.GetHeight() + 4);
            G.DrawRectangle(Rule, box);
            G.DrawString(Mark, font, XBrushes.Black, box.X + 4, box.Y + 2 + Ascent(font));
        }
    }

    /// <summary>Closes the page's drawing and compresses its content now rather than at save, so full pages stay small.</summary>
    private void FinishPage()
    {
        if (gfx is null || page is null) return;
        gfx.Dispose();
        gfx = null;
        foreach (var content in page.Contents) content.Compressed = true;
    }

    private bool Fits(double height) => y + height <= Bottom + 0.01;

    private void Ensure(double height)
    {
        if (!Fits(height) && y > Top + 0.01) NewPage();
    }

    /// <summary>A heading is not left alone at the foot of a page: it needs room for itself and two lines after it.</summary>
    private void KeepWithNext(double size) => Ensure(Font(size, bold: true).GetHeight() * 3 + 9);

    // ---- text ----------------------------------------------------------------------------------------------------

    private XFont Font(double size, bool bold = false, bool italic = false)
    {
        if (fonts.TryGetValue((size, bold, italic), out var font)) return font;
        var style = (bold, italic) switch
        {
            (true, true) => XFontStyleEx.BoldItalic,
            (true, false) => XFontStyleEx.Bold,
            (false, true) => XFontStyleEx.Italic,
            _ => XFontStyleEx.Regular,
        };
        // Unicode (Identity-H with a ToUnicode map) for every font, so every Vietnamese letter extracts as itself.
        font = new XFont(ReportFonts.Family, size, style, new XPdfFontOptions(PdfFontEncoding.Unicode));
        fonts[(size, bold, italic)] = font;
        return font;
    }

    private static double Ascent(XFont font) => font.Size * font.Metrics.Ascent / font.Metrics.UnitsPerEm;

    // Words recur (statuses, dates, commune names, units): remembering their widths saves most of the measuring in a long annex.
    private readonly Dictionary<XFont, Dictionary<string, double>> widths = [];

    private double Measure(string text, XFont font)
    {
        if (text.Length == 0) return 0;
        if (!widths.TryGetValue(font, out var known)) widths[font] = known = new Dictionary<string, double>(StringComparer.Ordinal);
        if (known.TryGetValue(text, out var width)) return width;
        width = G.MeasureString(text, font).Width;
        if (known.Count > 50_000) known.Clear();
        known[text] = width;
        return width;
    }

    private double Space(XFont font)
    {
        if (!spaces.TryGetValue(font, out var width))
        {
            width = Measure("a a", font) - Measure("aa", font);
            spaces[font] = width;
        }
        return width;
    }

    private static string Clean(string text)
    {
        // Fonts hold precomposed Vietnamese letters; decomposed input would print loose marks. Tabs and stray controls print as spaces.
        if (!text.IsNormalized(NormalizationForm.FormC)) text = text.Normalize(NormalizationForm.FormC);
        return text.Any(char.IsControl) ? new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray()) : text;
    }

    /// <summary>Breaks runs into lines of at most <paramref name="width"/>; a word longer than a line is cut by characters.</summary>
    private List<Line> Wrap(IReadOnlyList<Span> spans, double width, double indent = 0)
    {
        var lines = new List<Line>();
        var current = new List<Piece>();
        var used = 0.0;
        var limit = width - indent;

        void Flush(bool last)
        {
            var height = current.Count == 0 ? spans[0].Font.GetHeight() : current.Max(p => p.Font.GetHeight());
            var ascent = current.Count == 0 ? Ascent(spans[0].Font) : current.Max(p => Ascent(p.Font));
            lines.Add(new Line(current, used, height, ascent, lines.Count == 0 ? indent : 0, last));
            current = [];
            used = 0;
            limit = width;
        }

        void Add(string text, XFont font, bool gapBefore)
        {
            var w = Measure(text, font);
            var gap = gapBefore && current.Count > 0 ? Space(font) : 0;
            if (current.Count > 0 && used + gap + w > limit + 0.01)
            {
                Flush(last: false);
                gap = 0;
                if (text.Length == 0) return;
            }
            if (current.Count == 0 && w > limit && text.Length > 1)
            {
                // Cut the word where it overflows.
                var cut = 1;
                while (cut < text.Length && Measure(text[..(cut + 1)], font) <= limit) cut++;
                current.Add(new Piece(text[..cut], font, Measure(text[..cut], font), 0));
                used = current[0].Width;
                Flush(last: false);
                Add(text[cut..], font, gapBefore: false);
                return;
            }
            if (current.Count == 0 && text.Length == 0) return;
            current.Add(new Piece(text, font, w, gap));
            used += gap + w;
        }

        foreach (var span in spans)
        {
            var words = Clean(span.Text).Split(' ');
            for (var i = 0; i < words.Length; i++) Add(words[i], span.Font, gapBefore: i > 0);
        }
        Flush(last: true);
        return lines;
    }

    private void DrawLine(Line line, double x, double width, Align align, double top)
    {
        var baseline = top + line.Ascent;
        var start = align switch
        {
            Align.Center => x + (width - line.Width) / 2,
            Align.Right => x + width - line.Width,
            _ => x + line.Indent,
        };
        var gaps = line.Pieces.Count(p => p.Gap > 0);
        if (align == Align.Justify && !line.Last && gaps > 0)
        {
            var extra = (width - line.Indent - line.Width) / gaps;
            var cursor = start;
            foreach (var piece in line.Pieces)
            {
                if (piece.Gap > 0) cursor += piece.Gap + extra;
                if (piece.Text.Length > 0) G.DrawString(piece.Text, piece.Font, XBrushes.Black, cursor, baseline);
                cursor += piece.Width;
            }
            return;
        }
        // Pieces of one font print as one string, with its spaces: shorter content, and text that extracts as written.
        var run = new StringBuilder();
        var runFont = line.Pieces.Count > 0 ? line.Pieces[0].Font : null;
        var runStart = start;
        var position = start;
        foreach (var piece in line.Pieces)
        {
            if (!ReferenceEquals(piece.Font, runFont))
            {
                if (run.Length > 0) G.DrawString(run.ToString(), runFont!, XBrushes.Black, runStart, baseline);
                run.Clear();
                runFont = piece.Font;
                position += piece.Gap;
                runStart = position;
            }
            else if (piece.Gap > 0)
            {
                if (run.Length == 0) runStart += piece.Gap;
                else run.Append(' ');
                position += piece.Gap;
            }
            run.Append(piece.Text);
            position += piece.Width;
        }
        if (run.Length > 0) G.DrawString(run.ToString(), runFont!, XBrushes.Black, runStart, baseline);
    }

    private void Paragraph(IReadOnlyList<Span> spans, double x, double width, Align align, double indent = 0, double spaceBefore = 0)
    {
        if (y > Top + 0.01) y += spaceBefore;
        foreach (var line in Wrap(spans, width, indent))
        {
            Ensure(line.Height);
            DrawLine(line, x, width, align, y);
            y += line.Height;
        }
    }

    private void ShortRule(double x, double width, double length)
    {
        var from = x + (width - length) / 2;
        G.DrawLine(Rule, from, y + 1.5, from + length, y + 1.5);
        y += 3;
    }

    // ---- header and signer block ---------------------------------------------------------------------------------

    private void Header(ReportDocument document)
    {
        var top = y;
        var rightWidth = TextWidth - HeaderLeft;
        Paragraph([new(document.IssuingBody, Font(Size13, bold: true))], Left, HeaderLeft, Align.Center);
        Paragraph([new(document.IssuingUnit, Font(Size13, bold: true))], Left, HeaderLeft, Align.Center);
        ShortRule(Left, HeaderLeft, 50);
        Paragraph([new(document.NumberLine, Font(Size13))], Left, HeaderLeft, Align.Center, spaceBefore: 6);
        var leftBottom = y;

        y = top;
        var right = Left + HeaderLeft;
        Paragraph([new(document.Nation, Font(Size13, bold: true))], right, rightWidth, Align.Center);
        Paragraph([new(document.Motto, Font(Body, bold: true))], right, rightWidth, Align.Center);
        ShortRule(right, rightWidth, 165);
        Paragraph([new(document.PlaceAndDate, Font(Body, italic: true))], right, rightWidth, Align.Center, spaceBefore: 6);
        y = Math.Max(y, leftBottom);
    }

    /// <summary>
    /// The signer's lines above the signature: the authority ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH") and the title.
    /// </summary>
    private static IEnumerable<string> SignerLines(ReportDocument document) =>
        document.SignerAuthority.Append(document.SignerTitle)
            .SelectMany(l => l.Split('\n'))
            .Select(l => l.Trim())
            .Where(l => l.Length > 0);

    private double SignerBlockHeight(ReportDocument document)
    {
        var signerFont = Font(Body, bold: true);
        var rightWidth = TextWidth - SignatureLeft;
        var right = SignerLines(document).Concat([document.SignerName]).Sum(l => Wrap([new(l, signerFont)], rightWidth).Sum(x => x.Height)) + 4 * signerFont.GetHeight();
        var left = Wrap([new(document.RecipientsHeading, Font(RecipientsHeadingSize, bold: true, italic: true))], SignatureLeft).Sum(l => l.Height)
            + document.Recipients.Sum(r => Wrap([new(r, Font(RecipientSize))], SignatureLeft).Sum(l => l.Height));
        return 12 + Math.Max(left, right);
    }

    private SignaturePlacement SignerBlock(ReportDocument document)
    {
        var signerFont = Font(Body, bold: true);
        var rightX = Left + SignatureLeft;
        var rightWidth = TextWidth - SignatureLeft;
        var titleLines = SignerLines(document).Select(l => Wrap([new(l, signerFont)], rightWidth)).ToList();
        var gap = 4 * signerFont.GetHeight();
        var nameLines = Wrap([new(document.SignerName, signerFont)], rightWidth);
        var rightHeight = titleLines.Sum(ls => ls.Sum(l => l.Height)) + gap + nameLines.Sum(l => l.Height);

        var headingLines = Wrap([new(document.RecipientsHeading, Font(RecipientsHeadingSize, bold: true, italic: true))], SignatureLeft);
        var recipientLines = document.Recipients.Select(r => Wrap([new(r, Font(RecipientSize))], SignatureLeft)).ToList();
        var leftHeight = headingLines.Sum(l => l.Height) + recipientLines.Sum(ls => ls.Sum(l => l.Height));

        // The block is never split across pages (the DOCX's cantSplit row).
        y += 12;
        if (!Fits(Math.Max(leftHeight, rightHeight))) NewPage();
        var top = y;

        foreach (var line in titleLines.SelectMany(l => l))
        {
            DrawLine(line, rightX, rightWidth, Align.Center, y);
            y += line.Height;
        }
        var boxWidth = Math.Min(SignerBoxWidth, rightWidth);
        var signer = new XRect(rightX + (rightWidth - boxWidth) / 2, y, boxWidth, gap);
        var seal = new XRect(signer.X + signer.Width / 3 - gap, signer.Y, gap, gap);
        y += gap;
        foreach (var line in nameLines)
        {
            DrawLine(line, rightX, rightWidth, Align.Center, y);
            y += line.Height;
        }
        var rightBottom = y;

        y = top;
        foreach (var line in headingLines.Concat(recipientLines.SelectMany(l => l)))
        {
            DrawLine(line, Left, SignatureLeft, Align.Left, y);
            y += line.Height;
        }
        y = Math.Max(y, rightBottom);
        return new SignaturePlacement(pageIndex, signer, seal);
    }

    // ---- tables --------------------------------------------------------------------------------------------------

    private sealed record Cell(double X, double Width, Align Align, List<Line> Lines);

    private void Table(ReportTable table)
    {
        var total = (double)table.Columns.Sum(c => c.Width);
        var widths = table.Columns.Select(c => c.Width * TextWidth / total).ToArray();
        var xs = new double[widths.Length];
        for (var i = 1; i < xs.Length; i++) xs[i] = xs[i - 1] + widths[i - 1];

        var bold = Font(TableText, bold: true);
        var regular = Font(TableText);
        List<Cell> HeaderCells() => table.Columns.Select((c, i) =>
            new Cell(Left + xs[i], widths[i], Align.Center, Wrap([new(c.Header, bold)], widths[i] - 2 * CellPadX))).ToList();
        var header = HeaderCells();
        var headerHeight = RowHeight(header);

        List<Cell> RowCells(ReportRow row)
        {
            if (row.IsGroup)
                return [new Cell(Left, TextWidth, Align.Left, Wrap([new(row.Cells.Count > 0 ? row.Cells[0] : "", bold)], TextWidth - 2 * CellPadX))];
            var cells = new List<Cell>(table.Columns.Count);
            for (var i = 0; i < table.Columns.Count; i++)
            {
                var text = i < row.Cells.Count ? row.Cells[i] : "";
                var align = table.Columns[i].Align switch { CellAlign.Center => Align.Center, CellAlign.Right => Align.Right, _ => Align.Left };
                var lines = new List<Line>();
                foreach (var part in text.Split('\n')) lines.AddRange(Wrap([new(part, regular)], widths[i] - 2 * CellPadX));
                cells.Add(new Cell(Left + xs[i], widths[i], align, lines));
            }
            return cells;
        }

        void DrawHeader()
        {
            DrawCells(header, headerHeight, middle: true);
            y += headerHeight;
        }

        y += 6;
        var rows = table.Rows;
        var first = rows.Count > 0 ? RowCells(rows[0]) : null;
        // The header needs its first row under it: all of it when it fits a page, else a few lines to begin with.
        var firstHeight = first is null ? 0 : RowHeight(first);
        Ensure(headerHeight + (firstHeight <= Bottom - Top - headerHeight ? firstHeight : 3 * regular.GetHeight() + 2 * CellPadY));
        DrawHeader();
        for (var r = 0; r < rows.Count; r++)
        {
            var cells = r == 0 ? first! : RowCells(rows[r]);
            var height = RowHeight(cells);
            // A row that fits on a page moves whole to the next one; a taller one starts here and continues.
            if (!Fits(height) && height <= Bottom - Top - headerHeight)
            {
                NewPage();
                DrawHeader();
            }
            while (!Fits(height))
            {
                // Taller than a page: print the lines that fit, continue under the repeated header.
                var room = Bottom - y - 2 * CellPadY;
                if (room < 2 * regular.GetHeight())
                {
                    NewPage();
                    DrawHeader();
                    continue;
                }
                var now = cells.Select(c => c with { Lines = Take(c.Lines, room) }).ToList();
                DrawCells(now, Bottom - y, middle: false);
                cells = cells.Select((c, i) => c with { Lines = c.Lines.Skip(now[i].Lines.Count).ToList() }).ToList();
                height = RowHeight(cells);
                NewPage();
                DrawHeader();
            }
            DrawCells(cells, height, middle: false);
            y += height;
        }
    }

    private static List<Line> Take(List<Line> lines, double room)
    {
        var taken = new List<Line>();
        var used = 0.0;
        foreach (var line in lines)
        {
            if (used + line.Height > room && taken.Count > 0) break;
            taken.Add(line);
            used += line.Height;
        }
        return taken;
    }

    private static double RowHeight(List<Cell> cells) => cells.Max(c => c.Lines.Sum(l => l.Height)) + 2 * CellPadY;

    private void DrawCells(List<Cell> cells, double height, bool middle)
    {
        foreach (var cell in cells)
        {
            G.DrawRectangle(Grid, cell.X, y, cell.Width, height);
            var textHeight = cell.Lines.Sum(l => l.Height);
            var top = y + (middle ? (height - textHeight) / 2 : CellPadY);
            foreach (var line in cell.Lines)
            {
                DrawLine(line, cell.X + CellPadX, cell.Width - 2 * CellPadX, cell.Align, top);
                top += line.Height;
            }
        }
    }
}
