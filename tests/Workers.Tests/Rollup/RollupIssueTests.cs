using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json;
using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Ingest;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Register;
using ChuyenDoiSo.Reporting.Rollup;
using ChuyenDoiSo.Workers.Deliver;
using ChuyenDoiSo.Workers.Operations;
using ChuyenDoiSo.Workers.Rollup;
using ChuyenDoiSo.Workers.Tests.Signing;
using ChuyenDoiSo.Workers.Tests.Smtp;
using ChuyenDoiSo.Workers.Wiring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace ChuyenDoiSo.Workers.Tests.Rollup;

/// <summary>
/// The roll-up through the one delivery loop: issued by the register under the body's own number and signed (pdfsig), sent
/// again as the same bytes, corrected under a new number, counted in the metrics and logged when a send is refused; and the
/// department reminders with their portal link, over a real SMTP conversation.
/// </summary>
public sealed class RollupIssueTests : IDisposable
{
    private const string Body = "quang-ngai-skhcn-2026";
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 10, 0, 0, TimeSpan.FromHours(7));
    private readonly TempDataFolder _data = new();
    private readonly List<ServiceProvider> _providers = [];

    public void Dispose()
    {
        foreach (var provider in _providers) provider.Dispose();
        _data.Dispose();
    }

    private ServiceProvider Services(CapturingLogs? logs = null, SmtpSink? smtp = null, string? higher = Body, string? seeds = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration["Hub:Data"] = _data.Path;
        builder.Configuration["Hub:Seeds"] = seeds ?? TestPaths.Seeds;
        builder.Configuration["Hub:Http:PublicUrl"] = "https://hub.binh-chuong.example/";
        if (higher is not null) builder.Configuration["Hub:Higher:Id"] = higher;
        if (smtp is not null)
        {
            builder.Configuration["Hub:Smtp:Host"] = smtp.Host;
            builder.Configuration["Hub:Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            builder.Configuration["Hub:Smtp:Security"] = "None";
        }
        builder.AddReportingHub().AddDelivery();
        builder.Services.AddLogging(l => { if (logs is not null) l.AddProvider(logs); });
        builder.Services.AddMetrics();
        builder.Services.RemoveAll<TimeProvider>();
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
        var provider = builder.Services.BuildServiceProvider();
        _providers.Add(provider);
        return provider;
    }

    /// <summary>Bình Chương's real compiled Q1 report, stored as its hub forwards it.</summary>
    private static void StoreBinhChuongQ1(ServiceProvider services)
    {
        var catalog = services.GetRequiredService<PlanCatalog>();
        var update = new DepartmentReportSubmitted
        {
            MessageId = Guid.NewGuid(), PlanId = "binh-chuong-2026", Department = "TTPVHCC", Period = "2026-Q1",
            Indicators = [new IndicatorValue { Code = "1", Numerator = 30, Denominator = 40 }],
        };
        services.GetRequiredService<IngestStore>().Store(new IncomingSubmission(update, update.MessageId, JsonSerializer.Serialize(update, PlanJson.Options), Now.AddDays(-8), null, SubmissionValidator.Validate(update, catalog)));
        var outputs = services.GetRequiredService<ReportProducer>().Produce(catalog.Find("binh-chuong-2026")!, "2026-Q1", new DateOnly(2026, 3, 5));
        var message = new CommuneReportSubmitted
        {
            MessageId = DeliveryService.ForwardMessageId("binh-chuong-2026", "2026-Q1"), PlanId = "binh-chuong-2026", Commune = "Xã Bình Chương",
            Period = "2026-Q1", Kind = "quarterly", CompiledAt = Now.AddDays(-5), ReportJson = outputs.Json,
        };
        var setup = services.GetRequiredService<RollupSetup>();
        var result = services.GetRequiredService<CommuneReportStore>().Store(new IncomingCommuneReport(message, message.MessageId, "", Now.AddDays(-5), null, CommuneReportValidator.Validate(message, setup.Body, setup.Holidays)));
        Assert.Equal(IngestOutcome.Accepted, result.Outcome);
    }

    private string Outbox(string file) => Path.Combine(_data.Path, "outbox", file);

    private CommuneReportSubmitted Forwarded() =>
        JsonSerializer.Deserialize<CommuneReportSubmitted>(File.ReadAllText(Outbox(Path.Combine("forward", $"{Body}_2026-Q1.json"))), PlanJson.Options)!;

    private async Task<string> TextOf(byte[] pdf, string name)
    {
        var path = Path.Combine(_data.Path, name);
        await File.WriteAllBytesAsync(path, pdf);
        var (exit, text) = await PdfTools.RunAsync("pdftotext", "-layout", path, "-");
        Assert.Equal(0, exit);
        return text;
    }

    [Fact]
    public async Task Deliver_issuesTheRollupUnderTheBodysOwnNumber_signedByAgencyAndSigner()
    {
        var services = Services();
        StoreBinhChuongQ1(services);

        var outcomes = await services.GetRequiredService<RollupDelivery>().DeliverAsync("2026-Q1", resend: false, CancellationToken.None);

        Assert.All(outcomes, o => Assert.Equal("sent", o.Status));
        var entry = Assert.Single(services.GetRequiredService<OutgoingRegister>().All(Body));
        Assert.Equal(("01/BC-SKHCN", 2026L, 1L), (entry.Number, entry.Year, entry.Sequence));
        var email = await MimeMessage.LoadAsync(Outbox($"{Body}_2026-Q1.eml"));
        Assert.EndsWith("(Số 01/BC-SKHCN)", email.Subject, StringComparison.Ordinal);
        var attachment = Assert.IsType<MimePart>(email.Attachments.Single(a => a.ContentDisposition?.FileName == $"{Body}_2026-Q1.pdf"));
        using var bytes = new MemoryStream();
        attachment.Content!.DecodeTo(bytes);
        Assert.Equal(entry.Pdf, bytes.ToArray());
        var path = Path.Combine(_data.Path, "rollup.pdf");
        await File.WriteAllBytesAsync(path, entry.Pdf!);
        var (validations, output) = await PdfTools.PdfSigAsync(path);
        // Nothing configured: the demo agency and the demo signer, as for a commune's report.
        Assert.True(validations.Count == 2 && validations.All(v => v == "Signature is Valid."), output);
        Assert.Contains("Số: 01/BC-SKHCN", await TextOf(entry.Pdf!, "rollup-text.pdf"), StringComparison.Ordinal);
        var forwarded = Forwarded();
        Assert.Equal("01/BC-SKHCN", forwarded.Number);
        Assert.Equal(entry.Pdf, forwarded.SignedPdf);
        Assert.Equal(entry.Json, forwarded.ReportJson);
    }

    [Fact]
    public async Task Deliver_resendsTheSameBytes_andACorrectionTakes02NamingO1()
    {
        var services = Services();
        StoreBinhChuongQ1(services);
        var delivery = services.GetRequiredService<RollupDelivery>();
        await delivery.DeliverAsync("2026-Q1", resend: false, CancellationToken.None);
        var first = Forwarded().SignedPdf;

        var resent = await delivery.DeliverAsync("2026-Q1", resend: true, CancellationToken.None);
        Assert.All(resent, o => Assert.Equal("sent", o.Status));
        Assert.Equal(first, Forwarded().SignedPdf);

        var corrected = await delivery.DeliverAsync("2026-Q1", resend: false, CancellationToken.None, correction: true);
        Assert.All(corrected, o => Assert.Equal("sent", o.Status));
        var register = services.GetRequiredService<OutgoingRegister>().All(Body);
        Assert.Equal(["01/BC-SKHCN", "02/BC-SKHCN"], register.Select(e => e.Number));
        Assert.Equal(register[0].Id, register[1].ReplacesId);
        Assert.Equal("02/BC-SKHCN", Forwarded().Number);
        var text = await TextOf(register[1].Pdf!, "correction.pdf");
        Assert.Contains("Số: 02/BC-SKHCN", text, StringComparison.Ordinal);
        Assert.Contains("thay thế Báo cáo số 01/BC-SKHCN", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliver_afterACrashBetweenNumberingAndSending_finishesUnderTheSameNumber_andSendsOnce()
    {
        var services = Services();
        StoreBinhChuongQ1(services);
        var register = services.GetRequiredService<OutgoingRegister>();
        // What a crash right after the number was taken leaves: the register's row, no bytes, nothing sent.
        var numbered = register.Issue(Body, "2026-Q1", new DateOnly(2026, 3, 9), "/BC-SKHCN", correction: false);
        Assert.False(numbered.IsStored);
        var delivery = services.GetRequiredService<RollupDelivery>();

        var resumed = await delivery.DeliverAsync("2026-Q1", resend: false, CancellationToken.None);
        var again = await delivery.DeliverAsync("2026-Q1", resend: false, CancellationToken.None);

        Assert.All(resumed, o => Assert.Equal("sent", o.Status));
        Assert.All(again, o => Assert.Equal("already_sent", o.Status));
        var entry = Assert.Single(register.All(Body));
        Assert.Equal((numbered.Id, "01/BC-SKHCN", new DateOnly(2026, 3, 9)), (entry.Id, entry.Number, entry.IssueDate));
        Assert.True(entry.IsStored);
        Assert.Contains("Số: 01/BC-SKHCN", await TextOf(entry.Pdf!, "resumed.pdf"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliver_countsTheRollupsDeliveriesAndLogsTheRefusedSend_whenSmtpRefusesTheRecipient()
    {
        await using var sink = SmtpSink.Start(new SmtpSinkScript { RcptToReply = "550 5.1.1 <ubnd@quang-ngai.example>: mailbox unavailable" });
        var logs = new CapturingLogs();
        var services = Services(logs, sink);
        StoreBinhChuongQ1(services);
        var measured = new ConcurrentQueue<(string Instrument, long Value, string Tags)>();
        using var listener = Listen(services, measured);

        var outcomes = await services.GetRequiredService<RollupDelivery>().DeliverAsync("2026-Q1", resend: false, CancellationToken.None);

        Assert.Equal([("email", "failed"), ("forward", "sent")], outcomes.Select(o => (o.Channel, o.Status)));
        Assert.Equal(1, measured.Where(m => m is { Instrument: "hub.reports.delivered", Tags: "channel=email,status=failed" }).Sum(m => m.Value));
        Assert.Equal(1, measured.Where(m => m is { Instrument: "hub.reports.delivered", Tags: "channel=forward,status=sent" }).Sum(m => m.Value));
        Assert.Contains(logs.Lines, l => l.Level == LogLevel.Warning && l.Text.Contains($"Report {Body} 2026-Q1 (01/BC-SKHCN) on email", StringComparison.Ordinal)
                                         && l.Text.Contains("550", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Remind_sendsTheDepartmentsPortalLinkInHtmlAndText_andRecordsOnlyWhatTheServerAccepted()
    {
        // The first connection is refused for good; the rest are accepted.
        await using var sink = SmtpSink.Start(new SmtpSinkScript { RcptToReply = "550 5.1.1 mailbox unavailable" });
        var services = Services(smtp: sink, higher: null);
        var catalog = services.GetRequiredService<PlanCatalog>();
        var plan = catalog.Find("binh-chuong-2026")!;
        var delivery = services.GetRequiredService<DeliveryService>();
        var measured = new ConcurrentQueue<(string Instrument, long Value, string Tags)>();
        using var listener = Listen(services, measured);

        var first = await delivery.RemindAsync(plan, "2026-Q1", 1, CancellationToken.None);
        var second = await delivery.RemindAsync(plan, "2026-Q1", 1, CancellationToken.None);

        var departments = plan.Departments.Select(d => d.Code).ToList();
        Assert.Equal(departments.Count - 1, first.Count);
        var refused = Assert.Single(departments.Except(first));
        // Not recorded when refused, so the next firing sends it; the others are not sent twice.
        Assert.Equal([refused], second);
        Assert.Equal(departments.Count, measured.Where(m => m.Instrument == "hub.reminders.sent").Sum(m => m.Value));
        Assert.Equal(departments.Count, sink.Accepted.Count);
        const string link = "https://hub.binh-chuong.example/portal/binh-chuong-2026/2026-Q1";
        foreach (var received in sink.Accepted)
        {
            var message = received.Parse();
            Assert.Contains(link, message.TextBody, StringComparison.Ordinal);
            Assert.Contains($"<a href=\"{link}\">", message.HtmlBody, StringComparison.Ordinal);
            Assert.Contains("Kính gửi", message.TextBody, StringComparison.Ordinal);
        }
    }

    private static MeterListener Listen(ServiceProvider services, ConcurrentQueue<(string Instrument, long Value, string Tags)> measured)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        var listener = new MeterListener
        {
            // Only this provider's meter: other tests running at the same time have meters of the same name.
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == HubMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory)) l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            measured.Enqueue((instrument.Name, value, string.Join(',', tags.ToArray().Select(t => $"{t.Key}={t.Value}").Order(StringComparer.Ordinal)))));
        listener.Start();
        _ = services.GetRequiredService<HubMetrics>();
        return listener;
    }

    private sealed class CapturingLogs : ILoggerProvider
    {
        public ConcurrentQueue<(LogLevel Level, string Text)> Lines { get; } = new();
        public ILogger CreateLogger(string categoryName) => new Logger(Lines);
        public void Dispose() { }

        private sealed class Logger(ConcurrentQueue<(LogLevel, string)> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue((logLevel, formatter(state, exception)));
        }
    }

    [Fact]
    public async Task Required_theRollupIsDrafted_heldAtItsSendTime_andIssuedOnceTheBodysSignerApproves()
    {
        // The body's file says approval: required; its office and signer act for the body's id.
        var seeds = TestPaths.CopySeeds(_data.Combine("seeds"), higher: true);
        var file = Path.Combine(seeds, "higher", $"{Body}.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        json["approval"] = "required";
        // And the level above is told when the roll-up is late for it.
        var deliverySettings = json["delivery"]?.AsObject() ?? [];
        deliverySettings["lateNotice"] = new System.Text.Json.Nodes.JsonArray("higherLevel");
        json["delivery"] = deliverySettings.DeepClone();
        File.WriteAllText(file, json.ToJsonString(PlanJson.Indented));
        var services = Services(seeds: seeds);
        StoreBinhChuongQ1(services);
        var hash = Reporting.Users.PasswordHash.Hash("mật khẩu dài đủ 1", new byte[16], 1_000);
        using (var connection = services.GetRequiredService<Reporting.Storage.HubDatabase>().Open())
        {
            var users = new Reporting.Users.UserStore(connection);
            Assert.True(users.Add("vanphong.skhcn", Body, Reporting.Users.UserRoles.Office, "vanphong@skhcn.example", hash, Now, "test"));
            Assert.True(users.Add("giamdoc.skhcn", Body, Reporting.Users.UserRoles.Signer, "giamdoc@skhcn.example", hash, Now, "test"));
        }
        Reporting.Users.UserRow User(string name)
        {
            using var connection = services.GetRequiredService<Reporting.Storage.HubDatabase>().Open();
            return new Reporting.Users.UserStore(connection).Find(name)!.Value.User;
        }
        var setup = services.GetRequiredService<RollupSetup>();
        var period = setup.FindPeriod("2026-Q1")!;
        var schedule = setup.Schedule().Where(i => i.Period == "2026-Q1").ToList();
        Assert.Contains(schedule, i => i.Kind == Reporting.Deliver.ScheduledItem.Draft && i.At == RollupSetup.DraftAt(period));
        Assert.Contains(schedule, i => i.Kind == Reporting.Deliver.ScheduledItem.ApprovalReminder && i.At == setup.SendAt(period).AddHours(-24));
        var clock = (FakeTimeProvider)services.GetRequiredService<TimeProvider>();
        var approvals = services.GetRequiredService<ChuyenDoiSo.Workers.Approval.ApprovalService>();
        var subject = services.GetRequiredService<RollupApproval>().Subject("2026-Q1");

        // The draft: kept, DỰ THẢO on its pages, no number; the office and the signer told with it attached.
        Assert.True(clock.GetUtcNow() >= RollupSetup.DraftAt(period), "the communes' due date of 2026-Q1 has passed at the test's now");
        Assert.Equal(["approval-draft:giamdoc.skhcn", "approval-draft:vanphong.skhcn"], (await approvals.DraftAsync(subject, CancellationToken.None)).Order(StringComparer.Ordinal));
        var notice = await MimeMessage.LoadAsync(Outbox($"approval-draft_{Body}_2026-Q1_giamdoc.skhcn.eml"));
        Assert.StartsWith("Dự thảo báo cáo chuyển đổi số quý I năm 2026", notice.Subject, StringComparison.Ordinal);
        var draftText = await TextOf(approvals.DraftPdf(Body, "2026-Q1")!, "rollup-draft.pdf");
        Assert.Contains("DỰ THẢO", draftText, StringComparison.Ordinal);
        Assert.DoesNotContain("01/BC-SKHCN", draftText, StringComparison.Ordinal);

        // The send time without approval: nothing issued or sent, each channel held.
        if (setup.SendAt(period) > clock.GetUtcNow()) clock.SetUtcNow(setup.SendAt(period));
        var held = await services.GetRequiredService<RollupDelivery>().DeliverAsync("2026-Q1", resend: false, CancellationToken.None);
        Assert.All(held, o => Assert.Equal("awaiting_approval", o.Status));
        Assert.Empty(services.GetRequiredService<OutgoingRegister>().All(Body));
        Assert.False(File.Exists(Outbox($"{Body}_2026-Q1.eml")));
        // The level above hears once that it will be late, in formal Vietnamese without codes; a second deliver tells nobody again.
        await services.GetRequiredService<RollupDelivery>().DeliverAsync("2026-Q1", resend: false, CancellationToken.None);
        var late = Assert.Single(Directory.GetFiles(Path.Combine(_data.Path, "outbox"), $"late-notice_{Body}_2026-Q1_*.eml"));
        var lateNotice = await MimeMessage.LoadAsync(late);
        Assert.Equal(setup.Body.HigherLevel.Email, lateNotice.To.Mailboxes.Single().Address);
        Assert.StartsWith("Thông báo chậm gửi Báo cáo tổng hợp kết quả thực hiện chuyển đổi số quý I năm 2026", lateNotice.Subject, StringComparison.Ordinal);
        Assert.Contains("đang chờ lãnh đạo phê duyệt", lateNotice.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("2026-Q1", lateNotice.TextBody, StringComparison.Ordinal);

        // The office may not approve; the body's signer does: the number, both signatures, sent once on both channels.
        await Assert.ThrowsAsync<ChuyenDoiSo.Workers.Approval.ApprovalRefusedException>(() => approvals.ApproveAsync(subject, User("vanphong.skhcn"), CancellationToken.None));
        clock.Advance(TimeSpan.FromHours(2));
        var approved = await approvals.ApproveAsync(subject, User("giamdoc.skhcn"), CancellationToken.None);
        Assert.Equal("01/BC-SKHCN", approved.Number);
        Assert.Equal([("email", "sent"), ("forward", "sent")], approved.Deliveries.Select(d => (d.Channel, d.Status)));
        var entry = Assert.Single(services.GetRequiredService<OutgoingRegister>().All(Body));
        var path = Path.Combine(_data.Path, "rollup-approved.pdf");
        await File.WriteAllBytesAsync(path, entry.Pdf!);
        var (validations, output) = await PdfTools.PdfSigAsync(path);
        Assert.True(validations.Count == 2 && validations.All(v => v == "Signature is Valid."), output);
        Assert.DoesNotContain("DỰ THẢO", await TextOf(entry.Pdf!, "rollup-approved-text.pdf"), StringComparison.Ordinal);
        Assert.Equal("01/BC-SKHCN", Forwarded().Number);

        var again = await approvals.ApproveAsync(subject, User("giamdoc.skhcn"), CancellationToken.None);
        Assert.True(again.AlreadyApproved);
        Assert.All(again.Deliveries, d => Assert.Equal("already_sent", d.Status));
        Assert.Single(services.GetRequiredService<OutgoingRegister>().All(Body));
    }
}
