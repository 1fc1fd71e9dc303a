using System.Reflection;
using PdfSharp.Fonts;

namespace ChuyenDoiSo.Reporting.Render;

/// <summary>
/// Liberation Serif (metric-compatible with Times New Roman, SIL OFL 1.1, which allows bundling: Fonts/OFL.txt), shipped
/// inside this assembly and handed to PDFsharp through its font resolver, so a PDF renders the same on a machine with no
/// fonts installed. PDFsharp holds one resolver per process and refuses a different one once a font was used, hence
/// <see cref="Register"/>: set once, idempotent, thread-safe.
/// </summary>
public sealed class ReportFonts : IFontResolver
{
    /// <summary>The family name PdfReportRenderer asks for.</summary>
    public const string Family = "Liberation Serif";

    public static ReportFonts Instance { get; } = new();

    private static readonly Lock Gate = new();
    private static bool registered;

    private static readonly string[] Faces = ["LiberationSerif-Regular", "LiberationSerif-Bold", "LiberationSerif-Italic", "LiberationSerif-BoldItalic"];
    private readonly Dictionary<string, byte[]> loaded = new(StringComparer.Ordinal);

    private ReportFonts()
    {
    }

    /// <summary>
    /// Makes the bundled fonts PDFsharp's resolver; when the process already set another resolver (a host's own), ours
    /// becomes the fallback, which PDFsharp asks for any family the first one does not know.
    /// </summary>
    public static void Register()
    {
        if (Volatile.Read(ref registered)) return;
        lock (Gate)
        {
            if (registered) return;
            if (GlobalFontSettings.FontResolver is null or ReportFonts)
                GlobalFontSettings.FontResolver = Instance;
            else if (GlobalFontSettings.FallbackFontResolver is null or ReportFonts)
                GlobalFontSettings.FallbackFontResolver = Instance;
            else
                throw new InvalidOperationException(
                    $"PDFsharp already has the font resolver {GlobalFontSettings.FontResolver.GetType().Name} and the fallback {GlobalFontSettings.FallbackFontResolver.GetType().Name}; the report fonts cannot be added.");
            Volatile.Write(ref registered, true);
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic)
    {
        // Word's name for the face is accepted too, so a caller drawing "Times New Roman" gets the metric twin.
        if (!familyName.Equals(Family, StringComparison.OrdinalIgnoreCase) && !familyName.Equals("Times New Roman", StringComparison.OrdinalIgnoreCase))
            return null;
        return new FontResolverInfo(Faces[(bold ? 1 : 0) + (italic ? 2 : 0)]);
    }

    public byte[]? GetFont(string faceName)
    {
        if (Array.IndexOf(Faces, faceName) < 0) return null;
        lock (loaded)
        {
            if (loaded.TryGetValue(faceName, out var bytes)) return bytes;
            using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Fonts.{faceName}.ttf")
                ?? throw new InvalidOperationException($"The font {faceName}.ttf is not embedded in {Assembly.GetExecutingAssembly().GetName().Name}.");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            bytes = copy.ToArray();
            loaded[faceName] = bytes;
            return bytes;
        }
    }
}
