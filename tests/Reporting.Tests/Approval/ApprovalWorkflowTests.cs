using ChuyenDoiSo.Reporting.Approval;
using ChuyenDoiSo.Reporting.Users;

namespace ChuyenDoiSo.Reporting.Tests.Approval;

public sealed class ApprovalWorkflowTests
{
    private const string Plan = "binh-chuong-2026";

    public static TheoryData<string?, ApprovalAction, string?, bool, string> Transitions() => new()
    {
        // state, action, role (of this plan), allowed, state afterwards
        { null, ApprovalAction.CompileDraft, null, true, "draft" },
        { "ready", ApprovalAction.CompileDraft, null, true, "ready" },
        { "approved", ApprovalAction.CompileDraft, null, false, "approved" },
        { "draft", ApprovalAction.ReturnDepartment, "office", true, "draft" },
        { "ready", ApprovalAction.ReturnDepartment, "office", true, "draft" },
        { "draft", ApprovalAction.ReturnDepartment, "signer", false, "draft" },
        { "draft", ApprovalAction.ReturnDepartment, "operator", false, "draft" },
        { "ready", ApprovalAction.EditSection, "office", true, "draft" },
        { "draft", ApprovalAction.EditSection, "signer", false, "draft" },
        { "draft", ApprovalAction.MarkReady, "office", true, "ready" },
        { "ready", ApprovalAction.MarkReady, "office", false, "ready" },
        { "draft", ApprovalAction.MarkReady, "operator", false, "draft" },
        { "draft", ApprovalAction.Approve, "signer", true, "approved" },
        { "ready", ApprovalAction.Approve, "signer", true, "approved" },
        { "ready", ApprovalAction.Approve, "office", false, "ready" },
        { "ready", ApprovalAction.Approve, "operator", false, "ready" },
        { "approved", ApprovalAction.Approve, "signer", false, "approved" },
        { "approved", ApprovalAction.ReturnDepartment, "office", false, "approved" },
        { "approved", ApprovalAction.EditSection, "office", false, "approved" },
        // A replacement: only the office reopens, and only an approved report; it is a draft again.
        { "approved", ApprovalAction.Reopen, "office", true, "draft" },
        { "approved", ApprovalAction.Reopen, "signer", false, "approved" },
        { "approved", ApprovalAction.Reopen, "operator", false, "approved" },
        { "draft", ApprovalAction.Reopen, "office", false, "draft" },
        { "ready", ApprovalAction.Reopen, "office", false, "ready" },
    };

    [Theory]
    [MemberData(nameof(Transitions))]
    public void Decide_followsTheRoleAndStateTable(string? state, ApprovalAction action, string? role, bool allowed, string after)
    {
        var decision = ApprovalWorkflow.Decide(state, action, Plan, role, role is null ? null : Plan);

        Assert.Equal((allowed, after), (decision.Allowed, decision.State));
        if (allowed) Assert.Null(decision.Refusal);
        else Assert.False(string.IsNullOrWhiteSpace(decision.Refusal));
    }

    [Fact]
    public void Decide_refusesTheSignerOfAnotherPlan_namingBothPlans()
    {
        var decision = ApprovalWorkflow.Decide("ready", ApprovalAction.Approve, Plan, UserRoles.Signer, "tinh-thien-2025");

        Assert.False(decision.Allowed);
        Assert.Contains("tinh-thien-2025", decision.Refusal, StringComparison.Ordinal);
        Assert.Contains(Plan, decision.Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_saysAnOperatorIsNotTheSigner()
    {
        var decision = ApprovalWorkflow.Decide("ready", ApprovalAction.Approve, Plan, UserRoles.Operator, Plan);

        Assert.Equal("only the signer may approve and sign; the user is operator", decision.Refusal);
    }

    public static TheoryData<string, string?, bool> Returned() => new()
    {
        // returned at, latest received at, still returned
        { "2026-03-05T02:00:00Z", null, true },
        { "2026-03-05T02:00:00Z", "2026-03-04T09:00:00Z", true },
        { "2026-03-05T02:00:00Z", "2026-03-05T02:00:00Z", true },
        { "2026-03-05T02:00:00Z", "2026-03-05T02:00:01Z", false },
    };

    [Theory]
    [MemberData(nameof(Returned))]
    public void IsStillReturned_untilANewerVersionArrives(string returnedAt, string? receivedAt, bool expected) =>
        Assert.Equal(expected, ApprovalWorkflow.IsStillReturned(DateTimeOffset.Parse(returnedAt, System.Globalization.CultureInfo.InvariantCulture),
            receivedAt is null ? null : DateTimeOffset.Parse(receivedAt, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void IsLate_onlyAfterApproval()
    {
        var approvedAt = new DateTimeOffset(2026, 3, 5, 10, 0, 0, TimeSpan.FromHours(7));

        Assert.False(ApprovalWorkflow.IsLate(null, approvedAt.AddDays(1)));
        Assert.False(ApprovalWorkflow.IsLate(approvedAt, approvedAt));
        Assert.True(ApprovalWorkflow.IsLate(approvedAt, approvedAt.AddSeconds(1)));
    }
}
