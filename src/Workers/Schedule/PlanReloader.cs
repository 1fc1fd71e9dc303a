using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Workers.Wiring;

namespace ChuyenDoiSo.Workers.Schedule;

/// <summary>
/// Picks up plans added, changed or removed in the plans folder while the hub runs: every Hub:Plans:PollSeconds it
/// compares the files' hashes, validates what changed (a broken file is logged with every problem and the previous
/// version keeps working), records each change and version (schema 0010), then syncs the schedule.
/// </summary>
public sealed class PlanReloader(
    PlanRegistry registry,
    PlanVersionStore versions,
    ScheduleSync schedule,
    HubOptions options,
    TimeProvider clock,
    ILogger<PlanReloader> logger) : BackgroundService
{
    // One look at a time: the timer and an import (or a test) must not both take the same change and record it twice.
    private readonly SemaphoreSlim _gate = new(1, 1);

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    // The versions the hub starts with are recorded before start-up goes on (since .NET 10 ExecuteAsync runs on the
    // thread pool, after StartAsync has returned), so no edit or report can come before them.
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        versions.RecordCurrent(registry, clock.GetUtcNow());
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, options.Plans.PollSeconds)), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await ReloadOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Looking at the plans folder {Folder} failed; the plans in force are unchanged", registry.Folder);
            }
        }
    }

    /// <summary>One look at the folder; returns what changed.</summary>
    public async Task<IReadOnlyList<PlanChange>> ReloadOnceAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await ReloadLockedAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<IReadOnlyList<PlanChange>> ReloadLockedAsync(CancellationToken cancellationToken)
    {
        var changes = registry.Reload();
        var now = clock.GetUtcNow();
        foreach (var change in changes)
        {
            versions.Record(change, now);
            if (change.Change == PlanChange.Rejected)
                logger.LogError("Plan file {File} rejected, the previous version of {Plan} keeps working: {Problems}",
                    change.File, change.PlanId ?? "(none)", string.Join(" | ", change.Problems.Select(p => p.ToString())));
            else
                logger.LogInformation("Plan {Plan} {Change} from {File} (sha256 {Hash})", change.PlanId, change.Change, change.File, change.Hash);
        }
        if (changes.Any(c => c.Change != PlanChange.Rejected))
            await schedule.SyncAsync(schedule.FirstStart(), cancellationToken);
        return changes;
    }
}
