using System.Security.Cryptography.X509Certificates;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Workers.Signing;
using ChuyenDoiSo.Workers.Wiring;
using Microsoft.Extensions.Time.Testing;

namespace ChuyenDoiSo.Workers.Tests.Signing;

/// <summary>
/// A plan whose signer types the certificate's password at signing (`signing.signer.passwordAtSigning`): checked at start-up
/// without it, never cached, opened for one signing with the password typed, and a wrong one named without the password.
/// </summary>
public sealed class PasswordAtSigningTests : IDisposable
{
    private const string Typed = "mật-khẩu-chứng-thư-đúng";
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 2, 0, 0, TimeSpan.Zero);
    private readonly TempDataFolder _data = new();
    private readonly TestCertificates _certificates;

    public PasswordAtSigningTests() => _certificates = new TestCertificates(_data.Combine("certs"));

    public void Dispose() => _data.Dispose();

    private SigningSetup Setup() => new(new HubOptions { Data = _data.Path, Seeds = TestPaths.Seeds }, new FakeTimeProvider(Now));

    /// <summary>Bình Chương with approval required, its agency's certificate with a configured password and its signer's typed at signing.</summary>
    private Plan Plan(string? signerFile = null) => PlanCatalog.LoadFolder(TestPaths.Seeds).Find("binh-chuong-2026")! with
    {
        Approval = ApprovalModes.Required,
        Signing = new PlanSigning
        {
            Agency = new SigningCertificate { Certificate = _certificates.Issue("agency.p12", "UBND xã Bình Chương"), Password = TestCertificates.Password },
            Signer = new SigningCertificate { Certificate = signerFile ?? SignerP12(), PasswordAtSigning = true },
        },
    };

    /// <summary>The signer's PKCS#12 with its own password (not the test certificates' one), as the signer keeps it.</summary>
    private string SignerP12()
    {
        var path = _certificates.Issue("signer.p12", "Nguyễn Văn Chủ Tịch");
        var collection = new X509Certificate2Collection();
        collection.AddRange(X509CertificateLoader.LoadPkcs12CollectionFromFile(path, TestCertificates.Password,
            X509KeyStorageFlags.Exportable | X509KeyStorageFlags.EphemeralKeySet));
        File.WriteAllBytes(path, collection.Export(X509ContentType.Pfx, Typed)!);
        return path;
    }

    [Fact]
    public void CheckAll_acceptsTheSignersPkcs12WithoutItsPassword()
    {
        Setup().CheckAll([Plan()]);
    }

    [Fact]
    public void CheckAll_refusesASignersFileThatIsMissingOrNotPkcs12_namingTheSetting()
    {
        var der = _data.Combine("signer.cer");
        using (var certificate = X509CertificateLoader.LoadPkcs12CollectionFromFile(
                   _certificates.Issue("other.p12", "Người khác"), TestCertificates.Password)[0])
            File.WriteAllBytes(der, certificate.RawData);

        var missing = Assert.Throws<SigningConfigurationException>(() => Setup().CheckAll([Plan(_data.Combine("nowhere.p12"))]));
        var notPkcs12 = Assert.Throws<SigningConfigurationException>(() => Setup().CheckAll([Plan(der)]));

        Assert.Equal("plan binh-chuong-2026: signing.signer.certificate: the certificate file does not exist", missing.Message);
        Assert.Equal("plan binh-chuong-2026: signing.signer.certificate: not a PKCS#12 (.p12/.pfx) file", notPkcs12.Message);
    }

    [Fact]
    public void For_refusesThePlan_soNothingSignsWithoutTheTypedPassword()
    {
        var error = Assert.Throws<SigningConfigurationException>(() => Setup().For(Plan()));

        Assert.Contains("signing.signer.passwordAtSigning", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_withTheTypedPassword_givesBothSigners_openedAnewForEachSigning()
    {
        var setup = Setup();
        var plan = Plan();

        using var first = setup.Open(plan, Typed);
        using var second = setup.Open(plan, Typed);

        Assert.Equal("Nguyễn Văn Chủ Tịch", first.Signers.Signer!.Certificate.GetNameInfo(X509NameType.SimpleName, false));
        Assert.NotSame(first.Signers.Signer, second.Signers.Signer);
        Assert.NotEmpty(await first.Signers.Signer.SignAsync(new byte[32], CancellationToken.None));
        Assert.Equal(2, first.Signers.Lines().Count);
    }

    [Theory]
    [InlineData("not-the-password")]
    [InlineData("")]
    [InlineData(null)]
    public void Open_withAWrongOrNoPassword_isRefusedInOneLine_thatNeverCarriesThePassword(string? typed)
    {
        var error = Assert.Throws<SigningConfigurationException>(() => Setup().Open(Plan(), typed));

        Assert.StartsWith("plan binh-chuong-2026: signing.signer.", error.Message, StringComparison.Ordinal);
        Assert.Contains(typed is null ? "none was given" : "cannot open the PKCS#12 file with the password typed at signing", error.Message, StringComparison.Ordinal);
        if (typed is { Length: > 0 }) Assert.DoesNotContain(typed, error.Message, StringComparison.Ordinal);
        Assert.Null(error.InnerException);
        Assert.DoesNotContain('\n', error.Message);
    }
}
