using System.Globalization;
using System.Text;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace ChuyenDoiSo.Reporting.Render;

// PLACEHOLDER, replaced by branch `pdf` at merge: the contract (Build, Render, PdfRendering, SignaturePlacement) is the one
// agreed with the PDF engineer; the drawing here is only enough for the signing code and its tests (standard Helvetica,
// Vietnamese letters folded to ASCII, no embedded fonts).

/// <summary>How to print the PDF; the real renderer's settings replace this.</summary>
public sealed record PdfRenderSettings;

/// <summary>Where the signatures' visible appearances go, in XGraphics coordinates (points, origin top left).</summary>
public sealed record SignaturePlacement(int PageIndex, XRect SignerBox, XRect SealBox);

/// <summary>A rendered, unsigned PDF and where its signatures go.</summary>
public sealed record PdfRendering(PdfDocument Document, SignaturePlacement Placement);

public static class PdfReportRenderer
{
    private const double PageWidth = 595.28, PageHeight = 841.89, Left = 85, Right = 57, Top = 62, Bottom = 62, Size = 11, Leading = 15;

    public static PdfRendering Build(ReportDocument document, PdfRenderSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        var pdf = new PdfDocument();
        pdf.Info.Title = document.Subject;
        pdf.Info.Subject = document.NumberLine;
        pdf.Info.Author = $"{document.IssuingBody} {document.IssuingUnit}";
        pdf.Info.Creator = "ChuyenDoiSo hub";
        var font = new PdfDictionary(pdf);
        font.Elements["/Type"] = new PdfName("/Font");
        font.Elements["/Subtype"] = new PdfName("/Type1");
        font.Elements["/BaseFont"] = new PdfName("/Helvetica");
        font.Elements["/Encoding"] = new PdfName("/WinAnsiEncoding");
        pdf.Internals.AddObject(font);

        var lines = new List<string> { document.IssuingBody, document.IssuingUnit, document.NumberLine, document.Nation, document.Motto, document.PlaceAndDate, "", document.Title, document.Subject, "" };
        foreach (var block in document.Body)
        {
            switch (block)
            {
                case ReportHeading h: lines.Add(h.Text); break;
                case ReportSubheading s: lines.Add(s.Text); break;
                case ReportParagraph p: lines.Add((p.Lead is null ? "" : p.Lead + " ") + p.Text); break;
                case ReportList l: lines.AddRange(l.Items.Select(i => "- " + i)); break;
                case ReportTable t:
                    lines.Add(string.Join(" | ", t.Columns.Select(c => c.Header)));
                    lines.AddRange(t.Rows.Select(r => string.Join(" | ", r.Cells)));
                    break;
            }
        }
        lines.Add("");
        lines.Add(document.RecipientsHeading);
        lines.AddRange(document.Recipients.Select(r => "- " + r));

        var perLine = (int)((PageWidth - Left - Right) / (Size * 0.5));
        var wrapped = lines.SelectMany(l => Wrap(Fold(l), perLine)).ToList();
        var perPage = (int)((PageHeight - Top - Bottom) / Leading);
        var signerLines = new[] { document.SignerAuthority, document.SignerTitle };
        var pages = new List<List<string>>();
        for (var i = 0; i < wrapped.Count; i += perPage) pages.Add(wrapped.Skip(i).Take(perPage).ToList());
        if (pages.Count == 0 || pages[^1].Count + 10 > perPage) pages.Add([]);

        foreach (var (pageLines, index) in pages.Select((p, i) => (p, i)))
        {
            var page = pdf.AddPage();
            page.Width = XUnit.FromPoint(PageWidth);
            page.Height = XUnit.FromPoint(PageHeight);
            var fonts = new PdfDictionary(pdf);
            fonts.Elements["/F1"] = font.Reference;
            page.Resources.Elements["/Font"] = fonts;
            var text = new StringBuilder("BT /F1 ").Append(Size.ToString(CultureInfo.InvariantCulture)).Append(" Tf ");
            var y = PageHeight - Top;
            foreach (var line in pageLines)
            {
                Line(text, Left, y, line);
                y -= Leading;
            }
            if (index == pages.Count - 1)
            {
                y -= Leading;
                foreach (var line in signerLines) { Line(text, 330, y, Fold(line)); y -= Leading; }
                Line(text, 330, y - 5 * Leading, Fold(document.SignerName));
            }
            text.Append("ET");
            var content = page.Contents.AppendContent();
            var bytes = Encoding.Latin1.GetBytes(text.ToString());
            if (content.Stream is null) content.CreateStream(bytes);
            else content.Stream.Value = bytes;
            if (index == pages.Count - 1)
            {
                // Between the signer's title and name: five lines, as the layout leaves for signature and seal.
                var top = PageHeight - y;
                var signer = new XRect(310, top, 200, 4 * Leading);
                var placement = new SignaturePlacement(index, signer, new XRect(signer.X - 30, signer.Y - 10, 100, signer.Height + 20));
                return new PdfRendering(pdf, placement);
            }
        }
        throw new InvalidOperationException("unreachable: the last page sets the placement");
    }

    /// <summary>Saves the unsigned PDF.</summary>
    public static void Render(ReportDocument document, Stream output, PdfRenderSettings? settings = null)
    {
        var rendering = Build(document, settings);
        rendering.Document.Save(output, closeStream: false);
    }

    /// <summary>The unsigned PDF's bytes and where its signatures go.</summary>
    public static (byte[] Pdf, SignaturePlacement Placement) RenderBytes(ReportDocument document, PdfRenderSettings? settings = null)
    {
        var rendering = Build(document, settings);
        using var buffer = new MemoryStream();
        rendering.Document.Save(buffer, closeStream: false);
        return (buffer.ToArray(), rendering.Placement);
    }

    private static void Line(StringBuilder text, double x, double y, string line) =>
        text.Append(CultureInfo.InvariantCulture, $"1 0 0 1 {x:0.##} {y:0.##} Tm (").Append(line.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("(", "\\(", StringComparison.Ordinal).Replace(")", "\\)", StringComparison.Ordinal)).Append(") Tj ");

    private static IEnumerable<string> Wrap(string line, int width)
    {
        if (line.Length <= width) { yield return line; yield break; }
        var rest = line;
        while (rest.Length > width)
        {
            var cut = rest.LastIndexOf(' ', width);
            if (cut <= 0) cut = width;
            yield return rest[..cut];
            rest = rest[cut..].TrimStart();
        }
        if (rest.Length > 0) yield return rest;
    }

    /// <summary>Vietnamese folded to what Helvetica's WinAnsi encoding can show: the placeholder's only concession.</summary>
    internal static string Fold(string text)
    {
        var decomposed = text.Replace('đ', 'd').Replace('Đ', 'D').Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) folded.Append(c is >= ' ' and <= '~' ? c : '?');
        return folded.ToString();
    }
}
