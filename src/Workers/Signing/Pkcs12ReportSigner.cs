using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ChuyenDoiSo.Workers.Signing;

/// <summary>Signs with a key held in a PKCS#12 file, in this process; disposing it drops the key (a certificate opened for one signing).</summary>
public sealed class Pkcs12ReportSigner(X509Certificate2 certificate, IReadOnlyList<X509Certificate2> chain, TimestampClient? timestamps, bool isDemo) : IReportSigner, IDisposable
{
    private readonly AsymmetricAlgorithm _key = CadesSignature.PrivateKey(certificate);

    public X509Certificate2 Certificate => certificate;
    public bool IsDemo => isDemo;

    public Task<byte[]> SignAsync(byte[] documentDigest, CancellationToken cancellationToken) =>
        CadesSignature.Build(documentDigest, certificate, chain, CadesSignature.WithKey(_key), timestamps is null ? null : timestamps.TimestampAsync, cancellationToken);

    public void Dispose()
    {
        _key.Dispose();
        certificate.Dispose();
        foreach (var c in chain) c.Dispose();
    }
}
