using System.Security.Cryptography;
using System.Text;
using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Render;
using MimeKit;

namespace ChuyenDoiSo.Workers.Deliver;

/// <summary>The email that carries a compiled report to the level above: Vietnamese subject, HTML body, DOCX attached.</summary>
public static class ReportEmail
{
    public const string DefaultFrom = "hub@chuyendoiso.example";

    public static MimeMessage Compose(CompiledReport report, string html, byte[] docx, string from, string to, string toName, byte[]? pdf = null, string? number = null, string? messageId = null)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress($"UBND {report.Plan.Commune.FullName}", from));
        message.To.Add(new MailboxAddress(toName, to));
        message.Subject = $"Báo cáo kết quả thực hiện Kế hoạch chuyển đổi số {ReportText.PeriodText(report.Period)} - UBND {report.Plan.Commune.FullName}"
                          + (number is null ? "" : $" (Số {number})");
        // The same report to the same recipient always has the same Message-ID, so a receiver can drop a repeat.
        message.MessageId = messageId ?? MessageId(report.Plan.Id, report.Period.Period, to);
        var body = new BodyBuilder { HtmlBody = html, TextBody = PlainText(html) };
        // The signed PDF is the original (Decree 30 Art. 5); the DOCX stays for whoever edits a roll-up from it.
        if (pdf is not null) body.Attachments.Add(FileName(report, "pdf"), pdf, new ContentType("application", "pdf"));
        body.Attachments.Add(FileName(report, "docx"), docx, ContentType.Parse("application/vnd.openxmlformats-officedocument.wordprocessingml.document"));
        message.Body = body.ToMessageBody();
        return message;
    }

    public static string MessageId(string planId, string period, string recipient)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{planId}|{period}|{recipient.ToLowerInvariant()}")))[..16];
        return $"{planId}.{period}.{hash}@chuyendoiso.hub";
    }

    public static string FileName(CompiledReport report, string extension) => $"{report.Plan.Id}_{report.Period.Period}.{extension}";

    /// <summary>The text/plain alternative of an HTML body: block ends become line breaks, tags go, entities are decoded, control characters dropped.</summary>
    public static string PlainText(string html)
    {
        var text = System.Text.RegularExpressions.Regex.Replace(html, @"<(script|style)[^>]*>.*?</\1>", "", System.Text.RegularExpressions.RegexOptions.Singleline | System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        text = System.Text.RegularExpressions.Regex.Replace(text, @"<br\s*/?>|</(p|div|h[1-6]|tr|li|table)>", "\n", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        text = System.Text.RegularExpressions.Regex.Replace(text, @"</t[dh]>", "\t", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        text = System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(text, "<[^>]+>", ""));
        var lines = text.Split('\n').Select(l => new string(l.Where(c => !char.IsControl(c) || c == '\t').ToArray()).Replace('\u00A0', ' ').Trim());
        return System.Text.RegularExpressions.Regex.Replace(string.Join("\n", lines), "\n{3,}", "\n\n").Trim() + "\n";
    }

    /// <summary>
    /// A notice from the hub (a reminder, a draft to review, an update sent back): the paragraphs (empty ones left out) as
    /// HTML and as its text/plain alternative, and, when given, a link (the portal form, the review page) before the last
    /// paragraph, the signature, and a PDF attached. Every value is HTML-encoded.
    /// </summary>
    public static MimeMessage Notice(MailboxAddress from, MailboxAddress to, string subject, string messageId, IReadOnlyList<string> paragraphs,
        (string Label, string Url)? link = null, (string FileName, byte[] Pdf)? attachment = null)
    {
        var message = new MimeMessage { Subject = subject, MessageId = messageId };
        message.From.Add(from);
        message.To.Add(to);
        message.Body = NoticeBody(paragraphs, link, attachment);
        return message;
    }

    private static MimeEntity NoticeBody(IReadOnlyList<string> paragraphs, (string Label, string Url)? link, (string FileName, byte[] Pdf)? attachment)
    {
        var kept = paragraphs.Select(p => p.Trim()).Where(p => p.Length > 0).ToList();
        var text = new List<string>(kept);
        var html = kept.Select(p => $"<p>{System.Net.WebUtility.HtmlEncode(p)}</p>").ToList();
        if (link is { } l)
        {
            var at = Math.Max(kept.Count - 1, 0);
            text.Insert(at, $"{l.Label}: {l.Url}");
            html.Insert(at, $"<p>{System.Net.WebUtility.HtmlEncode(l.Label)}: <a href=\"{System.Net.WebUtility.HtmlEncode(l.Url)}\">{System.Net.WebUtility.HtmlEncode(l.Url)}</a></p>");
        }
        var body = new BodyBuilder
        {
            TextBody = string.Join("\n\n", text) + "\n",
            HtmlBody = $"<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"></head><body>{string.Join("", html)}</body></html>",
        };
        if (attachment is { } a) body.Attachments.Add(a.FileName, a.Pdf, new ContentType("application", "pdf"));
        return body.ToMessageBody();
    }

    /// <summary>
    /// Writes the message as an .eml file to the pickup folder (the embedded default); returns the path. Prepared as SMTP
    /// would carry it: every part with a 7-bit transfer encoding, no line over 998 octets (RFC 5322 §2.1.1).
    /// </summary>
    public static async Task<string> WriteToPickupAsync(MimeMessage message, string folder, string fileName, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        message.Prepare(EncodingConstraint.SevenBit, 998);
        var path = Path.Combine(folder, fileName);
        // CRLF line ends, as on the wire: MimeKit's default on Linux is LF.
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        await message.WriteToAsync(format, path, cancellationToken);
        return path;
    }
}
