using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Compile;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Render;
using ChuyenDoiSo.Workers.Deliver;
using ChuyenDoiSo.Workers.Wiring;
using Microsoft.Extensions.Logging;
using MimeKit;
using Xunit.Abstractions;

namespace ChuyenDoiSo.Workers.Tests.Smtp;

/// <summary>
/// The report email over a real SMTP conversation: with <see cref="SmtpSink"/>, a server in the test that can be told to
/// refuse or drop a connection at each step, and once with Debian's aiosmtpd as a server we did not write.
/// </summary>
public sealed class SmtpReportSenderTests(ITestOutputHelper output)
{
    private const string PlanId = "binh-chuong-2026";
    private static readonly double[] Delays = [0.01, 0.01, 0.01];
    private static readonly Lazy<ReportMail> Mail = new(ComposeReportMail);

    [Fact]
    public async Task Send_deliversReportWithVietnameseSubjectDocxAndMessageId_whenServerAccepts()
    {
        await using var sink = SmtpSink.Start();
        var mail = Mail.Value;

        var result = await SendAsync(sink);

        Assert.Equal(new SendResult(true, false, 1, result.LastReply), result);
        Assert.StartsWith("250 ", result.LastReply, StringComparison.Ordinal);
        var received = Assert.Single(sink.Accepted);
        Assert.Equal([mail.To], received.Recipients);
        Assert.Equal(mail.From, received.MailFrom);
        // On the wire the subject is RFC 2047 encoded ASCII; decoded it is the Vietnamese subject again.
        Assert.DoesNotContain(mail.Message.Subject!, received.Raw, StringComparison.Ordinal);
        var parsed = received.Parse();
        Assert.Equal(mail.Message.Subject, parsed.Subject);
        Assert.StartsWith("Báo cáo kết quả thực hiện Kế hoạch chuyển đổi số", parsed.Subject, StringComparison.Ordinal);
        Assert.Equal(ReportEmail.MessageId(PlanId, mail.Period, mail.To), parsed.MessageId);
        Assert.Contains("<html", parsed.HtmlBody, StringComparison.OrdinalIgnoreCase);
        var attachment = Assert.IsType<MimePart>(Assert.Single(parsed.Attachments));
        Assert.Equal($"{PlanId}_{mail.Period}.docx", attachment.FileName);
        Assert.Equal(mail.Docx, Content(attachment));
    }

    [Fact]
    public async Task Send_succeedsOnSecondAttempt_afterGreeting421()
    {
        await using var sink = SmtpSink.Start(new SmtpSinkScript { Greeting = "421 4.3.2 Service not available, closing transmission channel" });

        var result = await SendAsync(sink);

        Assert.True(result.Sent, result.LastReply);
        Assert.Equal(2, result.Attempts);
        Assert.Equal(2, sink.Connections);
        Assert.Equal(2, Assert.Single(sink.Received).Connection);
    }

    [Fact]
    public async Task Send_succeedsOnSecondAttempt_after451OnMailFrom()
    {
        await using var sink = SmtpSink.Start(new SmtpSinkScript { MailFromReply = "451 4.3.0 Temporary local problem, try again later" });

        var result = await SendAsync(sink);

        Assert.True(result.Sent, result.LastReply);
        Assert.Equal(2, result.Attempts);
        Assert.Single(sink.Received);
    }

    [Fact]
    public async Task Send_succeedsOnSecondAttempt_after451AtEndOfData()
    {
        await using var sink = SmtpSink.Start(new SmtpSinkScript { DataEndReply = "451 4.3.0 Error: queue file write error" });

        var result = await SendAsync(sink);

        Assert.True(result.Sent, result.LastReply);
        Assert.Equal(2, result.Attempts);
        // The first copy was read and refused, the second accepted: the receiver holds exactly one.
        Assert.Equal([false, true], sink.Received.Select(m => m.Accepted));
        Assert.Equal(2, Assert.Single(sink.Accepted).Connection);
    }

    [Fact]
    public async Task Send_stopsAtOnceAsPermanent_after550OnRcpt()
    {
        await using var sink = SmtpSink.Start(new SmtpSinkScript { RcptToReply = "550 5.1.1 <vanphong@ubnd-tinh.example>: Recipient address rejected: mailbox unavailable" });

        var result = await SendAsync(sink);

        Assert.False(result.Sent);
        Assert.True(result.Permanent);
        Assert.Equal(1, result.Attempts);
        Assert.StartsWith("550 ", result.LastReply, StringComparison.Ordinal);
        Assert.Contains("mailbox unavailable", result.LastReply, StringComparison.Ordinal);
        Assert.Equal(1, sink.Connections);
        Assert.Empty(sink.Received);
    }

    [Theory]
    [InlineData("mail", "550 5.7.1 Sender rejected")]
    [InlineData("data", "554 5.6.0 Message content rejected")]
    public async Task Send_stopsAtOnceAsPermanent_after5xxElsewhere(string step, string reply)
    {
        var script = step == "mail" ? new SmtpSinkScript { MailFromReply = reply } : new SmtpSinkScript { DataEndReply = reply };
        await using var sink = SmtpSink.Start(script);

        var result = await SendAsync(sink);

        Assert.Equal((false, true, 1), (result.Sent, result.Permanent, result.Attempts));
        Assert.Equal(reply, result.LastReply);
        Assert.Equal(1, sink.Connections);
        Assert.Empty(sink.Accepted);
    }

    [Fact]
    public async Task Send_succeedsOnSecondAttempt_whenConnectionDropsBeforeData()
    {
        await using var sink = SmtpSink.Start(new SmtpSinkScript { DropBeforeData = true });

        var result = await SendAsync(sink);

        Assert.True(result.Sent, result.LastReply);
        Assert.Equal(2, result.Attempts);
        Assert.Equal(2, Assert.Single(sink.Received).Connection);
    }

    [Fact]
    public async Task Send_succeedsOnSecondAttempt_whenConnectionDropsAfterDataBeforeReply()
    {
        await using var sink = SmtpSink.Start(new SmtpSinkScript { DropAfterData = true });
        var mail = Mail.Value;

        var result = await SendAsync(sink);

        Assert.True(result.Sent, result.LastReply);
        Assert.Equal(2, result.Attempts);
        // The server may have kept the first copy without saying so; both carry the one Message-ID, so the receiver can drop the repeat.
        Assert.Equal([1, 2], sink.Received.Select(m => m.Connection));
        Assert.All(sink.Received, m => Assert.Equal(mail.Message.MessageId, m.Parse().MessageId));
    }

    [Fact]
    public async Task Send_givesUpAsTransient_whenEveryAttemptGets451()
    {
        var busy = new SmtpSinkScript { DataEndReply = "451 4.7.1 Greylisted, please try again later" };
        await using var sink = SmtpSink.Start([.. Enumerable.Repeat(busy, Delays.Length + 1)]);

        var result = await SendAsync(sink);

        Assert.Equal((false, false, Delays.Length + 1), (result.Sent, result.Permanent, result.Attempts));
        Assert.Equal(busy.DataEndReply, result.LastReply);
        Assert.Equal(Delays.Length + 1, sink.Connections);
        Assert.Empty(sink.Accepted);
    }

    [Fact]
    public async Task Send_givesUpAsTransient_whenNothingListens()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var result = await SendAsync("127.0.0.1", port, "None");

        Assert.Equal((false, false, Delays.Length + 1), (result.Sent, result.Permanent, result.Attempts));
        Assert.Contains("SocketException", result.LastReply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_deliversToAiosmtpd_asAThirdPartyServer()
    {
        var python = FindAiosmtpdPython();
        Assert.True(python is not null,
            "python3-aiosmtpd is not installed (no python3 here can import aiosmtpd); scripts/test.sh installs it with apt-get install python3-aiosmtpd");
        using var folder = new TempDataFolder();
        var maildir = folder.Combine("maildir");
        var port = TestNetwork.FreePort();
        using var server = Process.Start(new ProcessStartInfo(python!)
        {
            ArgumentList = { "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Mailbox", maildir },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        try
        {
            await WaitForPortAsync(port, server);
            var mail = Mail.Value;

            // The hub's default security, Auto: STARTTLS when offered, which aiosmtpd without a certificate does not.
            var result = await SendAsync("127.0.0.1", port, new SmtpOptions().Security);

            Assert.True(result.Sent, result.LastReply);
            Assert.Equal(1, result.Attempts);
            var file = Assert.Single(Directory.GetFiles(Path.Combine(maildir, "new")));
            var stored = MimeMessage.Load(file);
            Assert.Equal(mail.Message.Subject, stored.Subject);
            Assert.Equal(mail.Message.MessageId, stored.MessageId);
            Assert.Equal(mail.To, stored.Headers["X-RcptTo"]);
            var attachment = Assert.IsType<MimePart>(Assert.Single(stored.Attachments));
            Assert.Equal(mail.Docx, Content(attachment));
        }
        finally
        {
            server.Kill();
            await server.WaitForExitAsync();
            output.WriteLine($"aiosmtpd ({python}) stderr: {await server.StandardError.ReadToEndAsync()}");
        }
    }

    private Task<SendResult> SendAsync(SmtpSink sink) => SendAsync(sink.Host, sink.Port, "None", sink);

    private async Task<SendResult> SendAsync(string host, int port, string security, SmtpSink? sink = null)
    {
        var options = new SmtpOptions { Host = host, Port = port, Security = security, From = Mail.Value.From, RetryDelaysSeconds = Delays };
        var sender = new SmtpReportSender(options, new OutputLogger<SmtpReportSender>(output), TimeProvider.System);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var clock = Stopwatch.StartNew();
        var result = await sender.SendAsync(Mail.Value.Message, timeout.Token);
        output.WriteLine($"{result} in {clock.ElapsedMilliseconds} ms");
        if (sink is not null) output.WriteLine(sink.Transcript);
        return result;
    }

    private static byte[] Content(MimePart part)
    {
        using var bytes = new MemoryStream();
        Assert.NotNull(part.Content);
        part.Content.DecodeTo(bytes);
        return bytes.ToArray();
    }

    /// <summary>The email the hub sends for Bình Chương's first quarter, composed as the hub does, with the real DOCX attached.</summary>
    private sealed record ReportMail(MimeMessage Message, byte[] Docx, string Period, string From, string To);

    private static ReportMail ComposeReportMail()
    {
        var load = PlanValidator.Load(Path.Combine(TestPaths.Seeds, $"{PlanId}.json"));
        var plan = load.Plan ?? throw new InvalidOperationException(string.Join("; ", load.Errors));
        var calendar = ReportingCalendar.For(plan.Year, CalendarSettings.Default, HolidayCalendar.WeekendsOnly);
        var index = calendar.ToList().FindIndex(p => p.Kind == ReportKind.Quarterly);
        var report = new CompiledReport
        {
            Plan = plan,
            Period = calendar[index],
            PreviousPeriod = calendar[index - 1],
            NextPeriod = calendar[index + 1],
            Indicators = [.. plan.Indicators.Select(i => new IndicatorResult(i, 100m, 95m, Achievement.Yes, null, null))],
            Tasks = [],
            Submissions = [],
            Statistics = [],
            Warnings = [],
            Narratives = [],
            NextPeriodTasks = [],
        };
        var options = new RenderOptions(calendar[index].AdjustedDueDate);
        var docx = DocxReportRenderer.Render(report, options);
        var html = HtmlReportRenderer.Render(report, options);
        var message = ReportEmail.Compose(report, html, docx, ReportEmail.DefaultFrom, plan.HigherLevel.Email, plan.HigherLevel.Name);
        return new ReportMail(message, docx, report.Period.Period, ReportEmail.DefaultFrom, plan.HigherLevel.Email);
    }

    /// <summary>Debian's python3 first: a pyenv or venv python3 earlier on PATH usually lacks the Debian package.</summary>
    private static string? FindAiosmtpdPython()
    {
        foreach (var candidate in new[] { "/usr/bin/python3", "python3" })
        {
            try
            {
                using var probe = Process.Start(new ProcessStartInfo(candidate, ["-c", "import aiosmtpd"])
                {
                    RedirectStandardError = true,
                    UseShellExecute = false,
                });
                if (probe is null) continue;
                probe.WaitForExit();
                if (probe.ExitCode == 0) return candidate;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not there; try the next.
            }
        }
        return null;
    }

    private static async Task WaitForPortAsync(int port, Process server)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (server.HasExited)
                Assert.Fail($"aiosmtpd exited with {server.ExitCode}: {await server.StandardError.ReadToEndAsync()}");
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        Assert.Fail($"aiosmtpd did not listen on 127.0.0.1:{port} within 20 s");
    }

    /// <summary>The sender's log lines in the test output, where a failing test shows them.</summary>
    private sealed class OutputLogger<T>(ITestOutputHelper output) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            output.WriteLine($"{logLevel}: {formatter(state, exception)}{(exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})")}");
    }
}
