using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ChuyenDoiSo.Reporting.Ingest;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Demo;
using ChuyenDoiSo.Workers.Ingest;
using ChuyenDoiSo.Workers.Wiring;
using MassTransit;
using Microsoft.Data.Sqlite;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace ChuyenDoiSo.Workers.Bench;

/// <summary>
/// Durable ingest through RabbitMQ into SQLite, against two references measured in the same run on the
/// same broker: a bare RabbitMQ.Client consumer that only acknowledges, and bare batched SQLite inserts
/// of the same rows. The hub cannot beat the slower of the two; its share of it is the figure that matters.
/// </summary>
public static class RabbitMqBench
{
    private const string ReferenceQueue = "bench.reference";
    private const string HubQueue = "department-reports";

    public static async Task<int> RunAsync(Func<string, IHost> createHub, HubOptions options, PlanCatalog catalog, int count, CancellationToken cancellationToken)
    {
        var uri = new Uri(options.RabbitMq.Uri);
        var user = Uri.UnescapeDataString(uri.UserInfo.Split(':')[0]);
        var bodies = Bodies(catalog, count);
        var factory = new ConnectionFactory { Uri = uri };
        await using var connection = await factory.CreateConnectionAsync("chuyendoiso-bench", cancellationToken);

        // Reference 1: a consumer that only acknowledges.
        await using (var setup = await connection.CreateChannelAsync(cancellationToken: cancellationToken))
        {
            await setup.QueueDeclareAsync(ReferenceQueue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
            await setup.QueuePurgeAsync(ReferenceQueue, cancellationToken);
        }
        var publishRate = await PublishAsync(connection, "", _ => ReferenceQueue, user, bodies, cancellationToken);
        var consumeRate = await ConsumeOnlyAsync(connection, count, cancellationToken);

        // Not a reference the hub is judged against, but its floor: MassTransit itself with a consumer that does nothing.
        await PublishAsync(connection, "", _ => ReferenceQueue, user, bodies, cancellationToken);
        var (massTransitRate, massTransitCpu) = await MassTransitOnlyAsync(uri, count, options.Ingest.BatchSize, cancellationToken);

        // Reference 2: plain batched SQLite inserts of the same rows.
        var sqliteRate = SqliteInserts(bodies, options.Ingest.BatchSize);

        // The hub: declare its topology once, fill its queue, then time it draining the queue into SQLite.
        var data = Path.Combine(Path.GetTempPath(), $"chuyendoiso-rmqbench-{Guid.NewGuid():N}");
        double hubRate, hubCpu;
        try
        {
            using (var declare = createHub(data))
            {
                await declare.StartAsync(cancellationToken);
                await declare.StopAsync(cancellationToken);
            }
            // Left-overs from an interrupted run would be counted as this run's updates: refuse rather than purge, since
            // a queue with messages may be a real hub's.
            await using (var check = await connection.CreateChannelAsync(cancellationToken: cancellationToken))
            {
                var waiting = (await check.QueueDeclarePassiveAsync(HubQueue, cancellationToken)).MessageCount;
                if (waiting > 0)
                    throw new Cli.UserException($"queue {HubQueue} already holds {waiting:N0} messages; bench needs an empty one (a broker or vhost of its own)");
            }
            await PublishAsync(connection, BrokerIdentity.Exchange, i => $"{bodies[i].PlanId}.{bodies[i].Department}", user, bodies, cancellationToken);
            using var hub = createHub(data);
            var database = hub.Services.GetRequiredService<HubDatabase>();
            var sw = Stopwatch.StartNew();
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            await hub.StartAsync(cancellationToken);
            var stored = await LocalIngest.WaitForReceiptsAsync(database, 0, count, TimeSpan.FromMinutes(10), cancellationToken);
            hubRate = stored / sw.Elapsed.TotalSeconds;
            hubCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMicroseconds / Math.Max(1, stored);
            await hub.StopAsync(cancellationToken);
            using (var db = database.Open())
            {
                var accepted = new IngestQueries(db).OutcomeCounts().FirstOrDefault(c => c.Outcome == "accepted")?.Count ?? 0;
                Console.WriteLine($"hub stored {stored:N0} receipts, {accepted:N0} accepted");
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }

        var slower = Math.Min(consumeRate, sqliteRate);
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; {count:N0} updates, batch {options.Ingest.BatchSize}");
        Console.WriteLine($"publish (RabbitMQ.Client, persistent, confirms):      {publishRate,10:N0} msg/s");
        Console.WriteLine($"reference: RabbitMQ.Client consume + ack only:        {consumeRate,10:N0} msg/s");
        Console.WriteLine($"reference: SQLite batched inserts of the same rows:   {sqliteRate,10:N0} rows/s");
        Console.WriteLine($"floor: MassTransit consume, no-op consumer:           {massTransitRate,10:N0} msg/s ({massTransitCpu:N0} us CPU per message)");
        Console.WriteLine($"hub: RabbitMQ -> validate -> SQLite (durable, acked): {hubRate,10:N0} updates/s = {hubRate / slower:P0} of the slower reference");
        // CPU the hub's process spent per update (the broker's own work not included): what a busy machine still costs.
        Console.WriteLine($"hub CPU per update (this process, all threads):         {hubCpu,10:N0} us");
        return 0;
    }

    private sealed record Body(Guid MessageId, string PlanId, string Department, string Period, byte[] Json);

    private static List<Body> Bodies(PlanCatalog catalog, int count)
    {
        var templates = catalog.Plans.SelectMany(p => DemoData.Generate(catalog, p, 11)).Where(u => u.Kind is "on_time" or "late").Select(u => u.Message).ToList();
        return Enumerable.Range(0, count).Select(i =>
        {
            var m = templates[i % templates.Count] with { MessageId = Guid.NewGuid() };
            return new Body(m.MessageId, m.PlanId, m.Department, m.Period, JsonSerializer.SerializeToUtf8Bytes(m, PlanJson.Options));
        }).ToList();
    }

    private static async Task<double> PublishAsync(IConnection connection, string exchange, Func<int, string> routingKey, string user, List<Body> bodies, CancellationToken cancellationToken)
    {
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        var sw = Stopwatch.StartNew();
        const int inFlight = 1_000;
        for (var start = 0; start < bodies.Count; start += inFlight)
        {
            var tasks = new List<Task>(inFlight);
            for (var i = start; i < Math.Min(start + inFlight, bodies.Count); i++)
            {
                var properties = new BasicProperties
                {
                    UserId = user,
                    MessageId = bodies[i].MessageId.ToString(),
                    ContentType = "application/json",
                    DeliveryMode = DeliveryModes.Persistent,
                };
                tasks.Add(channel.BasicPublishAsync(exchange, routingKey(i), mandatory: false, properties, bodies[i].Json, cancellationToken).AsTask());
            }
            await Task.WhenAll(tasks);
        }
        return bodies.Count / sw.Elapsed.TotalSeconds;
    }

    private static async Task<double> ConsumeOnlyAsync(IConnection connection, int count, CancellationToken cancellationToken)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await channel.BasicQosAsync(0, 500, false, cancellationToken);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = 0;
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            received++;
            if (received % 100 == 0 || received == count) await channel.BasicAckAsync(delivery.DeliveryTag, multiple: true);
            if (received == count) done.TrySetResult();
        };
        var sw = Stopwatch.StartNew();
        var tag = await channel.BasicConsumeAsync(ReferenceQueue, autoAck: false, consumer, cancellationToken);
        await done.Task.WaitAsync(TimeSpan.FromMinutes(5), cancellationToken);
        var rate = count / sw.Elapsed.TotalSeconds;
        await channel.BasicCancelAsync(tag, cancellationToken: cancellationToken);
        return rate;
    }

    private static async Task<(double Rate, double CpuMicroseconds)> MassTransitOnlyAsync(Uri uri, int count, int concurrency, CancellationToken cancellationToken)
    {
        var counter = new NoopCounter(count);
        var services = new ServiceCollection();
        services.AddSingleton(counter);
        services.AddMassTransit(x =>
        {
            x.AddConsumer<NoopConsumer>();
            x.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(uri);
                cfg.ReceiveEndpoint(ReferenceQueue, e =>
                {
                    // The hub's endpoint settings: raw JSON, the same prefetch and concurrency, no topology of its own.
                    e.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType);
                    e.ConfigureConsumeTopology = false;
                    e.PrefetchCount = concurrency * 2;
                    e.ConcurrentMessageLimit = concurrency;
                    e.ConfigureConsumer<NoopConsumer>(context);
                });
            });
        });
        await using var provider = services.BuildServiceProvider();
        var bus = provider.GetRequiredService<IBusControl>();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        await bus.StartAsync(cancellationToken);
        try
        {
            await counter.Done.Task.WaitAsync(TimeSpan.FromMinutes(5), cancellationToken);
            return (count / sw.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMicroseconds / count);
        }
        finally
        {
            await bus.StopAsync(cancellationToken);
        }
    }

    private sealed class NoopCounter(int expected)
    {
        private int _seen;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Seen()
        {
            if (Interlocked.Increment(ref _seen) == expected) Done.TrySetResult();
        }
    }

    private sealed class NoopConsumer(NoopCounter counter) : IConsumer<Contracts.DepartmentReportSubmitted>
    {
        public Task Consume(ConsumeContext<Contracts.DepartmentReportSubmitted> context)
        {
            counter.Seen();
            return Task.CompletedTask;
        }
    }

    private static double SqliteInserts(List<Body> bodies, int batchSize)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"chuyendoiso-sqlbench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            using var connection = new SqliteConnection($"Data Source={Path.Combine(dir, "ref.db")}");
            connection.Open();
            using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; " +
                    "CREATE TABLE rows (id INTEGER PRIMARY KEY, message_id TEXT NOT NULL UNIQUE, plan_id TEXT, department TEXT, period TEXT, received_at TEXT, raw_json TEXT)";
                pragma.ExecuteNonQuery();
            }
            var sw = Stopwatch.StartNew();
            for (var start = 0; start < bodies.Count; start += batchSize)
            {
                using var tx = connection.BeginTransaction();
                using var insert = connection.CreateCommand();
                insert.Transaction = tx;
                insert.CommandText = "INSERT INTO rows (message_id, plan_id, department, period, received_at, raw_json) VALUES ($m, $p, $d, $r, $t, $j)";
                var m = insert.Parameters.Add("$m", SqliteType.Text);
                var p = insert.Parameters.Add("$p", SqliteType.Text);
                var d = insert.Parameters.Add("$d", SqliteType.Text);
                var r = insert.Parameters.Add("$r", SqliteType.Text);
                var t = insert.Parameters.Add("$t", SqliteType.Text);
                var j = insert.Parameters.Add("$j", SqliteType.Text);
                insert.Prepare();
                foreach (var body in bodies.Skip(start).Take(batchSize))
                {
                    m.Value = body.MessageId.ToString();
                    p.Value = body.PlanId;
                    d.Value = body.Department;
                    r.Value = body.Period;
                    t.Value = DateTimeOffset.UtcNow.ToString("O");
                    j.Value = Encoding.UTF8.GetString(body.Json);
                    insert.ExecuteNonQuery();
                }
                tx.Commit();
            }
            return bodies.Count / sw.Elapsed.TotalSeconds;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }
}
