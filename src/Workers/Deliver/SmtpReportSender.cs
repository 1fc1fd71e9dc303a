using System.Net.Sockets;
using ChuyenDoiSo.Workers.Wiring;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ChuyenDoiSo.Workers.Deliver;

/// <summary>How one delivery by SMTP ended.</summary>
/// <param name="Sent">The server accepted the message (250 after DATA).</param>
/// <param name="Permanent">Not sent, and trying again will not help: a 5xx reply or a configuration the server refuses.</param>
/// <param name="Attempts">Connections tried, 1 to RetryDelaysSeconds.Count + 1.</param>
/// <param name="LastReply">The server's last reply as "code text" ("550 5.1.1 mailbox unavailable"), or the error when there was none.</param>
public sealed record SendResult(bool Sent, bool Permanent, int Attempts, string? LastReply);

/// <summary>
/// Sends one message over SMTP with MailKit, a new connection per attempt. A 4xx reply or a dropped connection is transient and
/// tried again after the next of <see cref="SmtpOptions.RetryDelaysSeconds"/>; a 5xx reply is permanent and stops at once.
/// The message keeps its Message-ID across attempts, so a copy the server took before the connection dropped can be recognised.
/// </summary>
public sealed class SmtpReportSender(SmtpOptions options, ILogger<SmtpReportSender> logger, TimeProvider clock)
{
    public async Task<SendResult> SendAsync(MimeMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var host = options.IsConfigured && options.Host is { } configured
            ? configured
            : throw new InvalidOperationException("Hub:Smtp:Host is not set; without it reports go to the pickup folder, not to SMTP.");
        var security = Enum.TryParse<SecureSocketOptions>(options.Security, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : throw new InvalidOperationException($"Hub:Smtp:Security is '{options.Security}'; expected one of MailKit's SecureSocketOptions: None, StartTls, SslOnConnect, Auto (or StartTlsWhenAvailable).");
        var maxAttempts = options.RetryDelaysSeconds.Count + 1;
        for (var attempt = 1; ; attempt++)
        {
            logger.LogInformation("SMTP attempt {Attempt} of {MaxAttempts}: sending {MessageId} to {Recipients} via {Host}:{Port}",
                attempt, maxAttempts, message.MessageId, string.Join(", ", message.To.Mailboxes.Select(m => m.Address)), host, options.Port);
            try
            {
                var reply = await SendOnceAsync(host, message, security, ct);
                logger.LogInformation("SMTP attempt {Attempt}: {MessageId} accepted: {Reply}", attempt, message.MessageId, reply);
                return new SendResult(true, false, attempt, reply);
            }
            catch (SmtpCommandException e) when ((int)e.StatusCode is >= 500 and < 600)
            {
                var lastReply = Reply(e);
                logger.LogWarning("SMTP attempt {Attempt}: {MessageId} refused permanently ({ErrorCode}): {Reply}", attempt, message.MessageId, e.ErrorCode, lastReply);
                return new SendResult(false, true, attempt, lastReply);
            }
            catch (Exception e) when (e is AuthenticationException or SslHandshakeException or NotSupportedException)
            {
                // Wrong credentials, a certificate we do not trust, StartTls on a server without it: the same again will fail the same way.
                var lastReply = $"{e.GetType().Name}: {e.Message}";
                logger.LogWarning("SMTP attempt {Attempt}: {MessageId} cannot be sent with these settings: {Reply}", attempt, message.MessageId, lastReply);
                return new SendResult(false, true, attempt, lastReply);
            }
            catch (Exception e) when (IsTransient(e, ct))
            {
                var lastReply = e is SmtpCommandException command ? Reply(command) : $"{e.GetType().Name}: {e.Message}";
                if (attempt >= maxAttempts)
                {
                    logger.LogWarning("SMTP attempt {Attempt}: {MessageId} failed ({Reply}); giving up after {Attempts} attempts", attempt, message.MessageId, lastReply, attempt);
                    return new SendResult(false, false, attempt, lastReply);
                }
                var delay = TimeSpan.FromSeconds(options.RetryDelaysSeconds[attempt - 1]);
                logger.LogWarning("SMTP attempt {Attempt}: {MessageId} failed ({Reply}); trying again in {Delay}", attempt, message.MessageId, lastReply, delay);
                await Task.Delay(delay, clock, ct);
            }
        }
    }

    private async Task<string> SendOnceAsync(string host, MimeMessage message, SecureSocketOptions security, CancellationToken ct)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync(host, options.Port, security, ct);
        if (!string.IsNullOrEmpty(options.User))
            await client.AuthenticateAsync(options.User, options.Password ?? "", ct);
        // MailKit only returns from SendAsync on a 250 after the data, and hands back that reply's text.
        var reply = "250 " + await client.SendAsync(message, ct);
        try
        {
            await client.DisconnectAsync(quit: true, ct);
        }
        catch (Exception e) when (IsTransient(e, ct))
        {
            // The message is already accepted; a failed QUIT must not turn into a second copy.
            logger.LogDebug(e, "SMTP QUIT after {MessageId} failed; the message was already accepted", message.MessageId);
        }
        return reply;
    }

    /// <summary>A 4xx reply, or the connection went away (refused, reset, closed mid-conversation, timed out).</summary>
    private static bool IsTransient(Exception e, CancellationToken ct) => e switch
    {
        // 4xx; a reply outside 4xx and 5xx where MailKit wanted another is a confused server, worth another connection.
        SmtpCommandException command => (int)command.StatusCode is < 500 or >= 600,
        SmtpProtocolException or IOException or SocketException or ServiceNotConnectedException or TimeoutException => true,
        // MailKit's own timeout cancels the operation without the caller having asked.
        OperationCanceledException => !ct.IsCancellationRequested,
        _ => false,
    };

    private static string Reply(SmtpCommandException e) => $"{(int)e.StatusCode} {e.Message}";
}
