using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChuyenDoiSo.Workers.Tests.Broker;
using ChuyenDoiSo.Workers.Wiring;
using Dapper;
using Microsoft.Data.Sqlite;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Xunit.Abstractions;
using static ChuyenDoiSo.Workers.Tests.Broker.HubOnBroker;

namespace ChuyenDoiSo.Workers.Tests.Faults;

/// <summary>
/// What the hub promises when things go wrong, against a real RabbitMQ and the hub's program as a real process:
/// a SIGKILL, a broker restart, a duplicate, poison messages, a locked database and impersonation. Each test has a
/// vhost and a data folder of its own (so the hub's queue starts absent, which is more than purged), and ends by
/// counting rows in the hub's SQLite file, opened read-only.
/// </summary>
[Collection("rabbitmq")]
public sealed class FaultTests(RabbitMqBroker broker, ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private const string PlanId = "binh-chuong-2026";
    private const string Secret = "test-secret";
    private const string HubQueue = "department-reports";
    private const string ErrorQueue = HubQueue + "_error";
    private const string SkippedQueue = HubQueue + "_skipped";
    private static readonly string Ttpvhcc = $"{PlanId}.TTPVHCC";
    private static readonly string Vhxh = $"{PlanId}.VHXH";
    private static readonly CreateChannelOptions ConfirmedChannel = new(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true);

    private readonly HubOnBroker _env = new(broker, "fault-", PlanId, Secret);

    public async Task InitializeAsync()
    {
        output.WriteLine($"broker: {broker.Kind} node {broker.NodeName}, AMQP {broker.AmqpPort}, management {broker.ManagementPort}; vhost {_env.Vhost}; data {_env.Folder.Path}");
        await _env.InitializeAsync();
    }

    public async Task DisposeAsync() => await _env.DisposeAsync();

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task Hub_storesEveryUpdateExactlyOnce_whenKilledWithSigkillMidStreamAndRestarted()
    {
        const int total = 5000;
        // The first run only declares the hub's queue, so that the 5,000 wait for the second run as one backlog.
        var first = await StartHubAsync();
        await first.KillAsync();
        var ids = Enumerable.Range(0, total).Select(_ => Guid.NewGuid()).ToList();
        await PublishAsync(Ttpvhcc, ids.Select(id => Message(id, Update(id))));
        Assert.Equal((uint)total, (await QueueAsync(HubQueue))!.Value.Ready);

        var victim = await StartHubAsync();
        var atKill = await EventuallyAsync(() => Count("SELECT COUNT(*) FROM submissions"), n => n >= 1500, TimeSpan.FromSeconds(60), "1,500 submissions before the kill", victim);
        await victim.KillAsync();
        var afterKill = Count("SELECT COUNT(*) FROM submissions");
        // Once the broker has seen the consumer go, everything it had delivered and not had acknowledged is back in the queue.
        var back = (await EventuallyAsync(() => QueueAsync(HubQueue), q => q!.Value.Consumers == 0, TimeSpan.FromSeconds(30), "the broker to notice the dead consumer", victim))!.Value.Ready;
        var storedNotAcknowledged = (int)back - (total - afterKill);
        output.WriteLine($"SIGKILL to hub pid {victim.Id} at {atKill} submissions; {afterKill} stored once it was gone; {back} messages back in the queue, {storedNotAcknowledged} of them already stored");
        Assert.True(afterKill < total, $"the hub had stored all {total} before the kill ({afterKill}): the kill was not in the middle");

        var survivor = await StartHubAsync();
        await EventuallyAsync(() => Count("SELECT COUNT(*) FROM submissions"), n => n >= total, TimeSpan.FromSeconds(120), $"{total} submissions after the restart", survivor);
        var left = await StopHubAsync(survivor);

        Assert.Equal(0u, left);
        Assert.Equal(total, Count("SELECT COUNT(*) FROM submissions"));
        Assert.Equal(total, Count("SELECT COUNT(DISTINCT message_id) FROM submissions"));
        Assert.Equal(ids.Select(id => id.ToString()).Order(StringComparer.Ordinal), Query<string>("SELECT message_id FROM submissions ORDER BY message_id"));
        var receipts = Receipts();
        Assert.Equal(total, receipts.GetValueOrDefault("accepted"));
        Assert.Equal(0, receipts.GetValueOrDefault("rejected") + receipts.GetValueOrDefault("conflict"));
        Assert.Equal(0, Count("SELECT COUNT(*) FROM rejections"));
        // Stored before the kill but not yet acknowledged: redelivered, and each counted once as a duplicate, never stored twice.
        Assert.Equal(storedNotAcknowledged, receipts.GetValueOrDefault("duplicate"));
        Assert.Equal(storedNotAcknowledged, Count("SELECT COUNT(*) FROM receipts WHERE outcome = 'duplicate' AND submission_id IS NOT NULL"));
        output.WriteLine($"receipts: {Describe(receipts)}; redeliveries seen as duplicates: {receipts.GetValueOrDefault("duplicate")}");
    }

    [Fact]
    public async Task Hub_storesEveryConfirmedUpdate_whenBrokerStopsAndStartsMidStream()
    {
        var hub = await StartHubAsync();
        var stream = new PublishStream(broker.Factory(Ttpvhcc, _env.Passwords[Ttpvhcc], _env.Vhost), Ttpvhcc);
        var publishing = Task.Run(stream.RunAsync);

        await EventuallyAsync(() => stream.Confirmed, n => n >= 1000, TimeSpan.FromSeconds(60), "1,000 confirms before the broker stops", hub);
        var clock = Stopwatch.StartNew();
        await broker.StopAppAsync();
        output.WriteLine($"stop_app at {stream.Confirmed} confirms took {clock.Elapsed.TotalSeconds:0.0} s");
        await EventuallyAsync(() => stream.Failed, n => n >= 1, TimeSpan.FromSeconds(30), "the publisher to see the broker go", hub);
        clock.Restart();
        await broker.StartAppAsync();
        var confirmedAtStart = stream.Confirmed;
        output.WriteLine($"start_app took {clock.Elapsed.TotalSeconds:0.0} s; {confirmedAtStart} confirmed, {stream.Failed} failed so far");
        await EventuallyAsync(() => stream.Confirmed, n => n >= confirmedAtStart + 1000, TimeSpan.FromSeconds(90), "1,000 more confirms after the broker came back", hub);
        var result = await stream.FinishAsync(publishing);

        var confirmed = result.Confirmed.ToHashSet(StringComparer.Ordinal);
        // Recovery seen: 5-7 s after start_app in three runs on 2026-11-23; ~100 s in one run of three in the founding
        // session (not reproduced since; MassTransit 8.5.12 retries the connection at 3 s growing to at most 30 s).
        // What this test asserts is that nothing confirmed is lost, so it waits long.
        await EventuallyAsync(() => Query<string>("SELECT message_id FROM submissions").Count(confirmed.Contains), n => n == confirmed.Count, TimeSpan.FromSeconds(300),
            $"all {confirmed.Count} confirmed updates stored (the hub reconnecting by itself)", hub);
        Assert.False(hub.HasExited, $"the hub process exited during the broker restart:\n{hub.Tail(80)}");
        var recovery = clock.Elapsed;
        output.WriteLine($"all confirmed stored {recovery.TotalSeconds:0.0} s after start_app began");
        // A slow recovery is the case worth reading the hub's own account of (its reconnect attempts).
        if (recovery > TimeSpan.FromSeconds(30)) output.WriteLine(hub.Tail(60));
        var left = await StopHubAsync(hub);

        var stored = Query<string>("SELECT message_id FROM submissions").ToHashSet(StringComparer.Ordinal);
        var attempted = result.Confirmed.Concat(result.Failed).ToHashSet(StringComparer.Ordinal);
        var receipts = Receipts();
        output.WriteLine($"published {attempted.Count}: {result.Confirmed.Count} confirmed, {result.Failed.Count} failed loudly ({string.Join(" | ", result.Errors.Distinct().Take(3))}); " +
            $"{result.Connections} publisher connections; stored {stored.Count}, of which {stored.Count - confirmed.Count} were among the failed; {left} left in {HubQueue}; receipts: {Describe(receipts)}");

        Assert.Equal(0u, left);
        // Nothing confirmed is lost; nothing is stored that was not sent.
        Assert.Superset(confirmed, stored);
        Assert.Subset(attempted, stored);
        Assert.Equal(stored.Count, Count("SELECT COUNT(*) FROM submissions"));
        Assert.Equal(stored.Count, receipts.GetValueOrDefault("accepted"));
        // Nothing here is poison: a broker going away is no reason to reject an update.
        var rejected = Query<(string? MessageId, string ReasonsJson)>("SELECT message_id AS MessageId, reasons_json AS ReasonsJson FROM rejections");
        Assert.True(rejected.Count == 0,
            $"{rejected.Count} rejection rows, {rejected.Count(r => r.MessageId is not null && stored.Contains(r.MessageId))} of them for updates also stored; reasons: " +
            string.Join(" | ", rejected.GroupBy(r => r.ReasonsJson, StringComparer.Ordinal).Select(g => $"{g.Count()} × {g.Key}")) + $"; receipts: {Describe(receipts)}");
    }

    [Fact]
    public async Task Hub_storesOneRowAndCountsOneDuplicate_whenBothCopiesArriveInOneBatch()
    {
        var hub = await StartHubAsync();
        // A first update warms the hub up, so that nothing slows the second copy past the batch time limit (20 ms).
        var warmUp = Guid.NewGuid();
        await PublishAsync(Ttpvhcc, [Message(warmUp, Update(warmUp))]);
        await EventuallyAsync(() => Count("SELECT COUNT(*) FROM submissions"), n => n == 1, TimeSpan.FromSeconds(60), "the warm-up update", hub);
        var id = Guid.NewGuid();
        var body = Update(id);

        await PublishAsync(Ttpvhcc, [Message(id, body), Message(id, body)]);
        await EventuallyAsync(() => Count("SELECT COUNT(*) FROM submissions"), n => n >= 2, TimeSpan.FromSeconds(60), "the update stored", hub);
        var left = await StopHubAsync(hub);

        Assert.Equal(0u, left);
        Assert.Equal(1, Count("SELECT COUNT(*) FROM submissions WHERE message_id = @id", new { id = id.ToString() }));
        Assert.Equal(2, Count("SELECT COUNT(*) FROM submissions"));
        Assert.Equal(new Dictionary<string, int> { ["accepted"] = 2, ["duplicate"] = 1 }, Receipts());
        Assert.Equal(0, Count("SELECT COUNT(*) FROM rejections"));
    }

    [Fact]
    public async Task Hub_storesOneRowAndCountsOneDuplicate_whenCopyArrivesAfterTheFirstIsStored()
    {
        var hub = await StartHubAsync();
        var id = Guid.NewGuid();
        var body = Update(id);

        await PublishAsync(Ttpvhcc, [Message(id, body)]);
        await EventuallyAsync(() => Count("SELECT COUNT(*) FROM submissions"), n => n >= 1, TimeSpan.FromSeconds(60), "the first copy stored", hub);
        await PublishAsync(Ttpvhcc, [Message(id, body)]);
        await EventuallyAsync(() => Count("SELECT COUNT(*) FROM receipts"), n => n >= 2, TimeSpan.FromSeconds(60), "a receipt for the second copy", hub);
        var left = await StopHubAsync(hub);

        Assert.Equal(0u, left);
        Assert.Equal(1, Count("SELECT COUNT(*) FROM submissions WHERE message_id = @id", new { id = id.ToString() }));
        Assert.Equal(1, Count("SELECT COUNT(*) FROM submissions"));
        Assert.Equal(new Dictionary<string, int> { ["accepted"] = 1, ["duplicate"] = 1 }, Receipts());
        Assert.Equal(0, Count("SELECT COUNT(*) FROM rejections"));
    }

    [Fact]
    public async Task Hub_movesPoisonToErrorQueueAndKeepsConsuming_whenBodyIsMalformedOrOfAnotherType()
    {
        var hub = await StartHubAsync();
        var malformed = Guid.NewGuid();
        var otherShape = Guid.NewGuid();
        var otherType = Guid.NewGuid();
        var wrongTypes = Guid.NewGuid();
        var valid = Guid.NewGuid();

        await PublishAsync(Ttpvhcc, [Message(malformed, "{not json"u8.ToArray())]);
        await PublishAsync(Ttpvhcc, [Message(otherShape, """{"hello":"world"}"""u8.ToArray())]);
        await PublishAsync(Ttpvhcc, [Message(otherType, Envelope(otherType, "urn:message:Elsewhere.Contracts:SomethingElse"), "application/vnd.masstransit+json")]);
        // JSON that MassTransit's deserialiser cannot turn into the contract (a number for a text, a text for a list).
        await PublishAsync(Ttpvhcc, [Message(wrongTypes, System.Text.Encoding.UTF8.GetBytes($$"""{"messageId":"{{wrongTypes}}","planId":5,"department":"TTPVHCC","period":"2026-Q1","indicators":"x"}"""))]);
        await PublishAsync(Ttpvhcc, [Message(valid, Update(valid))]);

        await EventuallyAsync(() => Count("SELECT COUNT(*) FROM submissions WHERE message_id = @id", new { id = valid.ToString() }), n => n == 1, TimeSpan.FromSeconds(60),
            "the valid update published after the poison", hub, () => PoisonDiagnostics(hub));
        // Not JSON: the error queue. A MassTransit envelope of a type nobody here consumes: the error or the skipped queue.
        await EventuallyAsync(async () => ((await QueueAsync(ErrorQueue))?.Ready ?? 0, (await QueueAsync(SkippedQueue))?.Ready ?? 0),
            q => q.Item1 >= 1 && q.Item1 + q.Item2 >= 2, TimeSpan.FromSeconds(30), $"the malformed body in {ErrorQueue} and the foreign envelope in {ErrorQueue} or {SkippedQueue}", hub,
            () => PoisonDiagnostics(hub));
        var left = await StopHubAsync(hub);

        Assert.Equal(0u, left);
        var moved = await DrainAsync(ErrorQueue, SkippedQueue);
        Assert.Equal(new[] { malformed, otherType, wrongTypes }.Select(id => id.ToString()).Order(StringComparer.Ordinal), moved.Keys.Order(StringComparer.Ordinal));
        output.WriteLine($"wrong types in {moved[wrongTypes.ToString()].Queue}: {string.Join("; ", moved[wrongTypes.ToString()].Headers.Where(h => h.Key != "MT-Fault-StackTrace"))}");
        var (queue, headers) = moved[malformed.ToString()];
        Assert.Equal(ErrorQueue, queue);
        Assert.Equal("fault", headers.GetValueOrDefault("MT-Reason"));
        Assert.False(string.IsNullOrEmpty(headers.GetValueOrDefault("MT-Fault-Message")), string.Join("; ", headers));
        output.WriteLine($"{malformed} (not JSON) in {queue}: MT-Fault-ExceptionType {headers.GetValueOrDefault("MT-Fault-ExceptionType")}, MT-Fault-Message {headers.GetValueOrDefault("MT-Fault-Message")}");
        var (envelopeQueue, envelopeHeaders) = moved[otherType.ToString()];
        Assert.Equal(envelopeQueue == SkippedQueue ? "skip" : "fault", envelopeHeaders.GetValueOrDefault("MT-Reason"));
        output.WriteLine($"{otherType} (envelope of another type) in {envelopeQueue}: MT-Reason {envelopeHeaders.GetValueOrDefault("MT-Reason")}, MT-Fault-Message {envelopeHeaders.GetValueOrDefault("MT-Fault-Message")}");

        Assert.Equal(["malformed_json"], ReasonCodes(malformed));
        // Plain JSON of another shape is read as an update with every field missing: rejected and recorded, not poison.
        Assert.Equal(1, Count("SELECT COUNT(*) FROM rejections WHERE message_id = @id", new { id = otherShape.ToString() }));
        // Named for what is wrong (no plan, department, period), not as impersonation: the body names nobody.
        Assert.Equal(["missing_field"], ReasonCodes(otherShape));
        Assert.Empty(ReasonCodes(valid));
        // Types the contract cannot hold: poison for MassTransit (error queue, for the operator), and a rejection naming each path for the sender.
        Assert.Equal("fault", moved[wrongTypes.ToString()].Headers.GetValueOrDefault("MT-Reason"));
        var wrong = Query<string>("SELECT reasons_json FROM rejections WHERE message_id = @id", new { id = wrongTypes.ToString() }).Single();
        Assert.Contains("\"field\":\"$.planId\"", wrong, StringComparison.Ordinal);
        Assert.Contains("\"field\":\"$.indicators\"", wrong, StringComparison.Ordinal);
        Assert.Equal(["wrong_type"], ReasonCodes(wrongTypes));
        Assert.Equal(["rejected"], Query<string>("SELECT outcome FROM receipts WHERE message_id = @id", new { id = malformed.ToString() }));
        Assert.Equal(["rejected"], Query<string>("SELECT outcome FROM receipts WHERE message_id = @id", new { id = otherShape.ToString() }));
        Assert.Equal(["accepted"], Query<string>("SELECT outcome FROM receipts WHERE message_id = @id", new { id = valid.ToString() }));
        Assert.Equal(1, Count("SELECT COUNT(*) FROM submissions"));
        output.WriteLine($"rejections: {string.Join(" | ", Query<string>("SELECT message_id || ' ' || reasons_json FROM rejections"))}");
    }

    [Fact]
    public async Task Hub_storesEveryUpdate_whenAnotherWriterHoldsTheDatabaseLockForFiveSeconds()
    {
        await StoresEveryUpdateWhileLockedAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Hub_storesEveryUpdate_whenAnotherWriterHoldsTheDatabaseLockLongerThanBusyTimeout()
    {
        // Past busy_timeout (10 s) SQLite gives up; Microsoft.Data.Sqlite retries a busy statement up to its command timeout (30 s)
        // and MassTransit retries a failed batch: whichever catches it, nothing may be lost.
        await StoresEveryUpdateWhileLockedAsync(TimeSpan.FromSeconds(12));
    }

    [Fact]
    public async Task Hub_rejectsAndRecordsImpersonation_whenDepartmentPublishesInAnothersName()
    {
        var hub = await StartHubAsync();
        var lie = Guid.NewGuid();
        var honest = Guid.NewGuid();

        // VHXH's own login, own routing key and own user_id: the broker lets it through; only the body lies.
        await PublishAsync(Vhxh, [Message(lie, Update(lie, department: "TTPVHCC"))]);
        await EventuallyAsync(() => Count("SELECT COUNT(*) FROM rejections"), n => n >= 1, TimeSpan.FromSeconds(60), "the impersonation recorded", hub);
        // What VHXH may send: its own indicator. Stored, it shows the hub consuming on after the rejection.
        await PublishAsync(Vhxh, [Message(honest, Update(honest, department: "VHXH", indicator: "12"))]);
        await EventuallyAsync(() => Count("SELECT COUNT(*) FROM submissions"), n => n >= 1, TimeSpan.FromSeconds(60), "VHXH's own update after the impersonation", hub);
        var left = await StopHubAsync(hub);

        var rejection = Assert.Single(Query<(string MessageId, string TransportUser, string Department, string ReasonsJson)>(
            "SELECT message_id AS MessageId, transport_user AS TransportUser, department AS Department, reasons_json AS ReasonsJson FROM rejections"));
        output.WriteLine($"reasons_json: {rejection.ReasonsJson}");
        Assert.Equal((lie.ToString(), Vhxh, "TTPVHCC"), (rejection.MessageId, rejection.TransportUser, rejection.Department));
        var impersonation = Assert.Single(JsonNode.Parse(rejection.ReasonsJson)!.AsArray(), r => (string?)r!["code"] == "impersonation")!;
        Assert.Equal("$.department", (string?)impersonation["field"]);
        Assert.Contains("TTPVHCC", (string?)impersonation["message"], StringComparison.Ordinal);
        Assert.Equal([honest.ToString()], Query<string>("SELECT message_id FROM submissions"));
        Assert.True(Receipts() is { Count: 2 } r && r.GetValueOrDefault("rejected") == 1 && r.GetValueOrDefault("accepted") == 1,
            $"receipts: {Describe(Receipts())}; expected rejected 1, accepted 1\n{PoisonDiagnostics(hub)}");
        Assert.Equal(0u, left);
    }

    private async Task StoresEveryUpdateWhileLockedAsync(TimeSpan hold)
    {
        const int total = 300;
        var hub = await StartHubAsync();
        var warmUp = Guid.NewGuid();
        await PublishAsync(Ttpvhcc, [Message(warmUp, Update(warmUp))]);
        await EventuallyAsync(() => Count("SELECT COUNT(*) FROM submissions"), n => n == 1, TimeSpan.FromSeconds(60), "the warm-up update", hub);

        var ids = Enumerable.Range(0, total).Select(_ => Guid.NewGuid()).ToList();
        using (var writer = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _env.DatabasePath, Pooling = false }.ToString()))
        {
            writer.Open();
            writer.Execute("PRAGMA busy_timeout = 10000");
            writer.Execute("BEGIN IMMEDIATE");
            var locked = Stopwatch.StartNew();
            await PublishAsync(Ttpvhcc, ids.Select(id => Message(id, Update(id))));
            var remaining = hold - locked.Elapsed;
            // The fault itself: a lock held this long (what is asserted is polled below, with a deadline).
            if (remaining > TimeSpan.Zero) await Task.Delay(remaining);
            Assert.Equal(1, Count("SELECT COUNT(*) FROM submissions"));
            writer.Execute("COMMIT");
            output.WriteLine($"held the write lock for {locked.Elapsed.TotalSeconds:0.0} s while {total} updates arrived");
        }

        await EventuallyAsync(() => Count("SELECT COUNT(*) FROM submissions"), n => n >= total + 1, TimeSpan.FromSeconds(90), $"{total + 1} submissions after the lock", hub);
        var left = await StopHubAsync(hub);

        Assert.Equal(0u, left);
        Assert.Equal(total + 1, Count("SELECT COUNT(*) FROM submissions"));
        Assert.Equal(total + 1, Count("SELECT COUNT(DISTINCT message_id) FROM submissions"));
        var receipts = Receipts();
        Assert.Equal(total + 1, receipts.GetValueOrDefault("accepted"));
        Assert.Equal(0, Count("SELECT COUNT(*) FROM rejections"));
        Assert.Equal(0u, (await QueueAsync(ErrorQueue))?.Ready ?? 0);
        output.WriteLine($"receipts: {Describe(receipts)}; hub log lines naming a locked database: {hub.Find("database is locked").Count}");
    }

    /// <summary>What the hub did with poison: receipts by outcome, and the broker refusing its re-publishes (the first such line).</summary>
    private string PoisonDiagnostics(HubProcess hub)
    {
        var refused = hub.Find("PRECONDITION_FAILED");
        return $"receipts: {Describe(Receipts())}; rejections: {Count("SELECT COUNT(*) FROM rejections")}; " +
            $"hub log lines with PRECONDITION_FAILED: {refused.Count}, first: {refused.First}; lines with \"Moved unprocessable\": {hub.Find("Moved unprocessable").Count}";
    }

    private List<string> ReasonCodes(Guid messageId) =>
        Query<string>("SELECT reasons_json FROM rejections WHERE message_id = @id", new { id = messageId.ToString() })
            .SelectMany(json => JsonNode.Parse(json)!.AsArray().Select(r => (string)r!["code"]!))
            .Distinct(StringComparer.Ordinal)
            .ToList();

    // ---- the hub process ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Waits for the hub's queue to have nothing ready, then SIGTERM and a clean exit: the host stops its consumers, so afterwards
    /// the database is final and every message still in the hub's queue is one it never acknowledged. Returns how many there are.
    /// </summary>
    private async Task<uint> StopHubAsync(HubProcess hub)
    {
        // Nothing left to deliver first: what the hub holds unacknowledged it finishes before it exits.
        await EventuallyAsync(async () => (await QueueAsync(HubQueue))?.Ready ?? 0, n => n == 0, TimeSpan.FromSeconds(60), $"{HubQueue} to be empty before stopping the hub", hub);
        var (exitCode, text) = await RabbitMqBroker.RunAsync("kill", ["-TERM", hub.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10));
        Assert.True(exitCode == 0, $"kill -TERM {hub.Id}: {text}");
        await EventuallyAsync(() => hub.HasExited, exited => exited, TimeSpan.FromSeconds(60), $"hub pid {hub.Id} to stop on SIGTERM", hub);
        return (await QueueAsync(HubQueue))!.Value.Ready;
    }

    // ---- the broker -----------------------------------------------------------------------------------------------

    private sealed record Outgoing(string MessageId, byte[] Body, string ContentType = "application/json");

    private static Outgoing Message(Guid id, byte[] body, string contentType = "application/json") => new(id.ToString(), body, contentType);

    /// <summary>Publishes as a department would: its own login, routing key and user_id, persistent, mandatory, every message confirmed.</summary>
    private async Task PublishAsync(string user, IEnumerable<Outgoing> messages)
    {
        await using var connection = await broker.Factory(user, _env.Passwords[user], _env.Vhost).CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(ConfirmedChannel);
        foreach (var window in messages.Chunk(100))
        {
            var publishes = window.Select(m => channel.BasicPublishAsync(BrokerIdentity.Exchange, user, mandatory: true, Properties(user, m), m.Body).AsTask()).ToList();
            await Task.WhenAll(publishes);
        }
    }

    private static BasicProperties Properties(string user, Outgoing message) => new()
    {
        UserId = user,
        MessageId = message.MessageId,
        ContentType = message.ContentType,
        DeliveryMode = DeliveryModes.Persistent,
    };

    /// <summary>Takes every message from the queues: by AMQP message_id, the queue it was in and its headers as text.</summary>
    private async Task<Dictionary<string, (string Queue, Dictionary<string, string> Headers)>> DrainAsync(params string[] queues)
    {
        var found = new Dictionary<string, (string, Dictionary<string, string>)>(StringComparer.Ordinal);
        foreach (var queue in queues)
        {
            if (await QueueAsync(queue) is null) continue;
            await using var channel = await _env.AdminChannelAsync();
            while (await channel.BasicGetAsync(queue, autoAck: true) is { } got)
            {
                var headers = (got.BasicProperties.Headers ?? new Dictionary<string, object?>()).ToDictionary(h => h.Key, h => HeaderText(h.Value), StringComparer.Ordinal);
                found[got.BasicProperties.MessageId ?? $"(no message_id #{found.Count})"] = (queue, headers);
            }
        }
        return found;
    }

    private static string HeaderText(object? value) => value switch
    {
        null => "null",
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        System.Collections.IEnumerable list and not string => "[" + string.Join(", ", list.Cast<object?>().Select(HeaderText)) + "]",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };

    // ---- messages -------------------------------------------------------------------------------------------------

    /// <summary>A valid plain-JSON update: TTPVHCC leads indicator 1 of binh-chuong-2026, VHXH indicator 12.</summary>
    private static byte[] Update(Guid id, string department = "TTPVHCC", string indicator = "1") => JsonSerializer.SerializeToUtf8Bytes(new
    {
        messageId = id,
        planId = PlanId,
        department,
        period = "2026-Q1",
        submittedBy = "fault tests",
        indicators = new[] { new { code = indicator, numerator = 85, denominator = 100 } },
    });

    /// <summary>A MassTransit envelope whose messageType the hub does not consume.</summary>
    private static byte[] Envelope(Guid id, string messageType) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        messageId = id,
        messageType = new[] { messageType },
        message = new { hello = "world" },
    });

    // ---- the hub, its broker and its database (HubOnBroker) -------------------------------------------------------

    private Task<HubProcess> StartHubAsync() => _env.StartHubAsync(HubQueue);

    private Task<(uint Ready, uint Consumers)?> QueueAsync(string queue) => _env.QueueAsync(queue);

    private int Count(string sql, object? parameters = null) => _env.Count(sql, parameters);

    private List<T> Query<T>(string sql, object? parameters = null) => _env.Query<T>(sql, parameters);

    private Dictionary<string, int> Receipts() =>
        Query<(string Outcome, int Count)>("SELECT outcome AS Outcome, COUNT(*) AS Count FROM receipts GROUP BY outcome").ToDictionary(r => r.Outcome, r => r.Count, StringComparer.Ordinal);

    private static string Describe(Dictionary<string, int> counts) => string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}"));
}
