using System.Globalization;
using System.IO.Compression;
using System.Text;
using ChuyenDoiSo.Reporting.Render;

namespace ChuyenDoiSo.Reporting.Signing;

/// <summary>An image for a signature's appearance: RGB samples and an optional alpha mask, each Flate-compressed.</summary>
public sealed record AppearanceImage(string Name, int Width, int Height, byte[] Rgb, byte[]? Mask);

/// <summary>
/// What a signature widget draws (Decree 30 Appendix I): the image, scaled to fit and centred; or, without one, the signer's
/// name and the signing time in ISO 8601 with +07:00 as a text appearance that the renderer drew beforehand in the embedded
/// Liberation Serif (<see cref="Render.SignatureTexts"/>), named here by its object number in the file.
/// </summary>
public sealed record SignatureAppearance(IReadOnlyList<AppearanceImage> Images, int? Form = null)
{
    /// <summary>The lines of a text appearance: the name and the signing time in Viet Nam (ISO 8601, +07:00).</summary>
    public static IReadOnlyList<string> TextLines(string name, DateTimeOffset signingTime) =>
        [name, signingTime.ToOffset(TimeSpan.FromHours(7)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)];

    /// <summary>A text appearance already in the file as the form XObject <paramref name="objectNumber"/>.</summary>
    public static SignatureAppearance Text(int objectNumber) => new([], objectNumber);

    public static SignatureAppearance Image(AppearanceImage image) => new([image]);

    /// <summary>The appearance stream's content for a box of this size.</summary>
    internal string Content(double width, double height)
    {
        var content = new StringBuilder();
        foreach (var image in Images)
        {
            var scale = Math.Min(width / image.Width, height / image.Height);
            var (w, h) = (image.Width * scale, image.Height * scale);
            content.Append(CultureInfo.InvariantCulture, $"q {w:0.###} 0 0 {h:0.###} {(width - w) / 2:0.###} {(height - h) / 2:0.###} cm /{image.Name} Do Q\n");
        }
        return content.ToString();
    }

    /// <summary>Reads an 8-bit RGB or RGBA PNG (non-interlaced), the kind a scanned signature or seal is saved as.</summary>
    public static AppearanceImage ReadPng(string name, byte[] png)
    {
        ArgumentNullException.ThrowIfNull(png);
        ReadOnlySpan<byte> signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        if (png.Length < 8 || !png.AsSpan(0, 8).SequenceEqual(signature)) throw new PdfSigningException("not a PNG file");
        int width = 0, height = 0, colorType = 0;
        using var idat = new MemoryStream();
        for (var position = 8; position + 8 <= png.Length;)
        {
            var length = (png[position] << 24) | (png[position + 1] << 16) | (png[position + 2] << 8) | png[position + 3];
            var type = Encoding.ASCII.GetString(png, position + 4, 4);
            var data = png.AsSpan(position + 8, length);
            if (type == "IHDR")
            {
                width = (data[0] << 24) | (data[1] << 16) | (data[2] << 8) | data[3];
                height = (data[4] << 24) | (data[5] << 16) | (data[6] << 8) | data[7];
                if (data[8] != 8 || data[12] != 0 || data[9] is not (2 or 6)) throw new PdfSigningException("the PNG must be 8-bit RGB or RGBA, not interlaced");
                colorType = data[9];
            }
            else if (type == "IDAT") idat.Write(data);
            else if (type == "IEND") break;
            position += 12 + length;
        }
        var channels = colorType == 6 ? 4 : 3;
        var stride = width * channels;
        var raw = new byte[height * (stride + 1)];
        idat.Position = 0;
        using (var inflate = new ZLibStream(idat, CompressionMode.Decompress)) inflate.ReadExactly(raw);
        var pixels = Unfilter(raw, width, height, channels);
        var rgb = new byte[width * height * 3];
        var alpha = channels == 4 ? new byte[width * height] : null;
        for (var i = 0; i < width * height; i++)
        {
            rgb[3 * i] = pixels[channels * i];
            rgb[3 * i + 1] = pixels[channels * i + 1];
            rgb[3 * i + 2] = pixels[channels * i + 2];
            if (alpha is not null) alpha[i] = pixels[4 * i + 3];
        }
        return new AppearanceImage(name, width, height, Deflate(rgb), alpha is null ? null : Deflate(alpha));
    }

    private static byte[] Unfilter(byte[] raw, int width, int height, int channels)
    {
        var stride = width * channels;
        var output = new byte[height * stride];
        for (var row = 0; row < height; row++)
        {
            var filter = raw[row * (stride + 1)];
            for (var x = 0; x < stride; x++)
            {
                var value = raw[row * (stride + 1) + 1 + x];
                int a = x >= channels ? output[row * stride + x - channels] : 0;
                int b = row > 0 ? output[(row - 1) * stride + x] : 0;
                int c = row > 0 && x >= channels ? output[(row - 1) * stride + x - channels] : 0;
                output[row * stride + x] = filter switch
                {
                    0 => value,
                    1 => (byte)(value + a),
                    2 => (byte)(value + b),
                    3 => (byte)(value + ((a + b) >> 1)),
                    4 => (byte)(value + Paeth(a, b, c)),
                    _ => throw new PdfSigningException($"PNG filter {filter} is not defined"),
                };
            }
        }
        return output;
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        var (pa, pb, pc) = (Math.Abs(p - a), Math.Abs(p - b), Math.Abs(p - c));
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static byte[] Deflate(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal)) zlib.Write(data);
        return output.ToArray();
    }
}
