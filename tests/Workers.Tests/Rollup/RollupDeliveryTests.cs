using System.Text.Json;
using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Ingest;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Rollup;
using ChuyenDoiSo.Workers.Deliver;
using ChuyenDoiSo.Workers.Rollup;
using ChuyenDoiSo.Workers.Wiring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace ChuyenDoiSo.Workers.Tests.Rollup;

/// <summary>The higher body's roll-up sent upward on the embedded default: .eml in the pickup folder, the forward in the outbox.</summary>
public sealed class RollupDeliveryTests : IDisposable
{
    private const string Body = "quang-ngai-skhcn-2026";
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 10, 0, 0, TimeSpan.FromHours(7));
    private readonly TempDataFolder _data = new();
    private readonly ServiceProvider _services;

    public RollupDeliveryTests()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration["Hub:Data"] = _data.Path;
        builder.Configuration["Hub:Seeds"] = TestPaths.Seeds;
        builder.Configuration["Hub:Higher:Id"] = Body;
        builder.AddReportingHub().AddDelivery();
        builder.Services.AddLogging();
        builder.Services.RemoveAll<TimeProvider>();
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
        _services = builder.Services.BuildServiceProvider();
    }

    public void Dispose()
    {
        _services.Dispose();
        _data.Dispose();
    }

    /// <summary>Bình Chương's real compiled Q1 report, with 30 of 40 dossiers end to end online, stored as its hub forwards it.</summary>
    private void StoreBinhChuongQ1()
    {
        var catalog = _services.GetRequiredService<PlanCatalog>();
        var update = new DepartmentReportSubmitted
        {
            MessageId = Guid.NewGuid(), PlanId = "binh-chuong-2026", Department = "TTPVHCC", Period = "2026-Q1",
            Indicators = [new IndicatorValue { Code = "1", Numerator = 30, Denominator = 40 }],
        };
        _services.GetRequiredService<IngestStore>().Store(new IncomingSubmission(update, update.MessageId, JsonSerializer.Serialize(update, PlanJson.Options), Now.AddDays(-8), null, SubmissionValidator.Validate(update, catalog)));
        var outputs = _services.GetRequiredService<ReportProducer>().Produce(catalog.Find("binh-chuong-2026")!, "2026-Q1", new DateOnly(2026, 3, 5));
        var message = new CommuneReportSubmitted
        {
            MessageId = DeliveryService.ForwardMessageId("binh-chuong-2026", "2026-Q1"), PlanId = "binh-chuong-2026", Commune = "Xã Bình Chương",
            Period = "2026-Q1", Kind = "quarterly", CompiledAt = Now.AddDays(-5), ReportJson = outputs.Json,
        };
        var setup = _services.GetRequiredService<RollupSetup>();
        var result = _services.GetRequiredService<CommuneReportStore>().Store(new IncomingCommuneReport(message, message.MessageId, "", Now.AddDays(-5), null, CommuneReportValidator.Validate(message, setup.Body, setup.Holidays)));
        Assert.Equal(IngestOutcome.Accepted, result.Outcome);
    }

    [Fact]
    public async Task Deliver_sendsTheRollupByEmailAndForward_onceEach()
    {
        StoreBinhChuongQ1();
        var delivery = _services.GetRequiredService<RollupDelivery>();

        var first = await delivery.DeliverAsync("2026-Q1", resend: false, CancellationToken.None);
        var again = await delivery.DeliverAsync("2026-Q1", resend: false, CancellationToken.None);

        Assert.Equal([("email", "sent"), ("forward", "sent")], first.Select(o => (o.Channel, o.Status)));
        Assert.Equal([("email", "already_sent"), ("forward", "already_sent")], again.Select(o => (o.Channel, o.Status)));

        var email = await MimeMessage.LoadAsync(Path.Combine(_data.Path, "outbox", $"{Body}_2026-Q1.eml"));
        Assert.Equal("ubnd@quang-ngai.example", email.To.Mailboxes.Single().Address);
        Assert.Contains(email.Attachments, a => a.ContentDisposition?.FileName == $"{Body}_2026-Q1.docx");

        var forwarded = JsonSerializer.Deserialize<CommuneReportSubmitted>(await File.ReadAllTextAsync(Path.Combine(_data.Path, "outbox", "forward", $"{Body}_2026-Q1.json")), PlanJson.Options)!;
        Assert.Equal((Body, "2026-Q1"), (forwarded.PlanId, forwarded.Period));
        // What the province reads: the roll-up under catalogue keys, with the counts behind the rate.
        var report = RollupCompiler.ParseReport(forwarded.ReportJson)!;
        var online = report.Indicators.Single(i => i.Code == "online-dossiers-end-to-end");
        Assert.Equal((30m, 40m), (online.Numerator!.Value, online.Denominator!.Value));
    }

    [Fact]
    public async Task Remind_remindsOnlyCommunesThatHaveNotReported_oncePerOffset()
    {
        var delivery = _services.GetRequiredService<RollupDelivery>();

        var first = await delivery.RemindAsync("2026-Q1", 1, CancellationToken.None);
        var again = await delivery.RemindAsync("2026-Q1", 1, CancellationToken.None);
        StoreBinhChuongQ1();
        var afterReport = await delivery.RemindAsync("2026-Q1", 3, CancellationToken.None);

        Assert.Equal(["binh-chuong-2026"], first);
        Assert.Empty(again);
        Assert.Empty(afterReport);
        var email = await MimeMessage.LoadAsync(Path.Combine(_data.Path, "outbox", $"reminder_{Body}_2026-Q1_binh-chuong-2026_+1.eml"));
        Assert.Equal("vanphong@binh-chuong.example", email.To.Mailboxes.Single().Address);
        Assert.StartsWith("Đôn đốc: UBND xã Bình Chương chưa gửi báo cáo", email.Subject, StringComparison.Ordinal);
    }
}
