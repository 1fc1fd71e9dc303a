using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace ChuyenDoiSo.Reporting.Render;

/// <summary>What a PDF carries beyond the document: a draft mark, the issue date for its metadata, the producing program.</summary>
public sealed record PdfRenderSettings
{
    /// <summary>Prints "DỰ THẢO" in a box at the top right of every page: a draft awaiting approval, not the issued original.</summary>
    public bool Draft { get; init; }

    /// <summary>
    /// The issue date (ngày ban hành), written as the PDF's creation date; without it, the date in the document's
    /// place-and-date line. Never the clock, so compiling the same report again gives the same file.
    /// </summary>
    public DateOnly? IssueDate { get; init; }

    /// <summary>The Info dictionary's /Creator (the application that made the document).</summary>
    public string Creator { get; init; } = "ChuyenDoiSo reporting hub";

    /// <summary>
    /// The text appearances of the signatures that have no image, drawn now in the embedded Liberation Serif (so a
    /// Vietnamese name renders) as form XObjects the signing step's widgets then show; null: none.
    /// </summary>
    public SignatureTexts? SignatureTexts { get; init; }
}

/// <summary>The lines each signature's text appearance shows (the signer's name, the signing time); null: that one has an image or none.</summary>
/// <param name="SealAtBottom">The agency's lines run from the box's foot: its box lies over the signer's, whose lines start at the top.</param>
public sealed record SignatureTexts(IReadOnlyList<string>? Signer, IReadOnlyList<string>? Seal, bool SealAtBottom = true);

/// <summary>
/// Where the visible signatures go (Decree 30/2020, Appendix I), in PDF points with PDFsharp's XGraphics orientation:
/// origin at the page's TOP-LEFT corner, y growing downwards. A signer writing PDF user space (origin bottom-left)
/// converts: y' = pageHeight − (y + height).
/// </summary>
/// <param name="PageIndex">Zero-based page of the signer block.</param>
/// <param name="SignerBox">The space between the signer's title line(s) and the name, centred in the signer column: the signature image.</param>
/// <param name="SealBox">A square as high as the signer box whose right edge lies a third into the signer box: the agency's seal over the left third of the signature.</param>
/// <param name="SignerAppearance">The object number of the signer's text appearance (a form XObject in the file), when one was drawn.</param>
/// <param name="SealAppearance">The same for the agency's.</param>
public sealed record SignaturePlacement(int PageIndex, XRect SignerBox, XRect SealBox, int? SignerAppearance = null, int? SealAppearance = null);

/// <summary>An unsaved PDF of a report, and where its signatures go; the signing code adds fields and appearances, then saves.</summary>
public sealed record PdfRendering(PdfDocument Document, SignaturePlacement Placement)
{
    /// <summary>The signer's and the agency's text appearances (either may be null), numbered once the document is saved.</summary>
    internal IReadOnlyList<PdfSharp.Pdf.Advanced.PdfFormXObject?> Appearances { get; init; } = [];
}

/// <summary>
/// Prints a report (a commune's or a roll-up) as PDF in the Decree 30/2020/NĐ-CP layout the DOCX has: A4, margins
/// 20/20/30/15 mm, Liberation Serif (Times New Roman's metrics) 14 pt embedded and subset, the two-column header, title,
/// body, signer block, "Nơi nhận", page numbers at the top centre from page 2.
/// </summary>
public static partial class PdfReportRenderer
{
    /// <summary>Lays the document out into a new PDF, unsaved; the caller saves (and disposes) it.</summary>
    public static PdfRendering Build(ReportDocument document, PdfRenderSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        settings ??= new PdfRenderSettings();
        ReportFonts.Register();
        var hash = ContentHash(document);
        var pdf = new PdfDocument();
        pdf.Options.CompressContentStreams = true;
        var placement = new PdfPageWriter(pdf, settings.Draft).Write(document);
        var appearances = settings.SignatureTexts is { } texts ? SignatureForms(pdf, placement, texts) : [];
        FixSubsetTags(pdf, hash);
        SetMetadata(pdf, document, settings, hash);
        return new PdfRendering(pdf, placement) { Appearances = appearances };
    }

    /// <summary>Builds and saves an unsigned PDF (compile --format pdf, drafts).</summary>
    public static void Render(ReportDocument document, Stream output, PdfRenderSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var buffer = Save(document, settings, out _);
        output.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static byte[] Render(ReportDocument document, PdfRenderSettings? settings = null) => RenderBytes(document, settings).Pdf;

    /// <summary>The unsigned PDF's bytes (deterministic, as <see cref="Render(ReportDocument, Stream, PdfRenderSettings?)"/>) and where its signatures go: what the signing code appends its revisions to.</summary>
    public static (byte[] Pdf, SignaturePlacement Placement) RenderBytes(ReportDocument document, PdfRenderSettings? settings = null)
    {
        using var buffer = Save(document, settings, out var placement);
        return (buffer.ToArray(), placement);
    }

    private static MemoryStream Save(ReportDocument document, PdfRenderSettings? settings, out SignaturePlacement placement)
    {
        var rendering = Build(document, settings);
        placement = rendering.Placement;
        using var pdf = rendering.Document;
        var buffer = new MemoryStream();
        pdf.Save(buffer, closeStream: false);
        // Object numbers are final after the save (PDFsharp renumbers while it writes).
        if (rendering.Appearances is [var signer, var seal])
            placement = placement with { SignerAppearance = signer?.Reference?.ObjectNumber, SealAppearance = seal?.Reference?.ObjectNumber };
        FixXmp(buffer.GetBuffer(), (int)buffer.Length, ContentHash(document), IssueDate(document, settings));
        return buffer;
    }

    /// <summary>Each signature's text appearance as a form XObject as big as its box, kept in the page's resources (unused there) so it is saved.</summary>
    private static List<PdfSharp.Pdf.Advanced.PdfFormXObject?> SignatureForms(PdfDocument pdf, SignaturePlacement placement, SignatureTexts texts)
    {
        var page = pdf.Pages[placement.PageIndex];
        var xobjects = page.Resources.Elements.GetDictionary("/XObject");
        if (xobjects is null)
        {
            xobjects = new PdfDictionary(pdf);
            page.Resources.Elements["/XObject"] = xobjects;
        }
        PdfSharp.Pdf.Advanced.PdfFormXObject? Form(IReadOnlyList<string>? lines, XRect box, bool atBottom, string name)
        {
            if (lines is not { Count: > 0 }) return null;
            var form = new XForm(pdf, new XSize(box.Width, box.Height));
            using (var gfx = XGraphics.FromForm(form))
            {
                // 9 pt, smaller when a line would not fit the box (the agency's is a narrow square), never under 5 pt.
                var options = new XPdfFontOptions(PdfFontEncoding.Unicode);
                var widest = lines.Max(l => gfx.MeasureString(l, new XFont(ReportFonts.Family, 9, XFontStyleEx.Regular, options)).Width);
                var size = Math.Max(5, Math.Min(9, Math.Floor(9 * (box.Width - 4) / Math.Max(widest, 1) * 10) / 10));
                var font = new XFont(ReportFonts.Family, size, XFontStyleEx.Regular, options);
                var brush = new XSolidBrush(XColor.FromArgb(0, 0, 153));
                var lineHeight = size + 2;
                var y = atBottom ? box.Height - 2 - lines.Count * lineHeight : 2;
                foreach (var line in lines)
                {
                    gfx.DrawString(line, font, brush, new XRect(2, y, box.Width - 4, lineHeight), XStringFormats.TopLeft);
                    y += lineHeight;
                }
            }
            var pdfForm = FormObject(form);
            if (pdfForm.Reference is null) pdf.Internals.AddObject(pdfForm);
            xobjects.Elements[name] = pdfForm.Reference;
            return pdfForm;
        }
        return [Form(texts.Signer, placement.SignerBox, false, "/SigNguoiKy"), Form(texts.Seal, placement.SealBox, texts.SealAtBottom, "/SigCoQuan")];
    }

    // XForm keeps its PDF object internal; the signature widget needs it by number.
    private static PdfSharp.Pdf.Advanced.PdfFormXObject FormObject(XForm form) =>
        (PdfSharp.Pdf.Advanced.PdfFormXObject)(typeof(XForm).GetProperty("PdfForm", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!.GetValue(form)
            ?? throw new InvalidOperationException("PDFsharp's XForm has no PdfForm"));

    private static void SetMetadata(PdfDocument pdf, ReportDocument document, PdfRenderSettings settings, byte[] hash)
    {
        var info = pdf.Info;
        var number = NumberOf(document.NumberLine);
        info.Title = document.Subject;
        info.Author = $"{document.IssuingBody} {document.IssuingUnit}";
        info.Subject = $"{document.Title} {document.Subject}; {document.NumberLine.Trim()}; {document.PlaceAndDate}";
        info.Creator = settings.Creator;
        var date = IssueDate(document, settings);
        info.Keywords = string.Join("; ", new[] { number is null ? null : $"Số {number}", date is { } d ? $"ngày {ReportText.Date(d)}" : null }.OfType<string>());
        // Own keys beside the standard ones, for a receiving system that reads them.
        info.Elements.SetString("/DocumentNumber", number ?? "");
        // PDFsharp stamps /CreationDate with the clock and the machine's UTC offset; the issue date at midnight in Viet Nam
        // replaces it, written as the raw PDF date string so no time zone of the rendering machine leaks in.
        if (date is { } issued)
        {
            var pdfDate = $"D:{issued:yyyyMMdd}000000+07'00'";
            info.Elements.SetString("/CreationDate", pdfDate);
            info.Elements.SetString("/ModDate", pdfDate);
            info.Elements.SetString("/IssueDate", issued.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }
        else
        {
            info.Elements.Remove("/CreationDate");
        }
        // PDFsharp draws the trailer /ID from Guid.NewGuid(); the content's hash makes it the same for the same document.
        var id = new string(hash.Take(16).Select(b => (char)b).ToArray());
        pdf.Internals.FirstDocumentID = id;
        pdf.Internals.SecondDocumentID = id;
    }

    /// <summary>"07/BC-UBND" from "Số: 07/BC-UBND"; null when the number is still blank ("Số:      /BC-UBND").</summary>
    private static string? NumberOf(string numberLine)
    {
        var text = numberLine.Trim();
        if (text.StartsWith("Số:", StringComparison.Ordinal)) text = text[3..].Trim();
        return text.Length == 0 || text.StartsWith('/') ? null : text;
    }

    private static DateOnly? IssueDate(ReportDocument document, PdfRenderSettings? settings)
    {
        if (settings?.IssueDate is { } date) return date;
        var match = PlaceDate().Match(document.PlaceAndDate);
        return match.Success && DateOnly.TryParseExact(
            $"{match.Groups[3].Value}-{match.Groups[2].Value.PadLeft(2, '0')}-{match.Groups[1].Value.PadLeft(2, '0')}",
            "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) ? parsed : null;
    }

    [GeneratedRegex(@"ngày (\d{1,2}) tháng (\d{1,2}) năm (\d{4})")]
    private static partial Regex PlaceDate();

    /// <summary>SHA-256 over every text of the document: the seed of the file's /ID, subset tags and XMP ids.</summary>
    private static byte[] ContentHash(ReportDocument document)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string? text)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(text ?? ""));
            hash.AppendData([0]);
        }
        foreach (var text in new[] { document.IssuingBody, document.IssuingUnit, document.NumberLine, document.Nation, document.Motto, document.PlaceAndDate, document.Title, document.Subject })
            Add(text);
        foreach (var block in document.Body)
        {
            switch (block)
            {
                case ReportHeading h: Add("H"); Add(h.Text); break;
                case ReportSubheading s: Add("S"); Add(s.Text); break;
                case ReportParagraph p: Add("P"); Add(p.Lead); Add(p.Text); Add(p.Italic ? "i" : ""); break;
                case ReportList l: Add("L"); foreach (var item in l.Items) Add(item); break;
                case ReportTable t:
                    Add("T");
                    foreach (var c in t.Columns) Add($"{c.Header}|{c.Width}|{c.Align}");
                    foreach (var r in t.Rows)
                    {
                        Add(r.IsGroup ? "g" : "r");
                        foreach (var cell in r.Cells) Add(cell);
                    }
                    break;
                default: Add(block.GetType().Name); break;
            }
        }
        Add(document.RecipientsHeading);
        foreach (var r in document.Recipients) Add(r);
        foreach (var line in document.SignerAuthority) Add(line);
        Add(document.SignerTitle);
        Add(document.SignerName);
        return hash.GetHashAndReset();
    }

    /// <summary>
    /// PDFsharp names each embedded subset "ABCDEF+LiberationSerif" with letters from Guid.NewGuid() when the font is first
    /// used; the tag only has to be six capitals that differ between subsets, so one derived from the content replaces it.
    /// </summary>
    private static void FixSubsetTags(PdfDocument pdf, byte[] hash)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in pdf.Internals.GetAllObjects())
        {
            if (item is not PdfDictionary dictionary) continue;
            var type = dictionary.Elements.GetName("/Type");
            if (type is not ("/Font" or "/FontDescriptor")) continue;
            foreach (var key in new[] { "/BaseFont", "/FontName" })
            {
                var name = dictionary.Elements.GetName(key);
                if (name.Length < 9 || name[7] != '+') continue;
                var baseName = name[8..];
                if (!tags.TryGetValue(baseName, out var tag))
                {
                    var digest = SHA256.HashData([.. hash, .. Encoding.UTF8.GetBytes(baseName)]);
                    tag = new string(digest.Take(6).Select(b => (char)('A' + b % 26)).ToArray());
                    tags[baseName] = tag;
                }
                dictionary.Elements.SetName(key, $"/{tag}+{baseName}");
            }
        }
    }

    /// <summary>
    /// The XMP packet PDFsharp writes while saving holds two random uuids and the creation date in the machine's time zone;
    /// there is no hook before it is written, so they are replaced in the saved bytes by values of the same length (the
    /// packet is not compressed, so the cross-reference offsets stay right). A signed file cannot be patched after signing:
    /// its XMP ids stay random.
    /// </summary>
    private static void FixXmp(byte[] bytes, int length, byte[] hash, DateOnly? issueDate)
    {
        var digest = SHA256.HashData([.. hash, .. "xmp"u8.ToArray()]);
        Replace(bytes, length, "<xmpMM:DocumentID>uuid:"u8, 36, new Guid(digest.AsSpan(0, 16)).ToString());
        Replace(bytes, length, "<xmpMM:InstanceID>uuid:"u8, 36, new Guid(digest.AsSpan(16, 16)).ToString());
        if (issueDate is { } date)
        {
            // Midnight in Viet Nam, written in whichever of PDFsharp's two shapes (UTC "Z" or an offset) keeps the length.
            var local = $"{date:yyyy-MM-dd}T00:00:00+07:00";
            var utc = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(7)).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            foreach (var (open, close) in new[] { ("<xmp:CreateDate>", "</xmp:CreateDate>"), ("<xmp:ModifyDate>", "</xmp:ModifyDate>") })
            {
                Replace(bytes, length, Encoding.ASCII.GetBytes(open), local.Length, local, Encoding.ASCII.GetBytes(close));
                Replace(bytes, length, Encoding.ASCII.GetBytes(open), utc.Length, utc, Encoding.ASCII.GetBytes(close));
            }
        }
    }

    private static void Replace(byte[] bytes, int length, ReadOnlySpan<byte> marker, int count, string value, ReadOnlySpan<byte> end = default)
    {
        var at = bytes.AsSpan(0, length).LastIndexOf(marker);
        if (at < 0) return;
        var start = at + marker.Length;
        if (start + count > length) return;
        // Only a value of exactly the length PDFsharp wrote: anything else would move every later object.
        if (!end.IsEmpty && !bytes.AsSpan(start + count).StartsWith(end)) return;
        Encoding.ASCII.GetBytes(value).CopyTo(bytes, start);
    }
}
