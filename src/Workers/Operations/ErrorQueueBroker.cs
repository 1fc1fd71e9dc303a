using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ChuyenDoiSo.Workers.Ingest;
using ChuyenDoiSo.Workers.Wiring;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace ChuyenDoiSo.Workers.Operations;

/// <summary>One message in the error queue, as the operator sees it. Key: the AMQP message_id, else a hash of the body.</summary>
public sealed record ErrorMessage(string Key, string? MessageId, string? TransportUser, string Reason, string? ExceptionType, string? FaultMessage, string? FaultAt, string BodyPreview)
{
    /// <summary>Messages with the same cause share a group: exception type, MassTransit's reason and the fault message.</summary>
    public string GroupKey => ErrorQueueBroker.Hash($"{ExceptionType}\n{Reason}\n{FaultMessage}")[..12];
}

/// <summary>Messages of one cause.</summary>
public sealed record ErrorGroup(string Key, string Reason, string? ExceptionType, string? FaultMessage, IReadOnlyList<ErrorMessage> Messages);

/// <summary>What the error queue holds: the first messages (up to a limit) grouped by cause, and how many there are in all.</summary>
public sealed record ErrorQueueView(long Total, IReadOnlyList<ErrorGroup> Groups, string? Error);

/// <summary>What a re-drive or discard selects: one message by key, or a whole group by cause.</summary>
public sealed record ErrorSelection(string? MessageKey, string? GroupKey)
{
    public bool Matches(ErrorMessage message) =>
        (MessageKey is not null && message.Key == MessageKey) || (GroupKey is not null && message.GroupKey == GroupKey);

    public string Target => MessageKey is not null ? $"message:{MessageKey}" : $"group:{GroupKey}";
}

/// <summary>
/// The hub's error queue on RabbitMQ, through the hub's own connection: look at it, re-drive messages to the input
/// queue, discard them. A message is taken without auto-ack and acknowledged only after its republish is confirmed,
/// so a crash in between leaves a copy in both queues (the inbox stores it once), never in neither.
/// </summary>
public sealed class ErrorQueueBroker(HubOptions options, BrokerIdentity identity, ILogger<ErrorQueueBroker> logger) : IAsyncDisposable
{
    public const string InputQueue = "department-reports";
    public const string ErrorQueue = InputQueue + "_error";
    private const int BrowseLimit = 500;
    private static readonly string[] FaultHeaders = ["MT-Reason", "MT-Host-MachineName", "MT-Fault-Timestamp", "MT-Fault-ExceptionType", "MT-Fault-Message", "MT-Fault-StackTrace"];

    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnection? _connection;

    public bool IsAvailable => string.Equals(options.Transport, "RabbitMq", StringComparison.OrdinalIgnoreCase);

    /// <summary>Ready messages per queue (input and error); a queue not declared yet counts 0.</summary>
    public async Task<IReadOnlyList<(string Queue, long Messages)>> DepthsAsync(CancellationToken cancellationToken)
    {
        var result = new List<(string, long)>();
        await _gate.WaitAsync(cancellationToken);
        try
        {
            foreach (var queue in new[] { InputQueue, ErrorQueue })
            {
                await using var channel = await ChannelAsync(confirms: false, cancellationToken);
                try
                {
                    result.Add((queue, (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount));
                }
                catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
                {
                    result.Add((queue, 0));
                }
            }
        }
        finally
        {
            _gate.Release();
        }
        return result;
    }

    /// <summary>Looks at the first messages without taking them: fetched unacknowledged, then all handed back.</summary>
    public async Task<ErrorQueueView> BrowseAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var channel = await ChannelAsync(confirms: false, cancellationToken);
            var messages = new List<ErrorMessage>();
            ulong last = 0;
            long total = 0;
            while (messages.Count < BrowseLimit && await channel.BasicGetAsync(ErrorQueue, autoAck: false, cancellationToken) is { } got)
            {
                if (messages.Count == 0) total = got.MessageCount + 1;
                messages.Add(Describe(got));
                last = got.DeliveryTag;
            }
            if (last > 0) await channel.BasicNackAsync(last, multiple: true, requeue: true, cancellationToken);
            var groups = messages.GroupBy(m => m.GroupKey, StringComparer.Ordinal)
                .Select(g => new ErrorGroup(g.Key, g.First().Reason, g.First().ExceptionType, g.First().FaultMessage, g.ToList()))
                .OrderByDescending(g => g.Messages.Count)
                .ToList();
            return new ErrorQueueView(total, groups, null);
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return new ErrorQueueView(0, [], null);
        }
        catch (Exception e) when (e is BrokerUnreachableException or OperationInterruptedException or AlreadyClosedException or IOException)
        {
            return new ErrorQueueView(0, [], e.Message);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Moves the selected messages back to the input queue, each acknowledged after the broker confirmed its republish. Returns how many.</summary>
    public Task<int> RedriveAsync(ErrorSelection selection, string @operator, CancellationToken cancellationToken) =>
        TakeAsync(selection, async (channel, got) =>
        {
            var properties = new BasicProperties(got.BasicProperties)
            {
                // The hub's own user: the only user_id RabbitMQ accepts on this connection, and the consumer's sign that the header below is the hub's word.
                UserId = identity.HubUser,
                Headers = Redriven(got.BasicProperties.Headers, @operator),
            };
            await channel.BasicPublishAsync("", InputQueue, mandatory: true, properties, got.Body, cancellationToken);
        }, cancellationToken);

    /// <summary>Drops the selected messages (acknowledged without republishing). Returns how many.</summary>
    public Task<int> DiscardAsync(ErrorSelection selection, CancellationToken cancellationToken) =>
        TakeAsync(selection, (_, _) => Task.CompletedTask, cancellationToken);

    private async Task<int> TakeAsync(ErrorSelection selection, Func<IChannel, BasicGetResult, Task> action, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var channel = await ChannelAsync(confirms: true, cancellationToken);
            uint count;
            try
            {
                count = (await channel.QueueDeclarePassiveAsync(ErrorQueue, cancellationToken)).MessageCount;
            }
            catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
            {
                // Nothing has failed yet: the error queue is declared by the first move.
                return 0;
            }
            var taken = 0;
            ulong lastSkipped = 0;
            for (var i = 0; i < count && await channel.BasicGetAsync(ErrorQueue, autoAck: false, cancellationToken) is { } got; i++)
            {
                if (!selection.Matches(Describe(got)))
                {
                    lastSkipped = got.DeliveryTag;
                    continue;
                }
                await action(channel, got);
                await channel.BasicAckAsync(got.DeliveryTag, multiple: false, cancellationToken);
                taken++;
            }
            // Everything looked at and not taken goes back.
            if (lastSkipped > 0) await channel.BasicNackAsync(lastSkipped, multiple: true, requeue: true, cancellationToken);
            return taken;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static Dictionary<string, object?> Redriven(IDictionary<string, object?>? headers, string @operator)
    {
        var copy = new Dictionary<string, object?>(headers ?? new Dictionary<string, object?>(), StringComparer.Ordinal);
        foreach (var name in FaultHeaders) copy.Remove(name);
        // Without the original sender's validated user, the consumer must not take the hub's user_id for it: an empty
        // header makes the message "no validated user" (rejected as impersonation), never the hub's own.
        if (!copy.ContainsKey(DepartmentErrorQueue.TransportUserHeader)) copy[DepartmentErrorQueue.TransportUserHeader] = "";
        copy["Hub-Redriven-By"] = @operator;
        return copy;
    }

    private static ErrorMessage Describe(BasicGetResult got)
    {
        var p = got.BasicProperties;
        var body = got.Body.ToArray();
        var preview = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 400));
        return new ErrorMessage(
            p.MessageId is { Length: > 0 } id ? id : "sha-" + Hash(body)[..16],
            p.MessageId,
            Header(p, DepartmentErrorQueue.TransportUserHeader) is { Length: > 0 } sender ? sender : null,
            Header(p, "MT-Reason") ?? "unknown",
            Header(p, "MT-Fault-ExceptionType"),
            Header(p, "MT-Fault-Message"),
            Header(p, "MT-Fault-Timestamp"),
            preview);
    }

    private static string? Header(IReadOnlyBasicProperties properties, string name) => (properties.Headers is { } h && h.TryGetValue(name, out var v) ? v : null) switch
    {
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        null => null,
        var other => Convert.ToString(other, CultureInfo.InvariantCulture),
    };

    internal static string Hash(string text) => Hash(Encoding.UTF8.GetBytes(text));

    private static string Hash(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    private async Task<IChannel> ChannelAsync(bool confirms, CancellationToken cancellationToken)
    {
        if (_connection is not { IsOpen: true })
        {
            if (_connection is not null) await _connection.DisposeAsync();
            var factory = new ConnectionFactory
            {
                Uri = new Uri(options.RabbitMq.Uri),
                ClientProvidedName = "chuyendoiso-hub-operations",
                RequestedConnectionTimeout = TimeSpan.FromSeconds(10),
            };
            _connection = await factory.CreateConnectionAsync(cancellationToken);
            logger.LogInformation("Operations connected to the broker as {User}", factory.UserName);
        }
        return await _connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: confirms, publisherConfirmationTrackingEnabled: confirms), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null) await _connection.DisposeAsync();
        _gate.Dispose();
    }
}
