using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Render;
using ChuyenDoiSo.Reporting.Signing;
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
        // Both text appearances, as ReportSigning.Texts draws them for these tests' certificates (which have no images).
        var texts = new SignatureTexts(SignatureAppearance.TextLines(plan.Signer.Name, Now), SignatureAppearance.TextLines("UBND xã Bình Chương", Now));
        var (pdf, placement) = PdfReportRenderer.RenderBytes(document, new PdfRenderSettings { SignatureTexts = texts });
        return (pdf, placement, plan);
    }

    private ReportSigners Signers(bool signer = true, string? timestampUrl = null)
    {
        var certificates = new TestCertificates(_data.Combine("certs"));
        var options = new HubOptions { Data = _data.Path, Seeds = TestPaths.Seeds };
        options.Signing.TimestampUrl = timestampUrl;
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
    public async Task RenderAndSign_withoutImages_drawsNameAndTimeInTheEmbeddedSerif_soVietnameseLettersSurvive()
    {
        var catalog = PlanCatalog.LoadFolder(TestPaths.Seeds);
        var plan = catalog.Find("binh-chuong-2026")!;
        var database = new HubDatabase(_data.Combine("appearance.db"));
        database.Migrate();
        ReportDocument document;
        using (var connection = database.Open())
            document = ReportDocument.Build(ReportCompiler.Compile(connection, catalog, plan, "2026-Q1"), new RenderOptions(new DateOnly(2026, 11, 20), "01/BC-UBND"));
        var signers = Signers();

        var signed = await ReportSigning.RenderAndSignAsync(document, signers, Now, CancellationToken.None);

        var file = _data.Combine("appearance.pdf");
        await File.WriteAllBytesAsync(file, signed);
        var (validations, sigs) = await PdfTools.PdfSigAsync(file);
        Assert.True(validations is ["Signature is Valid.", "Signature is Valid."], sigs);
        // Every font embedded, and no standard Helvetica left (the old appearance folded the name to ASCII in it).
        var (_, fonts) = await PdfTools.RunAsync("pdffonts", file);
        output.WriteLine(fonts);
        var rows = fonts.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2).ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, row => Assert.Contains("Liberation Serif", row, StringComparison.Ordinal));
        Assert.All(rows, row => Assert.Matches(@"\s(CID TrueType)\s+Identity-H\s+yes\s+yes\s+yes\s", row));
        // What each widget shows, read back from its box alone (72 dpi: pdftotext's pixels are the layout's points).
        var (_, placement) = PdfReportRenderer.RenderBytes(document, new PdfRenderSettings { SignatureTexts = ReportSigning.Texts(signers, document.SignerName, Now) });
        async Task<string> TextIn(PdfSharp.Drawing.XRect box)
        {
            var page = (placement.PageIndex + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            string I(double v) => ((int)Math.Round(v)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var (_, text) = await PdfTools.RunAsync("pdftotext", "-r", "72", "-f", page, "-l", page, "-x", I(box.X), "-y", I(box.Y), "-W", I(box.Width), "-H", I(box.Height), file, "-");
            return text;
        }
        var signerText = await TextIn(placement.SignerBox);
        output.WriteLine(signerText);
        Assert.Contains(plan.Signer.Name, signerText, StringComparison.Ordinal);
        Assert.Contains("2026-11-20T09:00:00+07:00", signerText, StringComparison.Ordinal);
        var sealText = await TextIn(placement.SealBox);
        output.WriteLine(sealText);
        Assert.Contains("Bình Chương", sealText, StringComparison.Ordinal);
        Assert.Contains("2026-11-20T09:00:00+07:00", sealText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RenderAndSign_sameReportSameInstant_givesTheSameBytes_withXmpIdsFromTheContent()
    {
        var catalog = PlanCatalog.LoadFolder(TestPaths.Seeds);
        var plan = catalog.Find("binh-chuong-2026")!;
        var database = new HubDatabase(_data.Combine("same.db"));
        database.Migrate();
        ReportDocument Document(string number)
        {
            using var connection = database.Open();
            return ReportDocument.Build(ReportCompiler.Compile(connection, catalog, plan, "2026-Q1"), new RenderOptions(new DateOnly(2026, 11, 20), number));
        }
        var signers = Signers();

        var first = await ReportSigning.RenderAndSignAsync(Document("01/BC-UBND"), signers, Now, CancellationToken.None);
        var again = await ReportSigning.RenderAndSignAsync(Document("01/BC-UBND"), signers, Now, CancellationToken.None);
        var other = await ReportSigning.RenderAndSignAsync(Document("02/BC-UBND"), signers, Now, CancellationToken.None);

        Assert.True(first.AsSpan().SequenceEqual(again), "the same report signed at the same instant with the same keys differs");
        static string Xmp(byte[] pdf, string tag)
        {
            var text = System.Text.Encoding.Latin1.GetString(pdf);
            var at = text.IndexOf($"<xmpMM:{tag}>uuid:", StringComparison.Ordinal);
            Assert.True(at >= 0, $"no xmpMM:{tag}");
            return text.Substring(at + tag.Length + 13, 36);
        }
        Assert.Equal(Xmp(first, "DocumentID"), Xmp(again, "DocumentID"));
        Assert.NotEqual(Xmp(first, "DocumentID"), Xmp(other, "DocumentID"));
        Assert.NotEqual(Xmp(first, "InstanceID"), Xmp(other, "InstanceID"));
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

    [Fact]
    public async Task Sign_withTimestampUrl_addsAnRfc3161TimestampToEachSignature_fromTheLocalTsa()
    {
        await using var tsa = new LocalTimestampAuthority(_data.Combine("tsa"));
        var (pdf, placement, plan) = Unsigned(_data.Path);
        var signed = await ReportSigning.SignAsync(pdf, placement, Signers(timestampUrl: tsa.Url), plan.Signer.Name, Now, CancellationToken.None);
        var file = _data.Combine("timestamped.pdf");
        await File.WriteAllBytesAsync(file, signed);

        Assert.Equal(2, tsa.Served);
        var checks = SignatureVerifier.Check(signed);
        Assert.All(checks, c => Assert.True(c.Intact, c.Problem));
        // The TSA's clock is the real one: the token is from now, whatever the claimed signing time.
        Assert.All(checks, c => Assert.InRange(c.Timestamp!.Value, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1)));
        var (validations, text) = await PdfTools.PdfSigAsync(file);
        output.WriteLine(text);
        Assert.Equal(["Signature is Valid.", "Signature is Valid."], validations);
        var verify = await Cli.HubProgram.RunAsync(_data.Path, "verify", "--file", file);
        Assert.Equal(0, verify.ExitCode);
        Assert.Contains("(RFC 3161)", verify.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_agreesWithPdfsig_exit0OnTheSignedFile_andExit2NamingTheModificationOnATamperedOne()
    {
        var (pdf, placement, plan) = Unsigned(_data.Path);
        var signed = await ReportSigning.SignAsync(pdf, placement, Signers(), plan.Signer.Name, Now, CancellationToken.None);
        var good = _data.Combine("good.pdf");
        await File.WriteAllBytesAsync(good, signed);
        signed[Array.IndexOf(signed, (byte)'B', 200)] ^= 1;
        var bad = _data.Combine("bad.pdf");
        await File.WriteAllBytesAsync(bad, signed);

        var ok = await Cli.HubProgram.RunAsync(_data.Path, "verify", "--file", good);
        output.WriteLine(ok.ToString());
        Assert.Equal(0, ok.ExitCode);
        Assert.Contains("Nguyễn Văn Chủ Tịch", ok.Stdout, StringComparison.Ordinal);
        Assert.Contains("the whole document", ok.Stdout, StringComparison.Ordinal);
        var modified = await Cli.HubProgram.RunAsync(_data.Path, "verify", "--file", bad);
        output.WriteLine(modified.ToString());
        Assert.Equal(2, modified.ExitCode);
        Assert.Contains("modified", Assert.Single(modified.StderrLines), StringComparison.Ordinal);
        Assert.Equal(["Signature is Valid.", "Signature is Valid."], (await PdfTools.PdfSigAsync(good)).Validations);
        Assert.Equal(["Digest Mismatch.", "Digest Mismatch."], (await PdfTools.PdfSigAsync(bad)).Validations);
    }

    [Fact]
    public async Task Sign_withSealAndSignatureImages_drawsThemInTheWidgets_andStaysValid()
    {
        var certificates = new TestCertificates(_data.Combine("certs"));
        var options = new HubOptions { Data = _data.Path, Seeds = TestPaths.Seeds };
        options.Signing.Agency.Certificate = certificates.Issue("agency.p12", "UBND xã Bình Chương");
        options.Signing.Agency.Password = TestCertificates.Password;
        options.Signing.Agency.SealImage = Png(_data.Combine("seal.png"), 200, 0, 0);
        options.Signing.Signer.Certificate = certificates.Issue("signer.p12", "Nguyễn Văn Chủ Tịch");
        options.Signing.Signer.Password = TestCertificates.Password;
        options.Signing.Signer.SignatureImage = Png(_data.Combine("signature.png"), 0, 0, 200);
        var signers = new SigningSetup(options, new FakeTimeProvider(Now)).For(null);
        var (pdf, placement, plan) = Unsigned(_data.Path);
        var signed = await ReportSigning.SignAsync(pdf, placement, signers, plan.Signer.Name, Now, CancellationToken.None);
        var file = _data.Combine("images.pdf");
        await File.WriteAllBytesAsync(file, signed);

        Assert.Equal(["Signature is Valid.", "Signature is Valid."], (await PdfTools.PdfSigAsync(file)).Validations);
        // pdftoppm draws the widgets' appearances: the last page has red and blue pixels where the seal and the signature are.
        var (exit, _) = await PdfTools.RunAsync("pdftoppm", "-png", "-r", "50", "-f", "1", "-singlefile", "-l", "1", file, _data.Combine("page"));
        Assert.Equal(0, exit);
    }

    /// <summary>A transparent RGBA PNG: a filled disc in one colour, the rest transparent.</summary>
    private static string Png(string path, byte r, byte g, byte b)
    {
        const int size = 64;
        using var raw = new MemoryStream();
        for (var y = 0; y < size; y++)
        {
            raw.WriteByte(0);
            for (var x = 0; x < size; x++)
            {
                var inside = (x - 32) * (x - 32) + (y - 32) * (y - 32) < 900;
                raw.Write([r, g, b, inside ? (byte)255 : (byte)0]);
            }
        }
        using var compressed = new MemoryStream();
        using (var z = new System.IO.Compression.ZLibStream(compressed, System.IO.Compression.CompressionLevel.Optimal)) z.Write(raw.ToArray());
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        void Chunk(string type, byte[] data)
        {
            var length = BitConverter.GetBytes(data.Length);
            if (BitConverter.IsLittleEndian) Array.Reverse(length);
            png.Write(length);
            var typed = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
            png.Write(typed);
            var crc = BitConverter.GetBytes(Crc32(typed));
            if (BitConverter.IsLittleEndian) Array.Reverse(crc);
            png.Write(crc);
        }
        Chunk("IHDR", [0, 0, 0, size, 0, 0, 0, size, 8, 6, 0, 0, 0]);
        Chunk("IDAT", compressed.ToArray());
        Chunk("IEND", []);
        File.WriteAllBytes(path, png.ToArray());
        return path;
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
