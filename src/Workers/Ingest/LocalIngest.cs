using System.Globalization;
using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Ingest;
using ChuyenDoiSo.Reporting.Storage;
using MassTransit;

namespace ChuyenDoiSo.Workers.Ingest;

/// <summary>One message's fate as the CLI reports it.</summary>
public sealed record IngestReport(string Source, Guid? MessageId, string Outcome, IReadOnlyList<RejectionReason> Reasons);

/// <summary>
/// Puts updates read from files through the same bus and consumer as the queue's, then waits for the
/// consumer's receipts. Messages whose JSON shape is wrong never make a valid contract, so they are
/// recorded as rejections directly, with the same reasons the broker path gives.
/// </summary>
public sealed class LocalIngest(IBus bus, IngestStore store, HubDatabase database, TimeProvider clock)
{
    public async Task<IReadOnlyList<IngestReport>> SendAsync(IReadOnlyList<(string Source, ReadSubmission Read, DateTimeOffset? ReceivedAt)> items, TimeSpan timeout, CancellationToken cancellationToken)
    {
        long marker;
        using (var connection = database.Open()) marker = new IngestQueries(connection).LastReceiptId();

        var reports = new IngestReport?[items.Count];
        var published = new List<int>();
        for (var i = 0; i < items.Count; i++)
        {
            var (source, read, receivedAt) = items[i];
            if (!read.IsReadable)
            {
                var result = store.Store(new IncomingSubmission(read.Message, read.MessageId, read.Raw, receivedAt ?? clock.GetUtcNow(), null, read.Reasons));
                reports[i] = new IngestReport(source, result.MessageId, Label(result.Outcome), result.Reasons);
                continue;
            }
            published.Add(i);
        }
        using (var connection = database.Open()) marker = Math.Max(marker, new IngestQueries(connection).LastReceiptId());

        await Task.WhenAll(published.Select(i => bus.Publish(items[i].Read.Message!, context =>
        {
            if (items[i].ReceivedAt is { } at) context.Headers.Set(DepartmentReportConsumer.ReceivedAtHeader, at.ToString("O", CultureInfo.InvariantCulture));
            context.Headers.Set(DepartmentReportConsumer.RawJsonHeader, items[i].Read.Raw);
        }, cancellationToken)));

        var receipts = await WaitForReceipts(marker, published.Count, timeout, cancellationToken);
        // Receipts arrive in batch order, not publish order: match them by message id, in order per id.
        var byId = receipts.GroupBy(r => r.MessageId ?? "").ToDictionary(g => g.Key, g => new Queue<ReceiptRow>(g));
        foreach (var i in published)
        {
            var id = items[i].Read.Message!.MessageId.ToString();
            if (byId.TryGetValue(id, out var queue) && queue.TryDequeue(out var receipt))
            {
                var reasons = receipt.ReasonsJson is null ? [] : System.Text.Json.JsonSerializer.Deserialize<RejectionReason[]>(receipt.ReasonsJson, Reporting.Plans.PlanJson.Options) ?? [];
                reports[i] = new IngestReport(items[i].Source, items[i].Read.Message!.MessageId, receipt.Outcome, reasons);
            }
            else
            {
                reports[i] = new IngestReport(items[i].Source, items[i].Read.Message!.MessageId, "unconfirmed", [new RejectionReason("timeout", "$", $"no receipt within {timeout.TotalSeconds:0} s")]);
            }
        }
        return reports.Select(r => r!).ToList();
    }

    private async Task<IReadOnlyList<ReceiptRow>> WaitForReceipts(long marker, int expected, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await WaitForReceiptsAsync(database, marker, expected, timeout, cancellationToken);
        using var connection = database.Open();
        return new IngestQueries(connection).ReceiptsAfter(marker);
    }

    /// <summary>Polls until the consumer has written <paramref name="expected"/> receipts after <paramref name="marker"/>, or the time is up; returns how many it saw.</summary>
    public static Task<long> WaitForReceiptsAsync(HubDatabase database, long marker, long expected, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitForCountAsync(() =>
        {
            using var connection = database.Open();
            return new IngestQueries(connection).CountReceiptsAfter(marker);
        }, expected, timeout, cancellationToken);

    /// <summary>Polls a count until it reaches <paramref name="expected"/> or the time is up; returns the last count seen.</summary>
    public static async Task<long> WaitForCountAsync(Func<long> count, long expected, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var seen = count();
            if (seen >= expected || DateTime.UtcNow > deadline) return seen;
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }
    }

    public static string Label(IngestOutcome outcome) => outcome.ToString().ToLowerInvariant();
}
