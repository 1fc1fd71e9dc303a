using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ChuyenDoiSo.Reporting.Render;

namespace ChuyenDoiSo.Reporting.Signing;

/// <summary>What a signature field shows and says.</summary>
/// <param name="FieldName">The field's name (/T), unique in the document.</param>
/// <param name="PageIndex">The page the widget is on.</param>
/// <param name="Box">The widget's box in XGraphics coordinates (points, origin top left), as <see cref="SignaturePlacement"/> gives it.</param>
/// <param name="SigningTime">The claimed signing time (/M), written in Viet Nam time.</param>
/// <param name="SignerName">The signer's or the agency's name (/Name).</param>
/// <param name="Reason">Why it is signed (/Reason).</param>
/// <param name="Appearance">What the widget draws; null: nothing visible.</param>
public sealed record SignatureField(string FieldName, int PageIndex, PdfSharp.Drawing.XRect Box, DateTimeOffset SigningTime, string SignerName, string Reason, SignatureAppearance? Appearance);

/// <summary>A signature field prepared in a new revision of the document: the bytes to sign and where the CMS goes.</summary>
public sealed class PreparedSignature
{
    private readonly byte[] _bytes;
    private readonly int _contentsStart;
    private readonly int _contentsLength;

    internal PreparedSignature(byte[] bytes, int contentsStart, int contentsLength)
    {
        _bytes = bytes;
        _contentsStart = contentsStart;
        _contentsLength = contentsLength;
        ByteRange = [0, contentsStart, contentsStart + contentsLength, bytes.Length - contentsStart - contentsLength];
    }

    /// <summary>[0, before the Contents hex string, after it, to the end]: what the signature covers.</summary>
    public long[] ByteRange { get; }

    /// <summary>SHA-256 of the bytes the ByteRange covers: what the CMS's message-digest attribute must hold.</summary>
    public byte[] Digest()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(_bytes, 0, _contentsStart);
        sha.AppendData(_bytes, _contentsStart + _contentsLength, _bytes.Length - _contentsStart - _contentsLength);
        return sha.GetHashAndReset();
    }

    /// <summary>The signed document: the CMS written into the Contents placeholder, hex-encoded and padded with zeros.</summary>
    public byte[] Embed(ReadOnlySpan<byte> cms)
    {
        var capacity = (_contentsLength - 2) / 2;
        if (cms.Length > capacity) throw new PdfSigningException($"the signature ({cms.Length} bytes) does not fit the {capacity} bytes reserved for it");
        var signed = (byte[])_bytes.Clone();
        var hex = Encoding.ASCII.GetBytes(Convert.ToHexString(cms));
        hex.CopyTo(signed, _contentsStart + 1);
        return signed;
    }
}

/// <summary>
/// Adds a signature field to a PDF as an incremental update (ISO 32000-1 §7.5.6): the original bytes stay as they are, and a new
/// revision appends the signature dictionary, its widget, the updated page and AcroForm, a cross-reference section and a
/// trailer pointing back (/Prev). A signature made earlier keeps covering exactly the revision it signed. PDFsharp 6.2 signs
/// only by rewriting the whole file, which breaks every earlier signature, so the second signature needs this.
/// </summary>
public static class PdfSignatureWriter
{
    /// <summary>Bytes reserved for the CMS: a certificate chain of three, an RFC 3161 token with its TSA chain, and room to spare.</summary>
    public const int DefaultContentsSize = 12_288;

    public static PreparedSignature Prepare(byte[] pdf, SignatureField field, int contentsSize = DefaultContentsSize)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        ArgumentNullException.ThrowIfNull(field);
        var file = new PdfFile(pdf);
        var trailer = file.Trailer!;
        var rootRef = (PdfReference)trailer.Get("/Root")!;
        var catalog = (PdfDict)file.Object(rootRef.Number);
        var pages = file.Pages();
        if (field.PageIndex < 0 || field.PageIndex >= pages.Count) throw new PdfSigningException($"page {field.PageIndex} is not in the document ({pages.Count} pages)");
        var pageRef = pages[field.PageIndex];
        var page = (PdfDict)file.Object(pageRef.Number);
        var pageHeight = PageHeight(file, page);

        var next = file.Size;
        int Allocate() => next++;
        var written = new SortedDictionary<int, string>();

        var sigNumber = Allocate();
        var widgetNumber = Allocate();
        // A text appearance is in the file already (drawn by the renderer with the embedded font); an image one is written here.
        int? appearanceNumber = field.Appearance is null ? null : field.Appearance.Form ?? Allocate();

        // The widget's rectangle in PDF user space (origin bottom left).
        var box = field.Box;
        var rect = field.Appearance is null
            ? "[0 0 0 0]"
            : string.Create(CultureInfo.InvariantCulture, $"[{box.X:0.##} {pageHeight - box.Y - box.Height:0.##} {box.X + box.Width:0.##} {pageHeight - box.Y:0.##}]");
        var widget = new StringBuilder()
            .Append("<</Type /Annot /Subtype /Widget /FT /Sig /F 132 /T ").Append(LiteralString(field.FieldName))
            .Append(CultureInfo.InvariantCulture, $" /V {sigNumber} 0 R /P {pageRef.Number} {pageRef.Generation} R /Rect {rect}");
        if (appearanceNumber is { } ap) widget.Append(CultureInfo.InvariantCulture, $" /AP <</N {ap} 0 R>>");
        widget.Append(">>");
        written[widgetNumber] = widget.ToString();
        if (field.Appearance is { Form: null } appearance && appearanceNumber is { } apNumber)
        {
            var images = new Dictionary<string, int>();
            foreach (var image in appearance.Images)
            {
                var imageNumber = Allocate();
                images[image.Name] = imageNumber;
                if (image.Mask is { } mask)
                {
                    var maskNumber = Allocate();
                    written[maskNumber] = Stream($"/Type /XObject /Subtype /Image /Width {image.Width} /Height {image.Height} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", mask);
                    written[imageNumber] = Stream($"/Type /XObject /Subtype /Image /Width {image.Width} /Height {image.Height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode /SMask {maskNumber} 0 R", image.Rgb);
                }
                else written[imageNumber] = Stream($"/Type /XObject /Subtype /Image /Width {image.Width} /Height {image.Height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode", image.Rgb);
            }
            var xobjects = string.Concat(images.Select(i => string.Create(CultureInfo.InvariantCulture, $"/{i.Key} {i.Value} 0 R ")));
            var resources = images.Count > 0 ? $"/XObject <<{xobjects}>>" : "";
            var content = appearance.Content(box.Width, box.Height);
            written[apNumber] = Stream(string.Create(CultureInfo.InvariantCulture, $"/Type /XObject /Subtype /Form /BBox [0 0 {box.Width:0.##} {box.Height:0.##}] /Resources <<{resources}>>"), Encoding.Latin1.GetBytes(content));
        }

        // The page lists the widget among its annotations: an inline array grows, an array object is rewritten under its number.
        var widgetRef = new PdfReference(widgetNumber, 0);
        switch (page.Get("/Annots"))
        {
            case PdfReference annotsRef:
                var annots = (PdfList)file.Object(annotsRef.Number);
                annots.Items.Add(widgetRef);
                written[annotsRef.Number] = annots.Serialize();
                break;
            case PdfList inline:
                inline.Items.Add(widgetRef);
                written[pageRef.Number] = page.Serialize();
                break;
            default:
                page.Set("/Annots", new PdfList([widgetRef]));
                written[pageRef.Number] = page.Serialize();
                break;
        }

        // The AcroForm lists the field and says the document has signatures (SigFlags 1) that an update must append to (2).
        var acroFormValue = catalog.Get("/AcroForm");
        var acroForm = acroFormValue is null ? new PdfDict([]) : (PdfDict)file.Resolve(acroFormValue);
        var fields = acroForm.Get("/Fields") is { } f ? (PdfList)file.Resolve(f) : new PdfList([]);
        fields.Items.Add(widgetRef);
        acroForm.Set("/Fields", fields);
        acroForm.Set("/SigFlags", new PdfToken("3"));
        if (acroFormValue is PdfReference acroFormRef) written[acroFormRef.Number] = acroForm.Serialize();
        else
        {
            var acroFormNumber = Allocate();
            written[acroFormNumber] = acroForm.Serialize();
            catalog.Set("/AcroForm", new PdfReference(acroFormNumber, 0));
            written[rootRef.Number] = catalog.Serialize();
        }

        const string ContentsMarker = "/Contents <";
        const string ByteRangeMarker = "/ByteRange [";
        var byteRangeWidth = 4 * 11;
        written[sigNumber] = new StringBuilder()
            .Append("<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached ")
            .Append(ByteRangeMarker).Append(' ', byteRangeWidth).Append("] ")
            .Append(ContentsMarker).Append('0', 2 * contentsSize).Append("> ")
            .Append("/M ").Append(LiteralString(PdfDate(field.SigningTime)))
            .Append(" /Name ").Append(TextString(field.SignerName))
            .Append(" /Reason ").Append(TextString(field.Reason))
            .Append(">>").ToString();

        // The new revision: objects, one cross-reference section of subsections, the trailer with /Prev.
        var update = new StringBuilder();
        var offsets = new SortedDictionary<int, long>();
        update.Append('\n');
        foreach (var (number, body) in written)
        {
            // Latin-1: one char per byte, so the builder's length is the byte offset.
            offsets[number] = pdf.Length + update.Length;
            update.Append(CultureInfo.InvariantCulture, $"{number} 0 obj\n").Append(body).Append("\nendobj\n");
        }
        var xrefOffset = pdf.Length + update.Length;
        update.Append("xref\n");
        foreach (var run in Runs(offsets.Keys))
        {
            update.Append(CultureInfo.InvariantCulture, $"{run.First} {run.Count}\n");
            for (var n = run.First; n < run.First + run.Count; n++) update.Append(CultureInfo.InvariantCulture, $"{offsets[n]:0000000000} 00000 n\r\n");
        }
        var newTrailer = new PdfDict([]);
        newTrailer.Set("/Size", new PdfToken(next.ToString(CultureInfo.InvariantCulture)));
        newTrailer.Set("/Root", rootRef);
        if (trailer.Get("/Info") is { } info) newTrailer.Set("/Info", info);
        if (trailer.Get("/ID") is { } id) newTrailer.Set("/ID", id);
        newTrailer.Set("/Prev", new PdfToken(file.LastXref.ToString(CultureInfo.InvariantCulture)));
        update.Append("trailer\n").Append(newTrailer.Serialize()).Append(CultureInfo.InvariantCulture, $"\nstartxref\n{xrefOffset}\n%%EOF\n");

        var appended = Encoding.Latin1.GetBytes(update.ToString());
        var bytes = new byte[pdf.Length + appended.Length];
        pdf.CopyTo(bytes, 0);
        appended.CopyTo(bytes, pdf.Length);

        var updateText = update.ToString();
        var sigAt = updateText.IndexOf($"\n{sigNumber} 0 obj\n", StringComparison.Ordinal);
        var contentsStart = pdf.Length + updateText.IndexOf(ContentsMarker, sigAt, StringComparison.Ordinal) + ContentsMarker.Length - 1;
        var contentsLength = 2 * contentsSize + 2;
        var byteRangeStart = pdf.Length + updateText.IndexOf(ByteRangeMarker, sigAt, StringComparison.Ordinal) + ByteRangeMarker.Length;
        var range = string.Create(CultureInfo.InvariantCulture, $"0 {contentsStart} {contentsStart + contentsLength} {bytes.Length - contentsStart - contentsLength}");
        Encoding.ASCII.GetBytes(range).CopyTo(bytes, byteRangeStart);
        return new PreparedSignature(bytes, contentsStart, contentsLength);
    }

    private static double PageHeight(PdfFile file, PdfDict page)
    {
        for (var node = page; node is not null; node = node.Get("/Parent") is PdfReference parent ? (PdfDict)file.Object(parent.Number) : null)
        {
            if (node.Get("/MediaBox") is { } box && file.Resolve(box) is PdfList { Items.Count: 4 } list)
                return double.Parse(((PdfToken)list.Items[3]).Text, CultureInfo.InvariantCulture) - double.Parse(((PdfToken)list.Items[1]).Text, CultureInfo.InvariantCulture);
        }
        return 841.89;
    }

    private static IEnumerable<(int First, int Count)> Runs(IEnumerable<int> numbers)
    {
        int? first = null;
        var count = 0;
        foreach (var n in numbers)
        {
            if (first is { } f && f + count == n) { count++; continue; }
            if (first is { } done) yield return (done, count);
            first = n;
            count = 1;
        }
        if (first is { } last) yield return (last, count);
    }

    private static string Stream(string dictionary, byte[] data) =>
        string.Create(CultureInfo.InvariantCulture, $"<<{dictionary} /Length {data.Length}>>\nstream\n") + Encoding.Latin1.GetString(data) + "\nendstream";

    /// <summary>"D:20261120090000+07'00'": the PDF date of an instant, in Viet Nam time.</summary>
    public static string PdfDate(DateTimeOffset instant)
    {
        var local = instant.ToOffset(TimeSpan.FromHours(7));
        return local.ToString("'D:'yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "+07'00'";
    }

    private static string LiteralString(string text) =>
        "(" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("(", "\\(", StringComparison.Ordinal).Replace(")", "\\)", StringComparison.Ordinal) + ")";

    /// <summary>A text string in UTF-16BE with its byte-order mark, hex-encoded: Vietnamese names survive any reader.</summary>
    private static string TextString(string text) => "<FEFF" + Convert.ToHexString(Encoding.BigEndianUnicode.GetBytes(text)) + ">";
}
