using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using ChuyenDoiSo.Workers.Cli;
using ChuyenDoiSo.Workers.Wiring;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace ChuyenDoiSo.Workers.Broker;

/// <summary>One message as it goes on the wire: the JSON body (compact UTF-8) and the AMQP message_id.</summary>
public sealed record OutgoingMessage(string Source, string MessageId, ReadOnlyMemory<byte> Body);

/// <summary>
/// What a department runs to send its updates: plain JSON, published to the hub's exchange with its own routing key and
/// user_id (RabbitMQ refuses a user_id that is not the connection's user), persistent, each one confirmed by the broker.
/// </summary>
public static class DepartmentPublisher
{
    /// <summary>Messages in flight before waiting for their confirms: keeps a file of thousands fast without flooding the broker.</summary>
    private const int Window = 100;

    private static readonly JsonWriterOptions Compact = new() { Indented = false, Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    /// <summary>
    /// One JSON object or an array of them, read by the hub's own reader (<see cref="Reporting.Ingest.SubmissionReader"/>):
    /// a message the hub would refuse for its shape is not sent but returned in <paramref name="refused"/> with its reasons,
    /// and the others go as written. Its messageId becomes the AMQP message_id.
    /// </summary>
    public static IReadOnlyList<OutgoingMessage> ReadFile(string path, out IReadOnlyList<(string Source, IReadOnlyList<Contracts.RejectionReason> Reasons)> refused)
    {
        if (!File.Exists(path)) throw new UserException($"--file {path}: no such file");
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserException($"--file {path}: cannot read it ({e.Message.ReplaceLineEndings(" ")})");
        }
        var read = Reporting.Ingest.SubmissionReader.ReadMany(bytes);
        var many = read.Count > 1 || (bytes.AsSpan().TrimStart(" \t\r\n\uFEFF"u8).StartsWith("["u8));
        var messages = new List<OutgoingMessage>(read.Count);
        var bad = new List<(string, IReadOnlyList<Contracts.RejectionReason>)>();
        for (var i = 0; i < read.Count; i++)
        {
            var source = many ? $"{path}[{i}]" : path;
            if (read[i].IsReadable) messages.Add(new OutgoingMessage(source, read[i].MessageId!.Value.ToString("D"), System.Text.Encoding.UTF8.GetBytes(read[i].Raw)));
            else bad.Add((source, read[i].Reasons));
        }
        refused = bad;
        return messages;
    }

    /// <summary>
    /// Publishes every message as <paramref name="user"/> and returns when the broker has confirmed all of them.
    /// Throws <see cref="BrokerUnavailableException"/> saying why otherwise: "cannot connect", "access refused" or "not confirmed".
    /// <paramref name="confirmed"/> is told about each confirmed message, in order.
    /// </summary>
    public static async Task PublishAsync(Uri endpoint, string user, string password, IReadOnlyList<OutgoingMessage> messages,
        Action<OutgoingMessage> confirmed, TimeSpan confirmTimeout, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            Uri = endpoint,
            // A command that runs once: fail and say why, rather than recover in the background.
            AutomaticRecoveryEnabled = false,
            TopologyRecoveryEnabled = false,
            RequestedConnectionTimeout = TimeSpan.FromSeconds(10),
            ClientProvidedName = $"chuyendoiso publish ({user})",
        };
        factory.UserName = user;
        factory.Password = password;
        var port = endpoint.Port > 0 ? endpoint.Port : endpoint.Scheme == "amqps" ? 5671 : 5672;
        var where = $"{endpoint.Scheme}://{endpoint.Host}:{port}/{BrokerSettings.VhostOf(endpoint)}";

        IConnection connection;
        try
        {
            connection = await factory.CreateConnectionAsync(cancellationToken);
        }
        catch (Exception e) when (e is BrokerUnreachableException or OperationInterruptedException or AuthenticationFailureException or IOException or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw Classify(e, $"to {where} as {user}");
        }

        await using (connection)
        {
            string? closedBecause = null;
            IChannel channel;
            try
            {
                channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
            }
            catch (Exception e) when (e is OperationInterruptedException or AlreadyClosedException)
            {
                throw Classify(e, $"to {where} as {user}");
            }
            await using (channel)
            {
                channel.ChannelShutdownAsync += (_, args) =>
                {
                    closedBecause = Describe(args);
                    return Task.CompletedTask;
                };
                var done = 0;
                foreach (var chunk in messages.Chunk(Window))
                {
                    var publishes = new List<Task>(chunk.Length);
                    Exception? failure = null;
                    foreach (var message in chunk)
                    {
                        var properties = new BasicProperties
                        {
                            // RabbitMQ checks user_id against the connection's user: the hub trusts the department this names.
                            UserId = user,
                            MessageId = message.MessageId,
                            ContentType = "application/json",
                            DeliveryMode = DeliveryModes.Persistent,
                        };
                        try
                        {
                            // mandatory: a message no queue takes is returned, not silently dropped and still confirmed.
                            publishes.Add(channel.BasicPublishAsync(BrokerIdentity.Exchange, user, mandatory: true, properties, message.Body, cancellationToken).AsTask());
                        }
                        catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or PublishException)
                        {
                            failure = e;
                            break;
                        }
                    }
                    try
                    {
                        await Task.WhenAll(publishes).WaitAsync(confirmTimeout, cancellationToken);
                    }
                    catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or PublishException or TimeoutException)
                    {
                        failure ??= e;
                    }
                    var ok = 0;
                    while (ok < publishes.Count && publishes[ok].IsCompletedSuccessfully) confirmed(chunk[ok++]);
                    done += ok;
                    if (ok < chunk.Length)
                        throw Failure(failure, closedBecause, chunk[ok], done, messages.Count, user, confirmTimeout);
                }
            }
        }
    }

    private static BrokerUnavailableException Failure(Exception? failure, string? closedBecause, OutgoingMessage first, int done, int total, string user, TimeSpan timeout)
    {
        var progress = $"{done} of {total} confirmed; first unconfirmed {first.MessageId} ({first.Source})";
        if (failure is PublishException { IsReturn: true })
            return new BrokerUnavailableException($"not confirmed: the broker returned the message as unroutable: no queue is bound to {BrokerIdentity.Exchange} for routing key {user} (is the hub's queue declared?); {progress}");
        if (failure is PublishException)
            return new BrokerUnavailableException($"not confirmed: the broker refused (nack) the message; {progress}");
        var reason = closedBecause ?? (failure is OperationInterruptedException { ShutdownReason: { } r } ? Describe(r) : null);
        if (reason is not null && (reason.Contains("ACCESS_REFUSED", StringComparison.Ordinal) || reason.StartsWith("403", StringComparison.Ordinal)))
            return new BrokerUnavailableException($"access refused: {reason}; {progress}");
        if (reason is not null)
            return new BrokerUnavailableException($"not confirmed: the broker closed the channel: {reason}; {progress}");
        if (failure is TimeoutException)
            return new BrokerUnavailableException($"not confirmed: no confirm within {timeout.TotalSeconds:0} s; {progress}");
        return new BrokerUnavailableException($"not confirmed: {failure?.Message.ReplaceLineEndings(" ") ?? "unknown reason"}; {progress}");
    }

    /// <summary>Connection failures: a wrong password or a vhost without permission is "access refused"; everything else "cannot connect".</summary>
    private static BrokerUnavailableException Classify(Exception e, string target)
    {
        foreach (var inner in Chain(e))
        {
            switch (inner)
            {
                case AuthenticationFailureException or PossibleAuthenticationFailureException:
                    return new BrokerUnavailableException($"access refused {target}: wrong user name or password ({OneLine(inner.Message)})");
                case OperationInterruptedException { ShutdownReason: { } reason } when reason.ReplyCode is 403 or 530:
                    return new BrokerUnavailableException($"access refused {target}: {Describe(reason)}");
            }
        }
        var root = Chain(e).Last();
        return new BrokerUnavailableException($"cannot connect {target}: {OneLine(root.Message)}");
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        var pending = new Queue<Exception>([e]);
        while (pending.TryDequeue(out var current))
        {
            yield return current;
            if (current is AggregateException aggregate)
                foreach (var inner in aggregate.InnerExceptions) pending.Enqueue(inner);
            else if (current.InnerException is { } inner)
                pending.Enqueue(inner);
        }
    }

    private static string Describe(ShutdownEventArgs args) => $"{args.ReplyCode} {args.ReplyText}";

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
