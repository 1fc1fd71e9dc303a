using ChuyenDoiSo.Reporting.Approval;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Wiring;
using Microsoft.Extensions.Options;

namespace ChuyenDoiSo.Workers.Approval;

/// <summary>
/// Keeps each kept draft in step with what the departments send: a draft not yet approved whose period received a counted
/// update after it was compiled (a correction after a return, a late department) is compiled again, every
/// Hub:Approval:RefreshSeconds (60). The page shows today's draft anyway; this keeps the stored PDF (the one `drafts`, the
/// reminder's attachment and the review's download give) the same. An approved draft is never touched.
/// </summary>
public sealed class DraftRefresher(PlanRegistry registry, HubDatabase database, ApprovalService approvals, IOptions<HubOptions> options, TimeProvider clock, ILogger<DraftRefresher> logger)
    : BackgroundService
{
    /// <summary>Compiles every stale draft once; returns the plan/period of each one compiled.</summary>
    public IReadOnlyList<string> Refresh()
    {
        IReadOnlyList<ApprovalRow> stale;
        using (var connection = database.Open()) stale = new ApprovalStore(connection).Stale();
        var done = new List<string>();
        foreach (var row in stale)
        {
            if (registry.Current.Find(row.PlanId) is not { RequiresApproval: true } plan || registry.Current.FindPeriod(plan, row.Period) is null) continue;
            try
            {
                if (!approvals.CompileDraft(plan, row.Period)) continue;
                done.Add(ApprovalStore.Target(plan.Id, row.Period));
                logger.LogInformation("Draft of {Plan} {Period} compiled again: a department sent an update after it", plan.Id, row.Period);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "The draft of {Plan} {Period} could not be compiled again; the kept one stays", plan.Id, row.Period);
            }
        }
        return done;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.Approval.RefreshSeconds), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) Refresh();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
