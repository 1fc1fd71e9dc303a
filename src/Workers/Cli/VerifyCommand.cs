using System.CommandLine;
using System.Globalization;
using ChuyenDoiSo.Workers.Signing;

namespace ChuyenDoiSo.Workers.Cli;

/// <summary>verify: what a receiver runs on a report: each signature, who, which certificate, when, intact or not.</summary>
public static class VerifyCommand
{
    public static Command Verify()
    {
        var file = new Option<string>("--file") { Description = "The signed PDF", Required = true };
        var command = new Command("verify", "List each signature of a PDF (who, which certificate, when, whether the bytes it covers are intact and whether it covers the whole document); exit 0 when all are intact, 2 with the reason otherwise") { file };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            if (Directory.Exists(path) || !File.Exists(path)) throw new UserException($"--file \"{path}\" is not a file; expected a PDF");
            var checks = SignatureVerifier.Check(File.ReadAllBytes(path));
            if (checks.Count == 0)
            {
                Console.Error.WriteLine($"error: {path} has no signature");
                return 2;
            }
            foreach (var c in checks)
            {
                Console.WriteLine($"signature {c.Index}: {(c.Intact ? "intact" : "NOT INTACT")}");
                Console.WriteLine($"  who:        {c.Subject ?? "?"}");
                Console.WriteLine($"  serial:     {c.Serial ?? "?"}");
                Console.WriteLine($"  sha-256:    {c.Thumbprint ?? "?"}");
                Console.WriteLine($"  signed at:  {PdfDate(c.SigningTime)} (claimed by the signer, /M)");
                Console.WriteLine($"  timestamp:  {(c.Timestamp is { } t ? t.ToOffset(TimeSpan.FromHours(7)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture) + " (RFC 3161)" : "none")}");
                Console.WriteLine($"  type:       {c.SubFilter ?? "?"}");
                Console.WriteLine($"  covers:     {(c.CoversWholeDocument ? "the whole document" : "an earlier revision (later revisions were appended)")}");
                if (c.Problem is not null) Console.WriteLine($"  problem:    {c.Problem}");
            }
            var bad = checks.Where(c => !c.Intact).ToList();
            if (bad.Count == 0) return 0;
            Console.Error.WriteLine($"error: {string.Join("; ", bad.Select(c => $"signature {c.Index}: {c.Problem}"))}");
            return 2;
        });
        return command;
    }

    /// <summary>"D:20261120090000+07'00'" as ISO 8601 with its offset; anything else as written.</summary>
    private static string PdfDate(string? value)
    {
        if (value is null) return "?";
        var text = value.StartsWith("D:", StringComparison.Ordinal) ? value[2..] : value;
        if (text.Length >= 14 && DateTime.TryParseExact(text[..14], "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            var offset = TimeSpan.Zero;
            if (text.Length >= 20 && text[14] is '+' or '-' && int.TryParse(text.AsSpan(15, 2), CultureInfo.InvariantCulture, out var h) && int.TryParse(text.AsSpan(18, 2), CultureInfo.InvariantCulture, out var m))
                offset = (text[14] == '-' ? -1 : 1) * new TimeSpan(h, m, 0);
            return new DateTimeOffset(local, offset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        }
        return value;
    }
}
