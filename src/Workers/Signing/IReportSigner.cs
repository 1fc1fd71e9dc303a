using System.Security.Cryptography.X509Certificates;

namespace ChuyenDoiSo.Workers.Signing;

/// <summary>
/// The one seam of signing: given the SHA-256 digest of the PDF's signed byte ranges, return a detached CAdES CMS
/// (DER) over it. The hub prepares the PDF (field, ByteRange, placeholder) and embeds what comes back; it never needs the key.
/// A PKCS#12 file (<see cref="Pkcs12ReportSigner"/>) is the only implementation here. A remote signing service (VNPT SmartCA,
/// Viettel MySign) or a USB token (PKCS#11) implements the same two members: it knows the certificate it will sign with, and
/// turns a digest into a CMS (or into a raw signature that <see cref="CadesSignature.Build"/> wraps).
/// </summary>
public interface IReportSigner
{
    /// <summary>The signing certificate (public part): who signs, shown in the signature list before signing.</summary>
    X509Certificate2 Certificate { get; }

    /// <summary>A demonstration certificate the hub made itself: the document says so.</summary>
    bool IsDemo { get; }

    Task<byte[]> SignAsync(byte[] documentDigest, CancellationToken cancellationToken);
}
