using System.Security.Cryptography.X509Certificates;
using ChuyenDoiSo.Reporting.Render;
using ChuyenDoiSo.Reporting.Signing;

namespace ChuyenDoiSo.Workers.Signing;

/// <summary>
/// Signs an issued PDF, as the last write: first the signer's signature in the signer block, then the agency's over the left
/// third of it, each in its own incremental revision so the first stays intact (PAdES: two signatures, Decree 30 Art. 5).
/// </summary>
public static class ReportSigning
{
    public static async Task<byte[]> SignAsync(byte[] unsignedPdf, SignaturePlacement placement, ReportSigners signers, string signerName, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(placement);
        ArgumentNullException.ThrowIfNull(signers);
        var pdf = unsignedPdf;
        if (signers.Signer is { } signer)
        {
            var appearance = signers.Signature is { } image ? SignatureAppearance.Image(image) : SignatureAppearance.Text(signerName, now);
            pdf = await SignOnceAsync(pdf, new SignatureField("NguoiKy", placement.PageIndex, placement.SignerBox, now, Name(signer), "Người có thẩm quyền ký", appearance), signer, cancellationToken);
        }
        var agencyAppearance = signers.Seal is { } seal ? SignatureAppearance.Image(seal) : SignatureAppearance.Text(Name(signers.Agency), now, atBottom: true);
        return await SignOnceAsync(pdf, new SignatureField("CoQuan", placement.PageIndex, placement.SealBox, now, Name(signers.Agency), "Chữ ký số của cơ quan, tổ chức", agencyAppearance), signers.Agency, cancellationToken);
    }

    private static async Task<byte[]> SignOnceAsync(byte[] pdf, SignatureField field, IReportSigner signer, CancellationToken cancellationToken)
    {
        var prepared = PdfSignatureWriter.Prepare(pdf, field);
        var cms = await signer.SignAsync(prepared.Digest(), cancellationToken);
        return prepared.Embed(cms);
    }

    private static string Name(IReportSigner signer) => signer.Certificate.GetNameInfo(X509NameType.SimpleName, false);
}
