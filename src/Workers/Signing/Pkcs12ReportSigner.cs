using System.Security.Cryptography.X509Certificates;

namespace ChuyenDoiSo.Workers.Signing;

/// <summary>Signs with a key held in a PKCS#12 file, in this process.</summary>
public sealed class Pkcs12ReportSigner(X509Certificate2 certificate, IReadOnlyList<X509Certificate2> chain, TimestampClient? timestamps, bool isDemo) : IReportSigner
{
    private readonly Func<byte[], byte[]> _sign = CadesSignature.WithKey(certificate);

    public X509Certificate2 Certificate => certificate;
    public bool IsDemo => isDemo;

    public Task<byte[]> SignAsync(byte[] documentDigest, CancellationToken cancellationToken) =>
        CadesSignature.Build(documentDigest, certificate, chain, _sign, timestamps is null ? null : timestamps.TimestampAsync, cancellationToken);
}
