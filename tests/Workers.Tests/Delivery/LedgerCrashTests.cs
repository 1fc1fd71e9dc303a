using ChuyenDoiSo.Reporting.Deliver;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Deliver;
using ChuyenDoiSo.Workers.Tests.Cli;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Xunit.Abstractions;

namespace ChuyenDoiSo.Workers.Tests.Delivery;

/// <summary>
/// The delivery ledger's promise: a row is opened ('sending') before a send and closed ('sent') after, so a process killed in
/// between is finished once on the next start, and a report already sent is not sent again unless asked.
/// </summary>
public sealed class LedgerCrashTests(ITestOutputHelper output) : IDisposable
{
    private const string PlanId = DeliveryHost.PlanId;
    private const string Email = "skhcn@quang-ngai.example";
    private static readonly TimeSpan Local = TimeSpan.FromHours(7);
    private static readonly DateTimeOffset Deadline = new(2026, 11, 12, 17, 0, 0, Local);
    private readonly TempDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Start_finishesEmailLeftSendingOnce_whenKilledBetweenOpenAndClose()
    {
        var clock = new FakeTimeProvider(Deadline.AddHours(-1));
        await RunOnceAsync(clock);

        // At the deadline the job opened the email row and the process died before closing it: no .eml, no forward row.
        clock.SetUtcNow(Deadline);
        var killed = KilledProcessLedger().Begin(PlanId, "2026-11", Email, "email", Deadline, ReportEmail.MessageId(PlanId, "2026-11", Email), resend: false);
        Assert.Equal(("sending", 1L), (killed!.Status, killed.Attempts));
        Assert.Empty(Directory.Exists(_data.Combine("outbox")) ? Directory.EnumerateFiles(_data.Combine("outbox"), "*", SearchOption.AllDirectories) : []);

        var restart = Deadline.AddMinutes(20);
        clock.SetUtcNow(restart);
        await using var hub = await DeliveryHost.StartAsync(_data.Path, clock, output);

        // The stored trigger fires too once the scheduler runs: wait for it, so its (second) look at the ledger is counted.
        await DeliveryHost.EventuallyFromAsync(() => hub.ReportTriggerAsync("2026-11"), t => t is null, "the 2026-11 trigger completed");
        var rows = hub.Rows("2026-11");
        // Each claim of a row is one attempt, and each claim sends: 2 = the killed attempt + one send now.
        Assert.Equal([("email", "sent", 2L), ("forward", "sent", 1L)], rows.Select(r => (r.Channel, r.Status, r.Attempts)));
        Assert.All(rows, r => Assert.Equal((Deadline, restart), (r.DueAt, r.SentAt!.Value)));
        Assert.Empty(hub.Ledger.Unfinished());
        Assert.Equal([$"{PlanId}_2026-11.eml"], hub.OutboxFiles());
        Assert.Equal(killed.MessageId, MimeMessage.Load(Path.Combine(hub.Outbox, $"{PlanId}_2026-11.eml")).MessageId);
        Assert.Equal([$"{PlanId}_2026-11.json"], hub.OutboxFiles("*.json", "forward"));
    }

    [Fact]
    public async Task Start_finishesOnlyTheChannelLeftOpen_whenKilledAfterEmailWasSent()
    {
        var clock = new FakeTimeProvider(Deadline.AddHours(-1));
        await RunOnceAsync(clock);

        // Email went out and was closed; the process died while forwarding. The .eml is not in this outbox, so a resend would show.
        clock.SetUtcNow(Deadline);
        var ledger = KilledProcessLedger();
        var email = ledger.Begin(PlanId, "2026-11", Email, "email", Deadline, ReportEmail.MessageId(PlanId, "2026-11", Email), resend: false)!;
        ledger.Sent(email.Id, Deadline);
        var forward = ledger.Begin(PlanId, "2026-11", DeliverySchedule.ForwardRecipient, "forward", Deadline, DeliveryService.ForwardMessageId(PlanId, "2026-11").ToString(), resend: false)!;
        Assert.Equal("sending", forward.Status);

        clock.SetUtcNow(Deadline.AddMinutes(20));
        await using var hub = await DeliveryHost.StartAsync(_data.Path, clock, output);
        await DeliveryHost.EventuallyFromAsync(() => hub.ReportTriggerAsync("2026-11"), t => t is null, "the 2026-11 trigger completed");

        Assert.Equal([("email", "sent", 1L), ("forward", "sent", 2L)], hub.Rows("2026-11").Select(r => (r.Channel, r.Status, r.Attempts)));
        Assert.Equal(Deadline, hub.Rows("2026-11")[0].SentAt);
        Assert.Empty(hub.OutboxFiles());
        Assert.Equal([$"{PlanId}_2026-11.json"], hub.OutboxFiles("*.json", "forward"));
    }

    [Fact]
    public async Task Deliver_sendsOnce_whenCalledTwice_andAgainWithResend()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 20, 9, 0, 0, Local));
        // As the `deliver` verb: the hub's services, no scheduler running.
        await using var hub = DeliveryHost.Build(_data.Path, clock, output);

        var first = await hub.Delivery.DeliverAsync(hub.Plan, "2026-11", resend: false, CancellationToken.None);
        Assert.Equal(["sent", "sent"], first.Select(o => o.Status));
        var sentAt = clock.GetUtcNow();
        // Emptying the outbox makes each later send visible as a file that comes back.
        DeleteOutbox(hub);

        clock.Advance(TimeSpan.FromHours(1));
        var second = await hub.Delivery.DeliverAsync(hub.Plan, "2026-11", resend: false, CancellationToken.None);

        Assert.Equal(["already_sent", "already_sent"], second.Select(o => o.Status));
        Assert.Empty(hub.OutboxFiles());
        Assert.Empty(hub.OutboxFiles("*.json", "forward"));
        Assert.Equal([("email", 1L, sentAt), ("forward", 1L, sentAt)], hub.Rows("2026-11").Select(r => (r.Channel, r.Attempts, r.SentAt!.Value)));

        clock.Advance(TimeSpan.FromHours(1));
        var resent = await hub.Delivery.DeliverAsync(hub.Plan, "2026-11", resend: true, CancellationToken.None);

        Assert.Equal(["sent", "sent"], resent.Select(o => o.Status));
        Assert.Equal([("email", "sent", 2L, clock.GetUtcNow()), ("forward", "sent", 2L, clock.GetUtcNow())], hub.Rows("2026-11").Select(r => (r.Channel, r.Status, r.Attempts, r.SentAt!.Value)));
        Assert.Equal([$"{PlanId}_2026-11.eml"], hub.OutboxFiles());
        Assert.Equal([$"{PlanId}_2026-11.json"], hub.OutboxFiles("*.json", "forward"));
        // The resend carries the first send's Message-ID, so the receiver can drop it if it has the report.
        Assert.Equal(ReportEmail.MessageId(PlanId, "2026-11", Email), MimeMessage.Load(Path.Combine(hub.Outbox, $"{PlanId}_2026-11.eml")).MessageId);
    }

    [Fact]
    public async Task Deliver_sendsEmailOnce_whenSecondDeliverStartsWhileFirstIsMidSend()
    {
        // Two `deliver` runs at once, or `deliver` while the hub's job sends the same report: they share hub.db and nothing else.
        // The SMTP server holds the first run's message, so the second provably starts while the first row is 'sending'.
        await using var smtp = new HoldingSmtpServer();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 20, 9, 0, 0, Local));
        await using var hub = DeliveryHost.Build(_data.Path, clock, output, new Dictionary<string, string?>
        {
            ["Hub:Smtp:Host"] = "127.0.0.1",
            ["Hub:Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Hub:Smtp:Security"] = "None",
        });

        var firstRun = Task.Run(() => hub.Delivery.DeliverAsync(hub.Plan, "2026-11", resend: false, CancellationToken.None));
        await smtp.FirstDataReceived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(("sending", 1L), hub.Rows("2026-11").Where(r => r.Channel == "email").Select(r => (r.Status, r.Attempts)).Single());
        var secondRun = Task.Run(() => hub.Delivery.DeliverAsync(hub.Plan, "2026-11", resend: false, CancellationToken.None));
        // A second run that waits for the first is as good as one that returns: give it a bounded while, then let the first finish.
        await Task.WhenAny(secondRun, Task.Delay(TimeSpan.FromSeconds(10)));
        smtp.Release();
        var first = await firstRun.WaitAsync(TimeSpan.FromSeconds(30));
        var second = await secondRun.WaitAsync(TimeSpan.FromSeconds(30));

        output.WriteLine(string.Join(Environment.NewLine, first.Concat(second)));
        var email = hub.Rows("2026-11").Single(r => r.Channel == "email");
        Assert.True(smtp.Accepted.Count == 1,
            $"the SMTP server took {smtp.Accepted.Count} copies of the report (Message-ID {email.MessageId}); the ledger row ended {email.Status} after {email.Attempts} attempts; " +
            $"second run's email outcome: {second.Single(o => o.Channel == "email").Status}");
        Assert.Equal(("sent", 1L), (email.Status, email.Attempts));
        Assert.Equal("sent", first.Single(o => o.Channel == "email").Status);
        Assert.NotEqual("sent", second.Single(o => o.Channel == "email").Status);
    }

    [Fact]
    public async Task DeliverVerb_printsAlreadySentOnSecondRun_andSendsAgainWithResend()
    {
        var data = _data.Combine("data");

        var first = await HubProgram.RunAsync(_data.Path, "deliver", "--plan", PlanId, "--period", "2026-Q1", "--data", data, "--seeds", TestPaths.Seeds);
        File.Delete(Path.Combine(data, "outbox", $"{PlanId}_2026-Q1.eml"));
        var second = await HubProgram.RunAsync(_data.Path, "deliver", "--plan", PlanId, "--period", "2026-Q1", "--data", data, "--seeds", TestPaths.Seeds);
        var secondLeft = File.Exists(Path.Combine(data, "outbox", $"{PlanId}_2026-Q1.eml"));
        var third = await HubProgram.RunAsync(_data.Path, "deliver", "--plan", PlanId, "--period", "2026-Q1", "--resend", "--data", data, "--seeds", TestPaths.Seeds);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.True(third.ExitCode == 0, third.ToString());
        Assert.Equal(["sent", "sent"], first.StdoutLines.Select(Status));
        Assert.Equal(["already_sent", "already_sent"], second.StdoutLines.Select(Status));
        Assert.Equal(["sent", "sent"], third.StdoutLines.Select(Status));
        Assert.False(secondLeft, "the second `deliver` wrote the report email again");
        Assert.True(File.Exists(Path.Combine(data, "outbox", $"{PlanId}_2026-Q1.eml")), "`deliver --resend` wrote no report email");
        var ledger = new DeliveryLedger(new HubDatabase(Path.Combine(data, "hub.db")));
        Assert.Equal([("email", "sent", 2L), ("forward", "sent", 2L)], ledger.All().Select(r => (r.Channel, r.Status, r.Attempts)));

        static string Status(string line) => line.Split(' ', 2)[0];
    }

    /// <summary>A first run of the hub, before the deadline: records its first start and stores the triggers.</summary>
    private async Task RunOnceAsync(FakeTimeProvider clock)
    {
        await using var first = await DeliveryHost.StartAsync(_data.Path, clock, output);
        Assert.NotNull(await first.ReportTriggerAsync("2026-11"));
    }

    /// <summary>The ledger as the killed process had it: the same hub.db, opened on its own.</summary>
    private DeliveryLedger KilledProcessLedger()
    {
        var database = new HubDatabase(_data.Combine("hub.db"));
        database.Migrate();
        return new DeliveryLedger(database);
    }

    private static void DeleteOutbox(DeliveryHost hub)
    {
        foreach (var file in Directory.EnumerateFiles(hub.Outbox, "*", SearchOption.AllDirectories)) File.Delete(file);
    }
}
