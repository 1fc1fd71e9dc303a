using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Signing;
using ChuyenDoiSo.Workers.Wiring;

namespace ChuyenDoiSo.Workers.Signing;

/// <summary>Who signs a body's reports: the agency always, the signer unless only the agency's certificate is configured.</summary>
public sealed record ReportSigners(IReportSigner Agency, IReportSigner? Signer, AppearanceImage? Seal, AppearanceImage? Signature)
{
    /// <summary>The document's signature list, printed before it is signed.</summary>
    public IReadOnlyList<string> Lines()
    {
        static string Describe(IReportSigner s) =>
            $"{s.Certificate.GetNameInfo(X509NameType.SimpleName, false)} (chứng thư số {s.Certificate.SerialNumber})" +
            (s.IsDemo ? " — chứng thư thử nghiệm (demo) do hệ thống tự tạo, không có giá trị pháp lý" : "");
        return Signer is { } signer
            ? [$"Chữ ký số của người ký: {Describe(signer)};", $"Chữ ký số của cơ quan: {Describe(Agency)}."]
            : [$"Chữ ký số của cơ quan: {Describe(Agency)};", "Chỉ có chữ ký số của cơ quan: chứng thư số của người ký chưa được cấu hình."];
    }
}

/// <summary>A certificate that cannot sign; the message names the setting, never the path or the password.</summary>
public sealed class SigningConfigurationException(string message) : Exception(message);

/// <summary>
/// The signers of one signing. Those of a plan whose signer's password is typed at signing (`passwordAtSigning`) were opened
/// for it with that password and are disposed with the lease; the others are the cached ones, which it leaves alone.
/// </summary>
public sealed class SigningLease(ReportSigners signers, bool owned) : IDisposable
{
    public ReportSigners Signers => signers;

    public void Dispose()
    {
        if (!owned) return;
        (signers.Signer as IDisposable)?.Dispose();
        (signers.Agency as IDisposable)?.Dispose();
    }
}

/// <summary>
/// Loads the signing certificates from Hub:Signing (or a plan's own `signing`), checks that each can sign now, and, with no
/// certificate configured at all, makes a self-signed demo agency and signer certificate in the data folder on first use.
/// </summary>
public sealed class SigningSetup(HubOptions options, TimeProvider clock, IHttpClientFactory? httpClients = null)
{
    private readonly ConcurrentDictionary<string, ReportSigners> _cache = new(StringComparer.Ordinal);
    private static readonly Lock DemoLock = new();

    public string DemoFolder => Path.Combine(options.Data, "signing");

    /// <summary>Whether the plan's signer types the certificate's password at signing (`signing.signer.passwordAtSigning`): never stored, never cached.</summary>
    public static bool PasswordAtSigning(Plan? plan) => plan?.Signing?.Signer?.PasswordAtSigning == true;

    /// <summary>
    /// The signers of a plan's reports (or, with null, the hub's own: a higher body's roll-up), opened once and cached. A plan
    /// whose signer's password is typed at signing has none to cache: <see cref="Open"/> with the password.
    /// </summary>
    public ReportSigners For(Plan? plan, string? planFolder = null) =>
        PasswordAtSigning(plan)
            ? throw new SigningConfigurationException($"plan {plan!.Id}: signing.signer.passwordAtSigning: the signer's certificate opens only with the password typed at approval (approve); no report of the plan is signed without it")
            : _cache.GetOrAdd(plan?.Id ?? "", _ => Load(plan, planFolder, signerPassword: null));

    /// <summary>
    /// The signers for one signing: the cached ones, or for a plan whose signer's password is typed at signing, its certificates
    /// opened now with <paramref name="signerPassword"/>, to be disposed after this signing. A wrong password throws a
    /// <see cref="SigningConfigurationException"/> that names the setting, never the password.
    /// </summary>
    public SigningLease Open(Plan plan, string? signerPassword, string? planFolder = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (!PasswordAtSigning(plan)) return new SigningLease(For(plan, planFolder), owned: false);
        if (signerPassword is null)
            throw new SigningConfigurationException($"plan {plan.Id}: signing.signer.passwordAtSigning: the signer's certificate password is typed at signing, and none was given");
        return new SigningLease(Load(plan, planFolder, signerPassword), owned: true);
    }

    /// <summary>
    /// Checks every certificate `run` would sign with: throws a <see cref="SigningConfigurationException"/> with one line for the
    /// first that cannot. A signer's certificate whose password is typed at signing can only be checked to exist and be PKCS#12.
    /// </summary>
    public void CheckAll(IEnumerable<Plan> plans)
    {
        For(null);
        foreach (var plan in plans)
        {
            if (!PasswordAtSigning(plan))
            {
                For(plan);
                continue;
            }
            using var checkedNow = new SigningLease(Load(plan, null, signerPassword: null), owned: true);
        }
    }

    /// <param name="signerPassword">The password typed at signing, for a plan with `passwordAtSigning`; null there: only check its file.</param>
    private ReportSigners Load(Plan? plan, string? planFolder, string? signerPassword)
    {
        var hub = options.Signing;
        var timestamps = string.IsNullOrWhiteSpace(hub.TimestampUrl)
            ? null
            : Uri.TryCreate(hub.TimestampUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
                ? new TimestampClient(httpClients?.CreateClient("tsa") ?? new HttpClient { Timeout = TimeSpan.FromSeconds(30) }, url)
                : throw new SigningConfigurationException("Hub:Signing:TimestampUrl is not an http(s) URL");
        var where = plan is null ? "Hub:Signing" : $"plan {plan.Id}: signing";
        var folder = planFolder ?? options.ResolveSeeds();

        IReportSigner agency;
        AppearanceImage? seal;
        if (plan?.Signing?.Agency is { } planAgency)
        {
            agency = Open($"{where}.agency.certificate", Resolve(folder, planAgency.Certificate), PlanPassword(folder, planAgency), timestamps, false);
            seal = Image($"{where}.agency.image", planAgency.Image is null ? null : Resolve(folder, planAgency.Image), "Seal");
        }
        else if (!string.IsNullOrWhiteSpace(hub.Agency.Certificate))
        {
            agency = Open("Hub:Signing:Agency:Certificate", hub.Agency.Certificate, hub.Agency.Password, timestamps, false);
            seal = Image("Hub:Signing:Agency:SealImage", hub.Agency.SealImage, "Seal");
        }
        else
        {
            agency = Open("the demo agency certificate", Demo("demo-agency.p12", "DEMO Cơ quan ban hành (chứng thư thử nghiệm)"), "", timestamps, true);
            seal = null;
        }

        IReportSigner? signer = null;
        AppearanceImage? signature = null;
        if (plan?.Signing?.Signer is { PasswordAtSigning: true } typedSigner)
        {
            var setting = $"{where}.signer.certificate";
            var path = Resolve(folder, typedSigner.Certificate);
            signer = signerPassword is null
                ? CheckPkcs12(setting, path)
                : Open(setting, path, signerPassword, timestamps, false, "the password typed at signing");
            signature = Image($"{where}.signer.image", typedSigner.Image is null ? null : Resolve(folder, typedSigner.Image), "Signature");
        }
        else if (plan?.Signing?.Signer is { } planSigner)
        {
            signer = Open($"{where}.signer.certificate", Resolve(folder, planSigner.Certificate), PlanPassword(folder, planSigner), timestamps, false);
            signature = Image($"{where}.signer.image", planSigner.Image is null ? null : Resolve(folder, planSigner.Image), "Signature");
        }
        else if (!string.IsNullOrWhiteSpace(hub.Signer.Certificate))
        {
            signer = Open("Hub:Signing:Signer:Certificate", hub.Signer.Certificate, hub.Signer.Password, timestamps, false);
            signature = Image("Hub:Signing:Signer:SignatureImage", hub.Signer.SignatureImage, "Signature");
        }
        else if (agency.IsDemo)
        {
            // Nothing configured at all: the demo signs as both, so a fresh machine shows two signatures.
            signer = Open("the demo signer certificate", Demo("demo-signer.p12", "DEMO Người ký (chứng thư thử nghiệm)"), "", timestamps, true);
        }
        return new ReportSigners(agency, signer, seal, signature);
    }

    private static string Resolve(string folder, string path) => Path.IsPathRooted(path) ? path : Path.Combine(folder, path);

    private static string? PlanPassword(string folder, SigningCertificate certificate) =>
        certificate.PasswordFile is { } file ? File.ReadLines(Resolve(folder, file)).FirstOrDefault() ?? "" : certificate.Password;

    private static AppearanceImage? Image(string setting, string? path, string name)
    {
        if (string.IsNullOrWhiteSpace(path)) return null;
        if (!File.Exists(path)) throw new SigningConfigurationException($"{setting}: the image file does not exist");
        try
        {
            return SignatureAppearance.ReadPng(name, File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is PdfSigningException or InvalidDataException or IndexOutOfRangeException or ArgumentOutOfRangeException or EndOfStreamException)
        {
            throw new SigningConfigurationException($"{setting}: not a usable PNG ({e.Message})");
        }
    }

    private static byte[] ReadPkcs12(string setting, string path)
    {
        if (!File.Exists(path)) throw new SigningConfigurationException($"{setting}: the certificate file does not exist");
        var bytes = File.ReadAllBytes(path);
        // A PKCS#12 file is one DER SEQUENCE; a PEM certificate, a key or anything else is not.
        if (bytes.Length < 4 || bytes[0] != 0x30) throw new SigningConfigurationException($"{setting}: not a PKCS#12 (.p12/.pfx) file");
        return bytes;
    }

    /// <summary>
    /// Without the password only the outer structure can be read: a PFX (version 3, its contents, a MAC). Null: nothing was
    /// opened; the certificate itself is checked when the signer types the password.
    /// </summary>
    private static IReportSigner? CheckPkcs12(string setting, string path)
    {
        var bytes = ReadPkcs12(setting, path);
        try
        {
            var pfx = Org.BouncyCastle.Asn1.Pkcs.Pfx.GetInstance(Org.BouncyCastle.Asn1.Asn1Object.FromByteArray(bytes));
            if (pfx.AuthSafe.ContentType is null) throw new ArgumentException("no contents");
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidCastException or InvalidOperationException)
        {
            throw new SigningConfigurationException($"{setting}: not a PKCS#12 (.p12/.pfx) file");
        }
        return null;
    }

    private Pkcs12ReportSigner Open(string setting, string path, string? password, TimestampClient? timestamps, bool demo, string passwordSource = "the configured password")
    {
        var bytes = ReadPkcs12(setting, path);
        X509Certificate2Collection all;
        try
        {
            all = X509CertificateLoader.LoadPkcs12Collection(bytes, password ?? "", X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException)
        {
            throw new SigningConfigurationException($"{setting}: cannot open the PKCS#12 file with {passwordSource} (wrong password, or not a PKCS#12 file)");
        }
        var certificate = all.FirstOrDefault(c => c.HasPrivateKey)
                          ?? throw new SigningConfigurationException($"{setting}: the PKCS#12 file holds no private key");
        var now = clock.GetUtcNow();
        if (certificate.NotBefore.ToUniversalTime() > now.UtcDateTime)
            throw new SigningConfigurationException($"{setting}: the certificate is not valid yet (from {certificate.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm} UTC)");
        if (certificate.NotAfter.ToUniversalTime() < now.UtcDateTime)
            throw new SigningConfigurationException($"{setting}: the certificate expired on {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC");
        if (certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault() is { } usage
            && (usage.KeyUsages & (X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation)) == 0)
            throw new SigningConfigurationException($"{setting}: the certificate's key usage allows no digital signature");
        try
        {
            CadesSignature.PrivateKey(certificate).Dispose();
        }
        catch (CryptographicException)
        {
            throw new SigningConfigurationException($"{setting}: the private key is neither RSA nor ECDSA");
        }
        return new Pkcs12ReportSigner(certificate, all.Where(c => c != certificate).ToList(), timestamps, demo);
    }

    /// <summary>A self-signed demo certificate in the data folder, made once (no password: it protects nothing real).</summary>
    private string Demo(string fileName, string commonName)
    {
        var path = Path.Combine(DemoFolder, fileName);
        lock (DemoLock)
        {
            if (File.Exists(path)) return path;
            Directory.CreateDirectory(DemoFolder);
            using var key = RSA.Create(2048);
            var request = new CertificateRequest(new X500DistinguishedName($"CN={commonName}, O=DEMO ChuyenDoiSo hub, C=VN"), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, critical: true));
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            var now = clock.GetUtcNow();
            using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
            var temporary = path + ".tmp";
            File.WriteAllBytes(temporary, certificate.Export(X509ContentType.Pfx, ""));
            File.Move(temporary, path, overwrite: true);
            return path;
        }
    }

    internal static string Serial(X509Certificate2 certificate) => certificate.SerialNumber.ToLower(CultureInfo.InvariantCulture);
}
