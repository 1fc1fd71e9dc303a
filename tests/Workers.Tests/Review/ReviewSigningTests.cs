using System.Net;
using ChuyenDoiSo.Reporting.Approval;
using ChuyenDoiSo.Reporting.Register;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Tests.Approval;
using ChuyenDoiSo.Workers.Tests.Portal;
using ChuyenDoiSo.Workers.Tests.Signing;
using Dapper;
using MimeKit;

namespace ChuyenDoiSo.Workers.Tests.Review;

/// <summary>
/// The signer approves on the review page of a plan whose signer's certificate password is typed at signing: a wrong one
/// approves and issues nothing and says so; the right one issues with both signatures; neither is ever written anywhere.
/// </summary>
public sealed class ReviewSigningTests(TypedSignerReviewHub hub) : IClassFixture<TypedSignerReviewHub>
{
    private const string Plan = ApprovalSetup.PlanId;
    private const string Period = "2026-10";
    private const string Wrong = "không phải mật khẩu chứng thư";

    [Fact]
    public async Task AWrongCertificatePassword_approvesNothing_theRightOneIssuesWithBothSignatures_andNeitherIsKept()
    {
        using var signer = hub.Client();
        Assert.Equal(HttpStatusCode.Redirect, (await signer.LoginAsync("review", ApprovalSetup.Signer, ApprovalSetup.Password, null)).Status);
        var path = $"review/{Plan}/{Period}";
        var page = await signer.GetAsync(path);
        Assert.Contains("id=\"certificate-password\"", page.Html, StringComparison.Ordinal);

        var refused = await signer.PostAsync($"{path}/approve", [new("__RequestVerificationToken", PortalClient.Token(page.Html)), new("password", ApprovalSetup.Password), new("certificatePassword", Wrong)]);
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Contains("Chứng thư số của người ký không mở được", WebUtility.HtmlDecode(refused.Html), StringComparison.Ordinal);
        Assert.DoesNotContain(Wrong, WebUtility.HtmlDecode(refused.Html), StringComparison.Ordinal);
        using (var connection = new HubDatabase(hub.DatabasePath).Open())
        {
            Assert.NotEqual(ApprovalStates.Approved, new ApprovalStore(connection).Find(Plan, Period)?.State);
            Assert.Equal(0L, connection.ExecuteScalar<long>("SELECT COUNT(*) FROM outgoing_register WHERE body_id = @Plan AND period = @Period", new { Plan, Period }));
        }

        page = await signer.GetAsync(path);
        var approved = await signer.PostAsync($"{path}/approve", [new("__RequestVerificationToken", PortalClient.Token(page.Html)), new("password", ApprovalSetup.Password), new("certificatePassword", ApprovalSetup.CertificatePassword)]);
        Assert.True(approved.Status == HttpStatusCode.SeeOther, approved.Html);
        var done = WebUtility.HtmlDecode((await signer.GetAsync(approved.Location!.OriginalString.TrimStart('/'))).Html);
        Assert.Contains("Đã phê duyệt, cấp số", done, StringComparison.Ordinal);

        var report = (await Delivery.DeliveryHost.EventuallyAsync(
            () => hub.Smtp.Accepted.Select(m => m.Parse()).Where(m => (m.Subject ?? "").Contains("tháng 10", StringComparison.Ordinal) && (m.Subject ?? "").Contains("(Số ", StringComparison.Ordinal)).ToList(),
            m => m.Count > 0, "the approved report sent", TimeSpan.FromSeconds(60)))[0];
        var file = Path.Combine(hub.Folder, "typed.pdf");
        await using (var output = File.Create(file))
            await report.Attachments.OfType<MimePart>().Single(a => a.FileName!.EndsWith(".pdf", StringComparison.Ordinal)).Content!.DecodeToAsync(output);
        var (validations, pdfsig) = await PdfTools.PdfSigAsync(file);
        Assert.True(validations.Count == 2 && validations.All(v => v == "Signature is Valid."), pdfsig);

        // Neither password in the hub's log, nor in hub.db (its file and write-ahead log, as bytes).
        var stored = await File.ReadAllBytesAsync(hub.DatabasePath);
        var wal = File.Exists(hub.DatabasePath + "-wal") ? await File.ReadAllBytesAsync(hub.DatabasePath + "-wal") : [];
        foreach (var secret in new[] { Wrong, ApprovalSetup.CertificatePassword })
        {
            Assert.DoesNotContain(secret, hub.Process.Output, StringComparison.Ordinal);
            var bytes = System.Text.Encoding.UTF8.GetBytes(secret);
            Assert.True(stored.AsSpan().IndexOf(bytes) < 0 && wal.AsSpan().IndexOf(bytes) < 0, "a certificate password is in hub.db");
        }
    }
}
