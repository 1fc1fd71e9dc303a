using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace ChuyenDoiSo.Reporting.Signing;

/// <summary>One signature dictionary as the file has it: what it covers and the CMS it holds.</summary>
/// <param name="ByteRange">The four numbers of /ByteRange.</param>
/// <param name="Cms">The DER CMS from /Contents, without the zero padding.</param>
/// <param name="Digest">SHA-256 of the bytes the ByteRange covers, as they are now.</param>
/// <param name="RangeIsSound">The ByteRange starts at 0, skips exactly the /Contents string and ends inside the file.</param>
/// <param name="CoversWholeFile">The ByteRange reaches the end of the file: nothing was appended after this signature.</param>
public sealed record PdfSignatureEntry(string? SubFilter, string? Name, string? SigningTime, long[] ByteRange, byte[] Cms, byte[] Digest, bool RangeIsSound, bool CoversWholeFile);

/// <summary>Finds every signature dictionary in a PDF by its /ByteRange, independent of the cross-reference table, so a damaged file still shows its signatures.</summary>
public static partial class PdfSignatureReader
{
    [GeneratedRegex(@"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")]
    private static partial Regex ByteRangePattern();

    [GeneratedRegex(@"(\d+)\s+(\d+)\s+obj\b")]
    private static partial Regex ObjectPattern();

    public static IReadOnlyList<PdfSignatureEntry> Read(byte[] pdf)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        var text = Encoding.Latin1.GetString(pdf);
        var entries = new List<PdfSignatureEntry>();
        foreach (Match match in ByteRangePattern().Matches(text))
        {
            var range = Enumerable.Range(1, 4).Select(i => long.Parse(match.Groups[i].Value, CultureInfo.InvariantCulture)).ToArray();
            // The dictionary holding this ByteRange: parse from its object's start.
            var objectStart = ObjectPattern().Matches(text[..match.Index]).LastOrDefault();
            if (objectStart is null) continue;
            var position = objectStart.Index + objectStart.Length;
            PdfDict dict;
            try
            {
                dict = (PdfDict)new PdfFileText(text).Parse(ref position);
            }
            catch (Exception e) when (e is InvalidCastException or IndexOutOfRangeException or ArgumentOutOfRangeException or FormatException or PdfSigningException)
            {
                continue;
            }
            if (dict.Get("/Contents") is not PdfToken { Text: ['<', ..] } contents) continue;
            var cms = Trim(Convert.FromHexString(contents.Text[1..^1]));
            var sound = range[0] == 0 && range[1] > 0 && range[2] > range[1] && range[2] + range[3] <= pdf.Length
                        && range[1] < pdf.Length && pdf[range[1]] == '<' && pdf[range[2] - 1] == '>';
            byte[] digest;
            using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                if (range[0] + range[1] <= pdf.Length) sha.AppendData(pdf, (int)range[0], (int)range[1]);
                if (range[2] + range[3] <= pdf.Length) sha.AppendData(pdf, (int)range[2], (int)range[3]);
                digest = sha.GetHashAndReset();
            }
            entries.Add(new PdfSignatureEntry(
                (dict.Get("/SubFilter") as PdfToken)?.Text.TrimStart('/'),
                Decode(dict.Get("/Name")),
                Decode(dict.Get("/M")),
                range, cms, digest, sound, range[2] + range[3] == pdf.Length));
        }
        return entries;
    }

    /// <summary>The DER object's own length: /Contents is padded with zeros after it.</summary>
    private static byte[] Trim(byte[] der)
    {
        if (der.Length < 2 || der[0] != 0x30) return der;
        int length = der[1], header = 2;
        if ((length & 0x80) != 0)
        {
            var count = length & 0x7F;
            if (count == 0 || count > 4 || der.Length < 2 + count) return der;
            length = 0;
            for (var i = 0; i < count; i++) length = (length << 8) | der[2 + i];
            header = 2 + count;
        }
        return header + length <= der.Length ? der[..(header + length)] : der;
    }

    private static string? Decode(PdfValue? value)
    {
        if (value is not PdfToken token) return null;
        var t = token.Text;
        if (t.StartsWith("<FEFF", StringComparison.OrdinalIgnoreCase) && t.EndsWith('>'))
            return Encoding.BigEndianUnicode.GetString(Convert.FromHexString(t[5..^1]));
        if (t.StartsWith('(') && t.EndsWith(')'))
            return t[1..^1].Replace("\\(", "(", StringComparison.Ordinal).Replace("\\)", ")", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
        return t;
    }
}
