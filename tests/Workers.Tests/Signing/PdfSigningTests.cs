using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Render;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Signing;
using ChuyenDoiSo.Workers.Wiring;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace ChuyenDoiSo.Workers.Tests.Signing;

/// <summary>Two PAdES signatures on a rendered report, checked by poppler's pdfsig and by the hub's own verify.</summary>
public sealed class PdfSigningTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDataFolder _data = new();
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 2, 0, 0, TimeSpan.Zero);

    public void Dispose() => _data.Dispose();

    internal static (byte[] Pdf, SignaturePlacement Placement, Plan Plan) Unsigned(string data, IReadOnlyList<string>? signatures = null)
    {
        var catalog = PlanCatalog.LoadFolder(TestPaths.Seeds);
        var plan = catalog.Find("binh-chuong-2026")!;
        var database = new HubDatabase(Path.Combine(data, "hub.db"));
        database.Migrate();
        using var connection = database.Open();
        var report = ReportCompiler.Compile(connection, catalog, plan, "2026-Q1");
        var document = ReportDocument.Build(report, new RenderOptions(new DateOnly(2026, 11, 20), "01/BC-UBND", Signatures: signatures));
        var (pdf, placement) = PdfReportRenderer.RenderBytes(document);
        return (pdf, placement, plan);
    }

    private ReportSigners Signers(bool signer = true)
    {
        var certificates = new TestCertificates(_data.Combine("certs"));
        var options = new HubOptions { Data = _data.Path, Seeds = TestPaths.Seeds };
        options.Signing.Agency.Certificate = certificates.Issue("agency.p12", "UBND xã Bình Chương");
        options.Signing.Agency.Password = TestCertificates.Password;
        if (signer)
        {
            options.Signing.Signer.Certificate = certificates.Issue("signer.p12", "Nguyễn Văn Chủ Tịch");
            options.Signing.Signer.Password = TestCertificates.Password;
        }
        return new SigningSetup(options, new FakeTimeProvider(Now)).For(null);
    }

    [Fact]
    public async Task Sign_writesTwoSignaturesThatPdfsigAndVerifyBothCallValid_andTheFirstStaysIntact()
    {
        var (pdf, placement, plan) = Unsigned(_data.Path);
        var signers = Signers();
        var signed = await ReportSigning.SignAsync(pdf, placement, signers, plan.Signer.Name, Now, CancellationToken.None);
        var file = _data.Combine("signed.pdf");
        await File.WriteAllBytesAsync(file, signed);

        var (validations, text) = await PdfTools.PdfSigAsync(file);
        output.WriteLine(text);
        Assert.Equal(["Signature is Valid.", "Signature is Valid."], validations);
        Assert.Contains("Nguyễn Văn Chủ Tịch", text);
        Assert.Contains("ETSI.CAdES.detached", text);

        var checks = SignatureVerifier.Check(signed);
        Assert.Equal([(true, false), (true, true)], checks.Select(c => (c.Intact, c.CoversWholeDocument)));
        Assert.Equal(["Nguyễn Văn Chủ Tịch", "UBND xã Bình Chương"], checks.Select(c => c.Subject));
        // The first signature covers exactly the revision it signed: the original bytes plus its own update.
        Assert.True(signed.AsSpan(0, pdf.Length).SequenceEqual(pdf));
    }

    [Fact]
    public async Task Sign_oneChangedByte_makesPdfsigAndVerifySayModified()
    {
        var (pdf, placement, plan) = Unsigned(_data.Path);
        var signed = await ReportSigning.SignAsync(pdf, placement, Signers(), plan.Signer.Name, Now, CancellationToken.None);
        // A byte of the first page's text, which both signatures cover.
        var at = Array.IndexOf(signed, (byte)'B', 200);
        signed[at] = (byte)'C';
        var file = _data.Combine("tampered.pdf");
        await File.WriteAllBytesAsync(file, signed);

        var (validations, text) = await PdfTools.PdfSigAsync(file);
        output.WriteLine(text);
        Assert.Equal(2, validations.Count);
        // pdfsig's word for it: the covered bytes no longer hash to the signed digest.
        Assert.Equal(["Digest Mismatch.", "Digest Mismatch."], validations);
        var checks = SignatureVerifier.Check(signed);
        Assert.All(checks, c => Assert.False(c.Intact));
        Assert.All(checks, c => Assert.Contains("modified", c.Problem, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sign_agencyOnly_writesOneSignature_andTheListSaysSo()
    {
        var signers = Signers(signer: false);
        var (pdf, placement, plan) = Unsigned(_data.Path, signers.Lines());
        var signed = await ReportSigning.SignAsync(pdf, placement, signers, plan.Signer.Name, Now, CancellationToken.None);
        var file = _data.Combine("agency-only.pdf");
        await File.WriteAllBytesAsync(file, signed);

        Assert.Equal(["Signature is Valid."], (await PdfTools.PdfSigAsync(file)).Validations);
        Assert.Contains("Chỉ có chữ ký số của cơ quan", string.Join("\n", signers.Lines()));
        Assert.Null(signers.Signer);
    }
}
