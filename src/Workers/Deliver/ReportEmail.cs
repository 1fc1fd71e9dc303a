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
        var body = new BodyBuilder { HtmlBody = html };
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

    /// <summary>Writes the message as an .eml file to the pickup folder (the embedded default); returns the path.</summary>
    public static async Task<string> WriteToPickupAsync(MimeMessage message, string folder, string fileName, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, fileName);
        await message.WriteToAsync(path, cancellationToken);
        return path;
    }
}
