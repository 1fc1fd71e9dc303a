using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ChuyenDoiSo.Reporting.Signing;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Tsp;

namespace ChuyenDoiSo.Workers.Signing;

/// <summary>What `verify` says about one signature.</summary>
public sealed record SignatureCheck(
    int Index, string? Subject, string? Serial, string? Thumbprint, string? SigningTime, DateTimeOffset? Timestamp,
    string? SubFilter, bool Intact, bool CoversWholeDocument, string? Problem);

/// <summary>
/// Checks each signature of a PDF as a receiver would: the bytes the ByteRange covers hash to the CMS's message digest, and the
/// CMS signature over its signed attributes verifies with the certificate it carries. Trust in the certificate's issuer is not
/// judged here (that is the receiver's trust list), as pdfsig reports it separately.
/// </summary>
public static class SignatureVerifier
{
    public static IReadOnlyList<SignatureCheck> Check(byte[] pdf)
    {
        var checks = new List<SignatureCheck>();
        foreach (var (entry, index) in PdfSignatureReader.Read(pdf).Select((e, i) => (e, i + 1)))
            checks.Add(CheckOne(entry, index));
        return checks;
    }

    private static SignatureCheck CheckOne(PdfSignatureEntry entry, int index)
    {
        string? subject = null, serial = null, thumbprint = null, problem = null;
        DateTimeOffset? timestamp = null;
        var intact = false;
        try
        {
            var cms = new CmsSignedData(new CmsProcessableByteArray([]), entry.Cms);
            var signer = cms.GetSignerInfos().GetSigners().Cast<SignerInformation>().Single();
            var certificate = cms.GetCertificates().EnumerateMatches(signer.SignerID).FirstOrDefault()
                              ?? throw new CmsException("the CMS does not carry its signing certificate");
            using var dotnet = X509CertificateLoader.LoadCertificate(certificate.GetEncoded());
            subject = dotnet.GetNameInfo(X509NameType.SimpleName, false);
            serial = dotnet.SerialNumber;
            thumbprint = dotnet.GetCertHashString(HashAlgorithmName.SHA256);
            if (signer.UnsignedAttributes?[PkcsObjectIdentifiers.IdAASignatureTimeStampToken] is { } attribute)
            {
                var token = new TimeStampToken(new CmsSignedData(attribute.AttrValues[0].GetEncoded()));
                timestamp = new DateTimeOffset(DateTime.SpecifyKind(token.TimeStampInfo.GenTime, DateTimeKind.Utc));
                if (!token.TimeStampInfo.GetMessageImprintDigest().AsSpan().SequenceEqual(SHA256.HashData(signer.GetSignature())))
                    problem = "the timestamp is not over this signature";
            }
            var signedDigest = signer.SignedAttributes?[Org.BouncyCastle.Asn1.Cms.CmsAttributes.MessageDigest]?.AttrValues[0] is Org.BouncyCastle.Asn1.Asn1OctetString octets ? octets.GetOctets() : null;
            if (!entry.RangeIsSound) problem ??= "the ByteRange does not skip exactly the signature's Contents";
            else if (signedDigest is null || !signedDigest.AsSpan().SequenceEqual(entry.Digest)) problem ??= "the document was modified: the bytes this signature covers do not match its digest";
            else if (!VerifySignature(signer, certificate)) problem ??= "the signature value does not verify with its certificate";
            intact = problem is null;
        }
        catch (Exception e) when (e is CmsException or TspException or IOException or InvalidOperationException or ArgumentException or CryptographicException or Org.BouncyCastle.Security.SecurityUtilityException)
        {
            problem = $"the signature cannot be read: {e.Message}";
        }
        return new SignatureCheck(index, subject, serial, thumbprint, entry.SigningTime, timestamp, entry.SubFilter, intact, entry.CoversWholeFile, problem);
    }

    /// <summary>The signature over the DER of the signed attributes, with the certificate's key.</summary>
    private static bool VerifySignature(SignerInformation signer, Org.BouncyCastle.X509.X509Certificate certificate)
    {
        var signed = signer.GetEncodedSignedAttributes();
        var verifier = Org.BouncyCastle.Security.SignerUtilities.GetSigner(signer.SignatureAlgorithm.Algorithm.Equals(PkcsObjectIdentifiers.RsaEncryption) ? "SHA256withRSA" : "SHA256withECDSA");
        verifier.Init(false, certificate.GetPublicKey());
        verifier.BlockUpdate(signed, 0, signed.Length);
        return verifier.VerifySignature(signer.GetSignature());
    }
}
