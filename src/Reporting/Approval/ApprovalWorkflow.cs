using System.Diagnostics;
using ChuyenDoiSo.Reporting.Users;

namespace ChuyenDoiSo.Reporting.Approval;

/// <summary>
/// The states of a report that needs approval (phê duyệt), per plan and period: the draft (dự thảo) the hub compiles at the
/// cut-off, ready for signing once the office says so, approved by the signer. Approved is final: the period is locked.
/// </summary>
public static class ApprovalStates
{
    public const string Draft = "draft";
    public const string Ready = "ready";
    public const string Approved = "approved";
    public static readonly IReadOnlyList<string> All = [Draft, Ready, Approved];
}

/// <summary>What someone asks to do to a report under review.</summary>
public enum ApprovalAction
{
    /// <summary>The hub compiles (or recompiles) the draft: at the cut-off, and when a department sends a correction.</summary>
    CompileDraft,
    /// <summary>The office sends one department's update back with a comment (trả lại).</summary>
    ReturnDepartment,
    /// <summary>The office edits one of the commune's own sections.</summary>
    EditSection,
    /// <summary>The office marks the draft ready for signing (trình ký).</summary>
    MarkReady,
    /// <summary>The signer approves and signs (phê duyệt, ký số).</summary>
    Approve,
    /// <summary>
    /// The office reopens an approved report to replace it (late updates, an error found): back to draft; the signer's next
    /// approval issues a replacement under a new number naming the old one.
    /// </summary>
    Reopen,
}

/// <summary>The outcome of asking: allowed (and the state afterwards), or refused with a sentence saying why.</summary>
public sealed record ApprovalDecision(bool Allowed, string State, string? Refusal)
{
    public static ApprovalDecision Allow(string state) => new(true, state, null);
    public static ApprovalDecision Refuse(string state, string why) => new(false, state, why);
}

/// <summary>The sections of the report the office writes for the commune (not a department's narrative).</summary>
public static class ApprovalSections
{
    public const string Results = "results";
    public const string Difficulties = "difficulties";
    public const string Proposals = "proposals";
    public const string NextTasks = "next_tasks";
    public static readonly IReadOnlyList<string> All = [Results, Difficulties, Proposals, NextTasks];

    /// <summary>At most this many characters, as a department's narrative section.</summary>
    public const int MaxLength = 8000;
}

/// <summary>
/// Who may do what to a report under review, and the state it leaves: pure, no clock, no database. An operator cannot
/// approve, an office cannot sign, a signer does not edit the office's work; nothing changes after approval.
/// </summary>
public static class ApprovalWorkflow
{
    /// <param name="state">The current state; null: no draft compiled yet.</param>
    /// <param name="role">The acting user's role (<see cref="UserRoles"/>); null for the hub itself (CompileDraft).</param>
    /// <param name="userPlanId">The plan the acting user belongs to; null for the hub itself.</param>
    public static ApprovalDecision Decide(string? state, ApprovalAction action, string planId, string? role, string? userPlanId)
    {
        var current = state ?? ApprovalStates.Draft;
        if (action != ApprovalAction.CompileDraft && !string.Equals(userPlanId, planId, StringComparison.Ordinal))
            return ApprovalDecision.Refuse(current, $"the user acts for plan {userPlanId ?? "(none)"}, not for {planId}");
        if (action == ApprovalAction.Reopen)
            return role != UserRoles.Office
                ? ApprovalDecision.Refuse(current, $"only the office may reopen an approved report for a replacement; the user is {RoleName(role)}")
                : current != ApprovalStates.Approved ? ApprovalDecision.Refuse(current, "the report is not approved: it is still open for review, there is nothing to replace")
                : ApprovalDecision.Allow(ApprovalStates.Draft);
        if (current == ApprovalStates.Approved)
            return ApprovalDecision.Refuse(current, action == ApprovalAction.Approve
                ? "the report is approved already"
                : "the report is approved and the period locked; a correction is a replacement report: the office reopens it (review --reopen) and the signer approves the replacement");
        return action switch
        {
            ApprovalAction.CompileDraft => ApprovalDecision.Allow(current),
            ApprovalAction.ReturnDepartment or ApprovalAction.EditSection => role == UserRoles.Office
                // A draft changed after it was marked ready goes back to the office's desk.
                ? ApprovalDecision.Allow(ApprovalStates.Draft)
                : ApprovalDecision.Refuse(current, $"only the office may {(action == ApprovalAction.EditSection ? "edit the commune's sections" : "send a department's update back")}; the user is {RoleName(role)}"),
            ApprovalAction.MarkReady => role != UserRoles.Office
                ? ApprovalDecision.Refuse(current, $"only the office may mark the draft ready for signing; the user is {RoleName(role)}")
                : current == ApprovalStates.Ready ? ApprovalDecision.Refuse(current, "the draft is marked ready already")
                : ApprovalDecision.Allow(ApprovalStates.Ready),
            ApprovalAction.Reopen => throw new UnreachableException(),
            ApprovalAction.Approve => role == UserRoles.Signer
                ? ApprovalDecision.Allow(ApprovalStates.Approved)
                : ApprovalDecision.Refuse(current, $"only the signer may approve and sign; the user is {RoleName(role)}"),
            _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
        };
    }

    /// <summary>
    /// Whether a department sent back is still "returned": until it sends a version received after it was sent back.
    /// Instants are compared as given.
    /// </summary>
    public static bool IsStillReturned(DateTimeOffset returnedAt, DateTimeOffset? latestReceivedAt) =>
        latestReceivedAt is not { } received || received <= returnedAt;

    /// <summary>A late update: one the hub received after the report was approved (stored, marked, never silently in the issued document).</summary>
    public static bool IsLate(DateTimeOffset? approvedAt, DateTimeOffset receivedAt) => approvedAt is { } at && receivedAt > at;

    private static string RoleName(string? role) => role is null ? "no user" : $"{role}";
}
