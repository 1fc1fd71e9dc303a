using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ChuyenDoiSo.Workers.Tests.Signing;

/// <summary>A test CA and the PKCS#12 files it issues, made fresh by each test in its own folder: nothing secret is committed.</summary>
public sealed class TestCertificates
{
    public const string Password = "test-password";

    private readonly X509Certificate2 _ca;

    public TestCertificates(string folder)
    {
        Folder = folder;
        Directory.CreateDirectory(folder);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Test CA ChuyenDoiSo, C=VN", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        _ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddYears(-2), DateTimeOffset.UtcNow.AddYears(5));
        File.WriteAllText(Path.Combine(folder, "ca.pem"), _ca.ExportCertificatePem());
    }

    public string Folder { get; }
    public string CaPem => Path.Combine(Folder, "ca.pem");

    /// <summary>Issues a signing certificate and writes it with its key as PKCS#12; returns the path.</summary>
    public string Issue(string fileName, string commonName, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, bool withKey = true)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={commonName}, O=UBND, C=VN", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, true));
        var from = notBefore ?? DateTimeOffset.UtcNow.AddDays(-30);
        var to = notAfter ?? DateTimeOffset.UtcNow.AddYears(2);
        using var issued = request.Create(_ca, from, to, RandomNumberGenerator.GetBytes(12));
        using var withPrivate = issued.CopyWithPrivateKey(key);
        var path = Path.Combine(Folder, fileName);
        var collection = new X509Certificate2Collection { withKey ? withPrivate : issued, X509CertificateLoader.LoadCertificate(_ca.RawData) };
        File.WriteAllBytes(path, collection.Export(X509ContentType.Pfx, Password)!);
        return path;
    }
}
