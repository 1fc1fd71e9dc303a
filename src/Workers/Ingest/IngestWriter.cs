using System.Threading.Channels;
using ChuyenDoiSo.Reporting.Ingest;

namespace ChuyenDoiSo.Workers.Ingest;

/// <summary>
/// Group commit: consumers hand their update here and wait; one writer stores whatever has gathered (up to a
/// batch) in one SQLite transaction and completes every waiter after the commit, so each message is acknowledged
/// only once it is durable. Unlike a broker-side batch, every delivery reaches the store, duplicates included,
/// and one bad message fails only itself.
/// </summary>
public sealed class IngestWriter(IngestStore store, Wiring.HubOptions options, StorageFaults faults, ILogger<IngestWriter> logger) : IDisposable
{
    private readonly Channel<(PreparedSubmission Item, TaskCompletionSource<IngestResult> Done)> _queue =
        Channel.CreateUnbounded<(PreparedSubmission, TaskCompletionSource<IngestResult>)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _startLock = new();
    private Task? _loop;

    public Task<IngestResult> StoreAsync(IncomingSubmission item, CancellationToken cancellationToken)
    {
        EnsureStarted();
        // Hashing and formatting happen here, on the consumer's thread, not in the one writer's transaction.
        var prepared = IngestStore.Prepare(item);
        var done = new TaskCompletionSource<IngestResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((prepared, done))) throw new InvalidOperationException("the ingest writer has stopped");
        return done.Task.WaitAsync(cancellationToken);
    }

    private void EnsureStarted()
    {
        if (_loop is not null) return;
        lock (_startLock) _loop ??= Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    private async Task RunAsync()
    {
        var limit = Math.Max(1, options.Ingest.BatchSize);
        var batch = new List<(PreparedSubmission Item, TaskCompletionSource<IngestResult> Done)>(limit);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < limit && _queue.Reader.TryRead(out var entry)) batch.Add(entry);
            try
            {
                var results = store.StorePrepared(batch.Select(b => b.Item).ToList());
                for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(results[i]);
            }
            catch (Exception e)
            {
                // A locked or full database: every waiter fails and MassTransit retries each message. One line saying the
                // cause (not a stack trace per batch), and the health check turns red until a batch is stored again.
                var cause = Cause(e);
                faults.Failed(cause);
                if (cause is null) logger.LogWarning(e, "Storing a batch of {Count} updates failed; they will be retried", batch.Count);
                else logger.LogError("Storing a batch of {Count} updates failed; they will be retried: {Cause}", batch.Count, cause);
                foreach (var entry in batch) entry.Done.TrySetException(e);
                continue;
            }
            faults.Stored();
        }
    }

    /// <summary>The one-line cause of a database failure, or null for anything else (a bug, logged with its stack).</summary>
    public static string? Cause(Exception e) => e switch
    {
        Reporting.Storage.HubDatabaseException d => d.Message,
        Microsoft.Data.Sqlite.SqliteException s => Reporting.Storage.HubDatabaseException.Explain("hub.db", s),
        _ => null,
    };

    public void Dispose() => _queue.Writer.TryComplete();
}
