using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace ChuyenDoiSo.Reporting.Tests.Render;

/// <summary>
/// Poppler's command-line tools (Debian poppler-utils), an independent reader of the PDFs the hub writes. A missing tool
/// fails the test with what to install: scripts/test.sh installs it; a check that silently skipped would prove nothing.
/// </summary>
internal static partial class PdfTools
{
    /// <summary>tests/Reporting.Tests/bin/Release/net10.0/artifacts/pdf: PDFs and page images kept for a person to look at.</summary>
    public static string Artifacts
    {
        get
        {
            var folder = Path.Combine(AppContext.BaseDirectory, "artifacts", "pdf");
            Directory.CreateDirectory(folder);
            return folder;
        }
    }

    public static string Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"{tool} is not installed ({e.Message}): install Debian's poppler-utils (scripts/test.sh does) to check the PDFs.");
            throw;
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(60_000))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{tool} {string.Join(' ', arguments)} did not finish in 60 s");
            }
            Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', arguments)} exited {process.ExitCode}: {error.Result}");
            return output.Result;
        }
    }

    public static string Text(string pdf, int? page = null) =>
        page is { } p ? Run("pdftotext", "-layout", "-f", I(p), "-l", I(p), pdf, "-") : Run("pdftotext", "-layout", pdf, "-");

    /// <summary>pdfinfo's "Key: value" lines.</summary>
    public static Dictionary<string, string> Info(string pdf) =>
        Run("pdfinfo", pdf).Split('\n').Where(l => l.Contains(':', StringComparison.Ordinal))
            .Select(l => (Key: l[..l.IndexOf(':', StringComparison.Ordinal)], Value: l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()))
            .GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.First().Value);

    public sealed record Font(string Name, string Type, bool Embedded, bool Subset, bool Unicode);

    /// <summary>pdffonts' table rows.</summary>
    public static List<Font> Fonts(string pdf) =>
        Run("pdffonts", pdf).Split('\n').Skip(2).Where(l => l.Trim().Length > 0)
            .Select(l => FontRow().Match(l))
            .Select(m => m.Success ? new Font(m.Groups[1].Value, m.Groups[2].Value.Trim(), m.Groups[3].Value == "yes", m.Groups[4].Value == "yes", m.Groups[5].Value == "yes") : throw new InvalidOperationException("unexpected pdffonts row"))
            .ToList();

    public sealed record Word(int Page, double XMin, double YMin, double XMax, double YMax, string Text);

    /// <summary>Every word with its box (pdftotext -bbox), pages numbered from 1, y from the top of the page.</summary>
    public static List<Word> Words(string pdf)
    {
        var html = Run("pdftotext", "-bbox", pdf, "-");
        // The output is XHTML; its doctype names a DTD the parser need not fetch.
        var document = XDocument.Parse(DocType().Replace(html, ""));
        XNamespace ns = "http://www.w3.org/1999/xhtml";
        var words = new List<Word>();
        var number = 0;
        foreach (var page in document.Descendants(ns + "page"))
        {
            number++;
            foreach (var word in page.Elements(ns + "word"))
            {
                double D(string name) => double.Parse(word.Attribute(name)!.Value, CultureInfo.InvariantCulture);
                words.Add(new Word(number, D("xMin"), D("yMin"), D("xMax"), D("yMax"), word.Value));
            }
        }
        return words;
    }

    public static void Png(string pdf, int page, string prefix) =>
        Run("pdftoppm", "-png", "-r", "60", "-f", I(page), "-l", I(page), "-singlefile", pdf, prefix);

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(.+?)\s{2,}(.+?)\s{2,}\S+\s+(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$")]
    private static partial Regex FontRow();

    [GeneratedRegex("<!DOCTYPE[^>]*>")]
    private static partial Regex DocType();
}
