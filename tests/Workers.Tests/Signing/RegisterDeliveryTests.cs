using ChuyenDoiSo.Reporting.Deliver;
using ChuyenDoiSo.Reporting.Register;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Deliver;
using ChuyenDoiSo.Workers.Signing;
using ChuyenDoiSo.Workers.Tests.Cli;
using ChuyenDoiSo.Workers.Tests.Delivery;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Xunit.Abstractions;

namespace ChuyenDoiSo.Workers.Tests.Signing;

/// <summary>
/// The outgoing register end to end: numbers per body and year taken at delivery, the same issued (signed) document on
/// every send, a crash between numbering and sending resumed under the same number, and a correction under a new one.
/// </summary>
public sealed class RegisterDeliveryTests(ITestOutputHelper output) : IDisposable
{
    private const string PlanId = DeliveryHost.PlanId;
    private const string Email = "skhcn@quang-ngai.example";
    private static readonly TimeSpan Local = TimeSpan.FromHours(7);
    private static readonly DateTimeOffset Deadline = new(2026, 11, 12, 17, 0, 0, Local);
    private readonly TempDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Deliver_numbersTwoReportsOfABody01And02_inPdfDocxSubjectAndForward_andPdfsigCallsTheAttachmentValid()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 20, 9, 0, 0, Local));
        await using var hub = DeliveryHost.Build(_data.Path, clock, output);

        Assert.Equal(["sent", "sent"], (await hub.Delivery.DeliverAsync(hub.Plan, "2026-Q1", resend: false, CancellationToken.None)).Select(o => o.Status));
        var q1 = Eml(hub, "2026-Q1");
        Assert.Equal(["sent", "sent"], (await hub.Delivery.DeliverAsync(hub.Plan, "2026-04", resend: false, CancellationToken.None)).Select(o => o.Status));
        var april = Eml(hub, "2026-04");

        Assert.EndsWith("(Số 01/BC-UBND)", q1.Subject, StringComparison.Ordinal);
        Assert.EndsWith("(Số 02/BC-UBND)", april.Subject, StringComparison.Ordinal);
        var pdf = await SaveAttachmentAsync(q1, "pdf");
        Assert.Contains("So: 01/BC-UBND", (await PdfTools.RunAsync("pdftotext", pdf, "-")).Output.Replace("Số", "So", StringComparison.Ordinal));
        var (validations, text) = await PdfTools.PdfSigAsync(pdf);
        output.WriteLine(text);
        Assert.Equal(["Signature is Valid.", "Signature is Valid."], validations);
        Assert.Contains("DEMO", text);
        Assert.Equal(0, (await HubProgram.RunAsync(_data.Path, "verify", "--file", pdf)).ExitCode);
        Assert.NotNull(q1.Attachments.OfType<MimePart>().SingleOrDefault(a => a.FileName?.EndsWith(".docx", StringComparison.Ordinal) == true));

        var forward = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(hub.Outbox, "forward", $"{PlanId}_2026-Q1.json"))).RootElement;
        Assert.Equal("01/BC-UBND", forward.GetProperty("number").GetString());
        Assert.Equal(Register(hub).Current(PlanId, "2026-Q1")!.Pdf, forward.GetProperty("signedPdf").GetBytesFromBase64());
        Assert.Equal([(1L, "2026-Q1"), (2L, "2026-04")], Register(hub).All(PlanId).Select(e => (e.Sequence, e.Period)));
    }

    [Fact]
    public async Task Deliver_resendsTheSameIssuedBytes_andACorrectionGets03NamingThe01()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 20, 9, 0, 0, Local));
        await using var hub = DeliveryHost.Build(_data.Path, clock, output);
        await hub.Delivery.DeliverAsync(hub.Plan, "2026-Q1", resend: false, CancellationToken.None);
        await hub.Delivery.DeliverAsync(hub.Plan, "2026-04", resend: false, CancellationToken.None);
        var issued = Register(hub).Current(PlanId, "2026-Q1")!;

        clock.Advance(TimeSpan.FromDays(3));
        await hub.Delivery.DeliverAsync(hub.Plan, "2026-Q1", resend: true, CancellationToken.None);
        Assert.Equal(issued.Pdf, Attachment(Eml(hub, "2026-Q1"), "pdf"));

        clock.Advance(TimeSpan.FromDays(1));
        var corrected = await hub.Delivery.DeliverAsync(hub.Plan, "2026-Q1", resend: false, CancellationToken.None, correction: true);
        Assert.Equal(["sent", "sent"], corrected.Select(o => o.Status));
        var entry = Register(hub).Current(PlanId, "2026-Q1")!;
        Assert.Equal(("03/BC-UBND", issued.Id), (entry.Number, entry.ReplacesId));
        var mail = Eml(hub, "2026-Q1");
        Assert.EndsWith("(Số 03/BC-UBND)", mail.Subject, StringComparison.Ordinal);
        Assert.NotEqual(ReportEmail.MessageId(PlanId, "2026-Q1", Email), mail.MessageId);
        var pdf = await SaveAttachmentAsync(mail, "pdf");
        var text = (await PdfTools.RunAsync("pdftotext", pdf, "-")).Output;
        // pdftotext breaks lines where the paragraph wraps: compare with the words joined by single spaces.
        var words = string.Join(' ', text.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Báo cáo này thay thế Báo cáo số 01/BC-UBND ngày 20/11/2026", words, StringComparison.Ordinal);
        Assert.Equal(["Signature is Valid.", "Signature is Valid."], (await PdfTools.PdfSigAsync(pdf)).Validations);
        // The first issue is still in the register, unchanged: nothing is re-issued silently under its number.
        Assert.Equal(issued.Pdf, Register(hub).Find(issued.Id)!.Pdf);
        Assert.Equal([1L, 2L, 3L], Register(hub).All(PlanId).Select(e => e.Sequence));
    }

    [Fact]
    public async Task Start_sendsNumber01Once_whenKilledBetweenNumberingAndSending()
    {
        var clock = new FakeTimeProvider(Deadline.AddHours(-1));
        await using (var first = await DeliveryHost.StartAsync(_data.Path, clock, output))
            Assert.NotNull(await first.ReportTriggerAsync("2026-11"));

        // At the deadline the job took number 01 and opened the email row; the process died before storing the document.
        clock.SetUtcNow(Deadline);
        var database = new HubDatabase(_data.Combine("hub.db"));
        database.Migrate();
        var taken = new OutgoingRegister(database).Issue(PlanId, "2026-11", new DateOnly(2026, 11, 12), "/BC-UBND", correction: false);
        Assert.Equal("01/BC-UBND", taken.Number);
        new DeliveryLedger(database).Begin(PlanId, "2026-11", Email, "email", Deadline, ReportEmail.MessageId(PlanId, "2026-11", Email), resend: false);

        clock.SetUtcNow(Deadline.AddMinutes(20));
        await using var hub = await DeliveryHost.StartAsync(_data.Path, clock, output);
        await DeliveryHost.EventuallyFromAsync(() => hub.ReportTriggerAsync("2026-11"), t => t is null, "the 2026-11 trigger completed");

        Assert.All(hub.Rows("2026-11"), r => Assert.Equal("sent", r.Status));
        Assert.Equal([$"{PlanId}_2026-11.eml"], hub.OutboxFiles());
        Assert.EndsWith("(Số 01/BC-UBND)", Eml(hub, "2026-11").Subject, StringComparison.Ordinal);
        var entries = Register(hub).All(PlanId);
        Assert.Equal([(1L, true)], entries.Select(e => (e.Sequence, e.IsStored)));
        // Issued on the day the number was taken, not the day of the restart.
        Assert.Equal(new DateOnly(2026, 11, 12), entries[0].IssueDate);
    }

    [Theory]
    [InlineData("expired", "expired on")]
    [InlineData("not-yet-valid", "not valid yet")]
    [InlineData("wrong-password", "wrong password")]
    [InlineData("not-pkcs12", "not a PKCS#12")]
    [InlineData("no-key", "no private key")]
    [InlineData("missing", "does not exist")]
    public async Task Run_refusesACertificateThatCannotSign_atStartUp_withOneLineAndExit2(string kind, string expected)
    {
        var certificates = new TestCertificates(_data.Combine("certs"));
        var now = DateTimeOffset.UtcNow;
        var password = TestCertificates.Password;
        var path = kind switch
        {
            "expired" => certificates.Issue("c.p12", "UBND", now.AddYears(-2), now.AddDays(-1)),
            "not-yet-valid" => certificates.Issue("c.p12", "UBND", now.AddDays(10), now.AddYears(1)),
            "no-key" => certificates.Issue("c.p12", "UBND", withKey: false),
            "not-pkcs12" => certificates.CaPem,
            "missing" => _data.Combine("certs", "none.p12"),
            _ => certificates.Issue("c.p12", "UBND"),
        };
        if (kind == "wrong-password") password = "not-the-password";
        var run = await HubProgram.RunAsync(_data.Path, new Dictionary<string, string>
        {
            ["Hub__Signing__Agency__Certificate"] = path,
            ["Hub__Signing__Agency__Password"] = password,
            ["Hub__Http__Urls"] = "http://127.0.0.1:0",
        }, TimeSpan.FromMinutes(2), "run", "--data", _data.Combine("data"), "--seeds", TestPaths.Seeds);

        output.WriteLine(run.ToString());
        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.Contains("Hub:Signing:Agency:Certificate", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        // Neither the path nor the password is printed.
        Assert.DoesNotContain(path, run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(TestCertificates.Password, run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliver_writesAnEmlAsSmtpWouldCarryIt_withATextPlainAlternative_andNoLineOver998Octets()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 20, 9, 0, 0, Local));
        await using var hub = DeliveryHost.Build(_data.Path, clock, output);
        await hub.Delivery.DeliverAsync(hub.Plan, "2026-Q1", resend: false, CancellationToken.None);

        var raw = await File.ReadAllBytesAsync(Path.Combine(hub.Outbox, $"{PlanId}_2026-Q1.eml"));
        var longest = System.Text.Encoding.Latin1.GetString(raw).Split("\r\n").Max(l => l.Length);
        Assert.True(longest <= 998, $"a line of {longest} octets");
        Assert.All(raw, b => Assert.True(b < 0x80, "an 8-bit octet in a 7-bit message"));
        var mail = Eml(hub, "2026-Q1");
        Assert.Contains("Số: 01/BC-UBND", mail.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<", mail.TextBody, StringComparison.Ordinal);
        Assert.NotNull(mail.HtmlBody);
        Assert.All(mail.BodyParts.OfType<MimePart>(), p => Assert.NotEqual(ContentEncoding.Default, p.ContentTransferEncoding));
    }

    private static OutgoingRegister Register(DeliveryHost hub) => hub.Services.GetRequiredService<OutgoingRegister>();

    private static MimeMessage Eml(DeliveryHost hub, string period) => MimeMessage.Load(Path.Combine(hub.Outbox, $"{PlanId}_{period}.eml"));

    private static byte[] Attachment(MimeMessage mail, string extension)
    {
        var part = mail.Attachments.OfType<MimePart>().Single(a => a.FileName?.EndsWith("." + extension, StringComparison.Ordinal) == true);
        using var buffer = new MemoryStream();
        part.Content!.DecodeTo(buffer);
        return buffer.ToArray();
    }

    private async Task<string> SaveAttachmentAsync(MimeMessage mail, string extension)
    {
        var path = _data.Combine($"attachment-{Guid.NewGuid():N}.{extension}");
        await File.WriteAllBytesAsync(path, Attachment(mail, extension));
        return path;
    }
}
