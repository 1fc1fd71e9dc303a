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
                Console.WriteLine($"  signed at:  {c.SigningTime ?? "?"}");
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
}
