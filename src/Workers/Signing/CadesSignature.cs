using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cms;
using Org.BouncyCastle.Asn1.Ess;
using Org.BouncyCastle.Asn1.Nist;
using PkcsObjectIdentifiers = Org.BouncyCastle.Asn1.Pkcs.PkcsObjectIdentifiers;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using BcAttribute = Org.BouncyCastle.Asn1.Cms.Attribute;
using BcContentInfo = Org.BouncyCastle.Asn1.Cms.ContentInfo;

namespace ChuyenDoiSo.Workers.Signing;

/// <summary>
/// A detached CMS SignedData for PAdES baseline B-B (ETSI EN 319 142-1): SHA-256, signed attributes content-type,
/// message-digest and signing-certificate-v2, no signing-time attribute (the claimed time is the PDF's /M). With a timestamp,
/// the signature-time-stamp unsigned attribute over the signature value makes it B-T.
/// </summary>
public static class CadesSignature
{
    /// <param name="documentDigest">SHA-256 of the PDF's ByteRange.</param>
    /// <param name="certificate">The signing certificate.</param>
    /// <param name="chain">Certificates to carry besides it (issuers), may be empty.</param>
    /// <param name="signAttributes">Signs the DER of the signed attributes: RSA PKCS#1 v1.5 or ECDSA (DER), SHA-256.</param>
    /// <param name="timestamp">Returns an RFC 3161 token (DER ContentInfo) for the signature value, or null for none.</param>
    public static async Task<byte[]> Build(byte[] documentDigest, X509Certificate2 certificate, IReadOnlyList<X509Certificate2> chain,
        Func<byte[], byte[]> signAttributes, Func<byte[], CancellationToken, Task<byte[]?>>? timestamp, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(signAttributes);
        var bc = X509CertificateStructure.GetInstance(certificate.RawData);
        var sha256 = new AlgorithmIdentifier(NistObjectIdentifiers.IdSha256);
        var essId = new EssCertIDv2(sha256, SHA256.HashData(certificate.RawData),
            new IssuerSerial(new GeneralNames(new GeneralName(bc.Issuer)), bc.SerialNumber));
        var signed = new DerSet(
            new BcAttribute(CmsAttributes.ContentType, new DerSet(CmsObjectIdentifiers.Data)),
            new BcAttribute(CmsAttributes.MessageDigest, new DerSet(new DerOctetString(documentDigest))),
            new BcAttribute(PkcsObjectIdentifiers.IdAASigningCertificateV2, new DerSet(new SigningCertificateV2([essId]))));
        var signature = signAttributes(signed.GetEncoded(Asn1Encodable.Der));
        var algorithm = certificate.GetECDsaPublicKey() is not null
            ? new AlgorithmIdentifier(X9ObjectIdentifiers.ECDsaWithSha256)
            : new AlgorithmIdentifier(PkcsObjectIdentifiers.RsaEncryption, DerNull.Instance);
        Asn1Set? unsigned = null;
        if (timestamp is not null && await timestamp(signature, cancellationToken) is { } token)
            unsigned = new DerSet(new BcAttribute(PkcsObjectIdentifiers.IdAASignatureTimeStampToken, new DerSet(Asn1Object.FromByteArray(token))));
        var signerInfo = new SignerInfo(new SignerIdentifier(new IssuerAndSerialNumber(bc.Issuer, bc.SerialNumber)), sha256, signed, algorithm, new DerOctetString(signature), unsigned);
        Asn1Encodable[] carried = [bc, .. chain.Where(c => !c.RawData.AsSpan().SequenceEqual(certificate.RawData)).Select(c => X509CertificateStructure.GetInstance(c.RawData))];
        var certificates = new DerSet(carried);
        var signedData = new SignedData(new DerSet(sha256), new BcContentInfo(CmsObjectIdentifiers.Data, null), certificates, null, new DerSet(signerInfo));
        return new BcContentInfo(CmsObjectIdentifiers.SignedData, signedData).GetEncoded(Asn1Encodable.Der);
    }

    /// <summary>Signs with the private key of a loaded certificate.</summary>
    public static Func<byte[], byte[]> WithKey(X509Certificate2 certificate) => WithKey(PrivateKey(certificate));

    /// <summary>The certificate's RSA or ECDSA private key, a new object its caller disposes.</summary>
    public static AsymmetricAlgorithm PrivateKey(X509Certificate2 certificate) =>
        (AsymmetricAlgorithm?)certificate.GetRSAPrivateKey() ?? certificate.GetECDsaPrivateKey()
        ?? throw new CryptographicException("the certificate has no RSA or ECDSA private key");

    public static Func<byte[], byte[]> WithKey(AsymmetricAlgorithm key) => key switch
    {
        RSA rsa => data => rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        ECDsa ecdsa => data => ecdsa.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence),
        _ => throw new CryptographicException("the private key is neither RSA nor ECDSA"),
    };
}
