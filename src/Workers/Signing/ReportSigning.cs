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
    /// <summary>
    /// Renders the document and signs it: the text appearances of signatures without an image are drawn by the renderer in
    /// the embedded Liberation Serif (a Vietnamese name renders), with the signing time <paramref name="now"/>.
    /// </summary>
    public static async Task<byte[]> RenderAndSignAsync(ReportDocument document, ReportSigners signers, DateTimeOffset now, CancellationToken cancellationToken, PdfRenderSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        var (unsigned, placement) = PdfReportRenderer.RenderBytes(document, (settings ?? new PdfRenderSettings()) with { SignatureTexts = Texts(signers, document.SignerName, now) });
        return await SignAsync(unsigned, placement, signers, document.SignerName, now, cancellationToken);
    }

    /// <summary>What the text appearances say: the signer's name (as the document prints it) and the agency's certificate name, each with the signing time.</summary>
    public static SignatureTexts Texts(ReportSigners signers, string signerName, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(signers);
        return new SignatureTexts(
            signers.Signer is not null && signers.Signature is null ? SignatureAppearance.TextLines(signerName, now) : null,
            signers.Seal is null ? SignatureAppearance.TextLines(Name(signers.Agency), now) : null);
    }

    /// <summary>Signs a PDF rendered with <see cref="Texts"/> for these signers (or with images for both).</summary>
    public static async Task<byte[]> SignAsync(byte[] unsignedPdf, SignaturePlacement placement, ReportSigners signers, string signerName, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(placement);
        ArgumentNullException.ThrowIfNull(signers);
        var pdf = unsignedPdf;
        if (signers.Signer is { } signer)
        {
            var appearance = signers.Signature is { } image ? SignatureAppearance.Image(image) : SignatureAppearance.Text(placement.SignerAppearance ?? throw NoText("signer"));
            pdf = await SignOnceAsync(pdf, new SignatureField("NguoiKy", placement.PageIndex, placement.SignerBox, now, Name(signer), "Người có thẩm quyền ký", appearance), signer, cancellationToken);
        }
        var agencyAppearance = signers.Seal is { } seal ? SignatureAppearance.Image(seal) : SignatureAppearance.Text(placement.SealAppearance ?? throw NoText("agency"));
        return await SignOnceAsync(pdf, new SignatureField("CoQuan", placement.PageIndex, placement.SealBox, now, Name(signers.Agency), "Chữ ký số của cơ quan, tổ chức", agencyAppearance), signers.Agency, cancellationToken);
    }

    private static InvalidOperationException NoText(string who) =>
        new($"the PDF has no text appearance for the {who}'s signature: render it with PdfRenderSettings.SignatureTexts = ReportSigning.Texts(...)");

    private static async Task<byte[]> SignOnceAsync(byte[] pdf, SignatureField field, IReportSigner signer, CancellationToken cancellationToken)
    {
        var prepared = PdfSignatureWriter.Prepare(pdf, field);
        var cms = await signer.SignAsync(prepared.Digest(), cancellationToken);
        return prepared.Embed(cms);
    }

    private static string Name(IReportSigner signer) => signer.Certificate.GetNameInfo(X509NameType.SimpleName, false);
}
