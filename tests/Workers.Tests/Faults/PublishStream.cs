using System.Text.Json;
using ChuyenDoiSo.Workers.Wiring;
using RabbitMQ.Client;

namespace ChuyenDoiSo.Workers.Tests.Faults;

/// <summary>What a publishing department saw: every message it sent either confirmed or failed, never silently lost.</summary>
public sealed record PublishStreamResult(IReadOnlyList<string> Confirmed, IReadOnlyList<string> Failed, IReadOnlyList<string> Errors, int Connections);

/// <summary>
/// A department that keeps publishing updates with confirms until told to finish. When the broker goes away the
/// messages in flight fail loudly (counted, not resent), and it reconnects and carries on with new ones.
/// </summary>
public sealed class PublishStream(ConnectionFactory factory, string user)
{
    /// <summary>Messages in flight before their confirms are awaited.</summary>
    private const int Window = 50;

    /// <summary>How long a confirm may take before the message counts as failed.</summary>
    private static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(30);

    private static readonly CreateChannelOptions ConfirmedChannel = new(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true);

    private readonly List<string> _confirmed = [];
    private readonly List<string> _failed = [];
    private readonly List<string> _errors = [];
    private volatile bool _finishing;
    private int _confirmedCount;
    private int _failedCount;
    private int _connections;

    public int Confirmed => Volatile.Read(ref _confirmedCount);

    public int Failed => Volatile.Read(ref _failedCount);

    public async Task RunAsync()
    {
        while (!_finishing)
        {
            IConnection connection;
            try
            {
                connection = await factory.CreateConnectionAsync();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The broker is down: try again shortly, publishing nothing meanwhile.
                await Task.Delay(200);
                continue;
            }
            Interlocked.Increment(ref _connections);
            await using (connection)
            {
                try
                {
                    await using var channel = await connection.CreateChannelAsync(ConfirmedChannel);
                    while (!_finishing && await PublishWindowAsync(channel))
                    {
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    lock (_errors) _errors.Add($"channel: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
                }
            }
        }
    }

    /// <summary>Stops after the window in flight and returns what was confirmed and what failed.</summary>
    public async Task<PublishStreamResult> FinishAsync(Task running)
    {
        _finishing = true;
        await running;
        return new PublishStreamResult(_confirmed, _failed, _errors, _connections);
    }

    /// <summary>One window of new messages; false when any of them failed, so the caller reconnects.</summary>
    private async Task<bool> PublishWindowAsync(IChannel channel)
    {
        var ids = Enumerable.Range(0, Window).Select(_ => Guid.NewGuid()).ToArray();
        var publishes = new List<Task>(Window);
        foreach (var id in ids)
        {
            var properties = new BasicProperties
            {
                UserId = user,
                MessageId = id.ToString(),
                ContentType = "application/json",
                DeliveryMode = DeliveryModes.Persistent,
            };
            try
            {
                publishes.Add(channel.BasicPublishAsync(BrokerIdentity.Exchange, user, mandatory: true, properties, Body(id)).AsTask());
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                publishes.Add(Task.FromException(e));
            }
        }
        try
        {
            await Task.WhenAll(publishes).WaitAsync(ConfirmTimeout);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            lock (_errors) _errors.Add($"{e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
        }
        var allConfirmed = true;
        for (var i = 0; i < ids.Length; i++)
        {
            if (publishes[i].IsCompletedSuccessfully)
            {
                _confirmed.Add(ids[i].ToString());
                Interlocked.Increment(ref _confirmedCount);
            }
            else
            {
                _failed.Add(ids[i].ToString());
                Interlocked.Increment(ref _failedCount);
                allConfirmed = false;
            }
        }
        return allConfirmed;
    }

    private static byte[] Body(Guid id) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        messageId = id,
        planId = "binh-chuong-2026",
        department = "TTPVHCC",
        period = "2026-Q1",
        submittedBy = "fault tests: broker restart",
        indicators = new[] { new { code = "1", numerator = 85, denominator = 100 } },
    });
}
