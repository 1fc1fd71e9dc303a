using System.Net;
using System.Net.Sockets;
using System.Text;
using MimeKit;

namespace ChuyenDoiSo.Workers.Tests.Smtp;

/// <summary>
/// What the sink does on one connection. A null reply is the ordinary positive one; a reply starting with 421 closes the
/// connection after it is sent, as RFC 5321 says a server closing the channel does.
/// </summary>
public sealed record SmtpSinkScript
{
    /// <summary>Instead of "220 …"; "421 4.3.2 …" refuses the connection.</summary>
    public string? Greeting { get; init; }
    public string? MailFromReply { get; init; }
    public string? RcptToReply { get; init; }
    /// <summary>The reply after the terminating dot of DATA, i.e. whether the message is taken.</summary>
    public string? DataEndReply { get; init; }
    /// <summary>Close the connection when DATA arrives, before the 354.</summary>
    public bool DropBeforeData { get; init; }
    /// <summary>Read the whole message, then close the connection without replying to it.</summary>
    public bool DropAfterData { get; init; }

    public static SmtpSinkScript Accept { get; } = new();
}

/// <summary>One message body the sink read to its terminating dot, whether or not it then accepted it.</summary>
/// <param name="Connection">1 for the first connection the sink accepted, and so on.</param>
/// <param name="Accepted">The sink answered 2xx to the end of DATA.</param>
public sealed record SmtpSinkMessage(int Connection, string MailFrom, IReadOnlyList<string> Recipients, byte[] Data, bool Accepted)
{
    /// <summary>The message as it went over the wire, dots unstuffed.</summary>
    public string Raw => Encoding.UTF8.GetString(Data);

    public MimeMessage Parse()
    {
        using var stream = new MemoryStream(Data);
        return MimeMessage.Load(stream);
    }
}

/// <summary>
/// A real SMTP server on 127.0.0.1 and a free port, for tests: greeting, EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT.
/// Each connection follows the next script given to <see cref="Start"/>; once they are used up, connections are served
/// normally. Every message body read is recorded, with whether it was accepted, and so is the conversation.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private const string Name = "sink.test";
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Queue<SmtpSinkScript> _scripts;
    private readonly List<Task> _sessions = [];
    private readonly List<SmtpSinkMessage> _messages = [];
    private readonly List<string> _transcript = [];
    private readonly Task _acceptLoop;
    private int _connections;

    private SmtpSink(IEnumerable<SmtpSinkScript> scripts)
    {
        _scripts = new Queue<SmtpSinkScript>(scripts);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptAsync(_stop.Token);
    }

    /// <summary>Starts listening; the n-th connection follows the n-th script, later ones are served normally.</summary>
    public static SmtpSink Start(params SmtpSinkScript[] scripts) => new(scripts);

    public string Host => "127.0.0.1";
    public int Port { get; }
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Every message read to its end, in order, accepted or not.</summary>
    public IReadOnlyList<SmtpSinkMessage> Received
    {
        get { lock (_messages) return [.. _messages]; }
    }

    public IReadOnlyList<SmtpSinkMessage> Accepted => [.. Received.Where(m => m.Accepted)];

    /// <summary>The conversations, one line per command or reply ("3 C: MAIL FROM:&lt;…&gt;", "3 S: 250 …"), message bodies left out.</summary>
    public string Transcript
    {
        get { lock (_transcript) return string.Join('\n', _transcript); }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        Task[] sessions;
        lock (_sessions) sessions = [.. _sessions];
        await Task.WhenAll(sessions);
        _listener.Dispose();
        _stop.Dispose();
    }

    private async Task AcceptAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient tcp;
            try
            {
                tcp = await _listener.AcceptTcpClientAsync(ct);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            var number = Interlocked.Increment(ref _connections);
            SmtpSinkScript script;
            lock (_scripts) script = _scripts.TryDequeue(out var next) ? next : SmtpSinkScript.Accept;
            lock (_sessions) _sessions.Add(Task.Run(() => ServeAsync(tcp, number, script, ct), CancellationToken.None));
        }
    }

    private async Task ServeAsync(TcpClient tcp, int number, SmtpSinkScript script, CancellationToken ct)
    {
        using var _ = tcp;
        var stream = tcp.GetStream();
        var reader = new LineReader(stream);
        try
        {
            var greeting = script.Greeting ?? $"220 {Name} ESMTP ChuyenDoiSo test sink";
            if (!await ReplyAsync(greeting)) return;
            var refused = !greeting.StartsWith('2');
            string? from = null;
            var recipients = new List<string>();
            while (await reader.ReadLineAsync(ct) is { } bytes)
            {
                var line = Encoding.UTF8.GetString(bytes);
                Log($"C: {line}");
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                var verb = (space < 0 ? line : line[..space]).ToUpperInvariant();
                var argument = space < 0 ? "" : line[(space + 1)..];
                string reply;
                if (verb == "QUIT")
                {
                    await ReplyAsync($"221 2.0.0 {Name} closing connection");
                    return;
                }
                else if (refused)
                {
                    // RFC 5321 3.1: after a 554 greeting the server answers everything but QUIT with 503.
                    reply = "503 5.5.1 No SMTP service here";
                }
                else switch (verb)
                {
                    case "EHLO":
                        from = null;
                        recipients.Clear();
                        reply = $"250-{Name} greets {argument}\r\n250-SIZE 10485760\r\n250 HELP";
                        break;
                    case "HELO":
                        from = null;
                        recipients.Clear();
                        reply = $"250 {Name}";
                        break;
                    case "MAIL":
                        reply = script.MailFromReply ?? "250 2.1.0 Ok";
                        if (reply.StartsWith('2'))
                        {
                            from = Address(argument);
                            recipients.Clear();
                        }
                        break;
                    case "RCPT" when from is null:
                        reply = "503 5.5.1 Error: need MAIL command";
                        break;
                    case "RCPT":
                        reply = script.RcptToReply ?? "250 2.1.5 Ok";
                        if (reply.StartsWith('2')) recipients.Add(Address(argument));
                        break;
                    case "DATA" when script.DropBeforeData:
                        Log("-- dropped the connection before DATA");
                        return;
                    case "DATA" when from is null || recipients.Count == 0:
                        reply = "503 5.5.1 Error: need RCPT command";
                        break;
                    case "DATA":
                        if (!await ReplyAsync("354 End data with <CR><LF>.<CR><LF>")) return;
                        var data = await ReadDataAsync(reader, ct);
                        if (data is null) return;
                        if (script.DropAfterData)
                        {
                            Record(new SmtpSinkMessage(number, from, [.. recipients], data, Accepted: false));
                            Log($"-- read {data.Length} bytes, dropped the connection before replying");
                            return;
                        }
                        reply = script.DataEndReply ?? $"250 2.0.0 Ok: queued as {number}";
                        Record(new SmtpSinkMessage(number, from, [.. recipients], data, Accepted: reply.StartsWith('2')));
                        Log($"-- read {data.Length} bytes");
                        from = null;
                        recipients.Clear();
                        break;
                    case "RSET":
                        from = null;
                        recipients.Clear();
                        reply = "250 2.0.0 Ok";
                        break;
                    case "NOOP":
                        reply = "250 2.0.0 Ok";
                        break;
                    default:
                        reply = "502 5.5.2 Error: command not recognized";
                        break;
                }
                if (!await ReplyAsync(reply)) return;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away, or the sink is stopping: either ends the conversation.
        }

        async Task<bool> ReplyAsync(string reply)
        {
            foreach (var line in reply.Split("\r\n")) Log($"S: {line}");
            await stream.WriteAsync(Encoding.UTF8.GetBytes(reply + "\r\n"), ct);
            // 421: the server is closing the transmission channel.
            return !reply.StartsWith("421", StringComparison.Ordinal);
        }

        void Log(string line)
        {
            lock (_transcript) _transcript.Add($"{number} {line}");
        }
    }

    /// <summary>The lines up to a lone ".", each with CRLF, a leading dot unstuffed; null when the connection ends first.</summary>
    private static async Task<byte[]?> ReadDataAsync(LineReader reader, CancellationToken ct)
    {
        using var data = new MemoryStream();
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line is [(byte)'.']) return data.ToArray();
            var start = line is [(byte)'.', ..] ? 1 : 0;
            data.Write(line, start, line.Length - start);
            data.Write("\r\n"u8);
        }
        return null;
    }

    private void Record(SmtpSinkMessage message)
    {
        lock (_messages) _messages.Add(message);
    }

    /// <summary>"FROM:&lt;a@b&gt; SIZE=123" → "a@b".</summary>
    private static string Address(string argument)
    {
        var open = argument.IndexOf('<', StringComparison.Ordinal);
        var close = argument.IndexOf('>', StringComparison.Ordinal);
        return open >= 0 && close > open ? argument[(open + 1)..close] : argument;
    }

    /// <summary>Reads CRLF-terminated lines (a bare LF is accepted) as bytes, so a message body reaches the record unchanged.</summary>
    private sealed class LineReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[8192];
        private int _start;
        private int _end;

        public async Task<byte[]?> ReadLineAsync(CancellationToken ct)
        {
            using var line = new MemoryStream();
            while (true)
            {
                if (_start == _end)
                {
                    _start = 0;
                    _end = await stream.ReadAsync(_buffer, ct);
                    if (_end == 0) return null;
                }
                var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (newline < 0)
                {
                    line.Write(_buffer, _start, _end - _start);
                    _start = _end;
                    continue;
                }
                line.Write(_buffer, _start, newline - _start);
                _start = newline + 1;
                var bytes = line.ToArray();
                return bytes is [.., (byte)'\r'] ? bytes[..^1] : bytes;
            }
        }
    }
}
