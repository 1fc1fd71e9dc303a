using ChuyenDoiSo.Reporting.Calendar;
using ChuyenDoiSo.Reporting.Deliver;
using ChuyenDoiSo.Reporting.Plans;

namespace ChuyenDoiSo.Reporting.Approval;

/// <summary>
/// Where one report stands with approval, as `schedule`, `deliveries`, `drafts` and the dashboard show it: not required
/// (the plan says approval: none), not drafted yet (its cut-off is ahead), or one of <see cref="ApprovalStates"/>, with who
/// approved it and when.
/// </summary>
public sealed record ApprovalStanding(string State, string? ApprovedBy = null, DateTimeOffset? ApprovedAt = null)
{
    public const string NotRequired = "not_required";
    public const string NotDrafted = "not_drafted";

    /// <summary>Pure: <paramref name="now"/> is an input; <paramref name="row"/> is the stored approval, if any.</summary>
    public static ApprovalStanding For(Plan plan, ReportingPeriod period, ApprovalRow? row, DateTimeOffset now) =>
        For(plan.RequiresApproval, DeliverySchedule.DraftAt(period), row, now);

    /// <summary>The same for any report (a commune's, a higher body's roll-up): whether it needs approval and when its draft is due.</summary>
    public static ApprovalStanding For(bool requiresApproval, DateTimeOffset draftAt, ApprovalRow? row, DateTimeOffset now) =>
        !requiresApproval ? new(NotRequired)
        : row is not null ? new(row.State, row.ApprovedBy, row.ApprovedAt)
        : now < draftAt ? new(NotDrafted)
        // The draft time passed with no draft stored (the hub was down then): a draft all the same, as `drafts` lists it.
        : new(ApprovalStates.Draft);

    /// <summary>The words the CLI's tables print: "not required", "not drafted yet", "draft", "ready", "approved by U at T".</summary>
    public string Text(Func<DateTimeOffset, string> local) => State switch
    {
        NotRequired => "not required",
        NotDrafted => "not drafted yet",
        ApprovalStates.Approved when ApprovedBy is not null && ApprovedAt is { } at => $"approved by {ApprovedBy} {local(at)}",
        var state => state,
    };
}

/// <summary>
/// The approval standings of many reports at once: the plans in force and the stored approvals, read once; on a higher
/// hub, <paramref name="rollup"/>'s body for its own roll-ups.
/// </summary>
public sealed class ApprovalStandings(PlanCatalog catalog, IReadOnlyList<ApprovalRow> rows, DateTimeOffset now, Rollup.RollupSetup? rollup = null)
{
    private readonly Dictionary<(string, string), ApprovalRow> _rows = rows.ToDictionary(r => (r.PlanId, r.Period));

    /// <summary>
    /// A report the plans do not have (a higher body's roll-up, a plan removed) needs no approval; a period no longer in its
    /// plan's calendar shows its stored state, if any.
    /// </summary>
    public ApprovalStanding For(string planId, string period)
    {
        var plan = catalog.Find(planId);
        var row = _rows.GetValueOrDefault((planId, period));
        if (rollup is not null && planId == rollup.Body.Id)
            // A period the body's calendar no longer has is past its draft time.
            return ApprovalStanding.For(rollup.Body.RequiresApproval, rollup.FindPeriod(period) is { } p ? Rollup.RollupSetup.DraftAt(p) : DateTimeOffset.MinValue, row, now);
        if (plan is null || !plan.RequiresApproval) return new(ApprovalStanding.NotRequired);
        return catalog.FindPeriod(plan, period) is { } reportingPeriod
            ? ApprovalStanding.For(plan, reportingPeriod, row, now)
            : row is null ? new(ApprovalStanding.NotRequired) : new(row.State, row.ApprovedBy, row.ApprovedAt);
    }
}
