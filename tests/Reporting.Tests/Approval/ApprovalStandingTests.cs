using System.Globalization;
using ChuyenDoiSo.Reporting.Approval;
using ChuyenDoiSo.Reporting.Plans;

namespace ChuyenDoiSo.Reporting.Tests.Approval;

/// <summary>Where a report stands with approval, as `schedule`, `deliveries` and the dashboard show it, at given instants.</summary>
public sealed class ApprovalStandingTests
{
    private static readonly PlanCatalog Seeds = PlanCatalog.LoadFolder(TestPaths.Seeds);
    private static readonly Plan Unattended = Seeds.Find("binh-chuong-2026")!;
    private static readonly Plan Required = Unattended with { Approval = ApprovalModes.Required };

    private static DateTimeOffset Local(string text) =>
        new(DateTime.ParseExact(text, "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), TimeSpan.FromHours(7));

    private static ApprovalRow Row(string state, string? by = null, string? at = null) => new()
    {
        PlanId = Required.Id, Period = "2026-11", State = state, ApprovedBy = by, ApprovedAt = at is null ? null : Local(at),
    };

    [Theory]
    // approval, stored state (none: ""), now (local), expected standing. 2026-11's cut-off is 11/11: the draft is at 12/11 00:00.
    [InlineData("none", "", "2026-11-20 10:00", ApprovalStanding.NotRequired)]
    [InlineData("none", "approved", "2026-11-20 10:00", ApprovalStanding.NotRequired)] // the plan in force decides
    [InlineData("required", "", "2026-11-11 23:59", ApprovalStanding.NotDrafted)]
    [InlineData("required", "", "2026-11-12 00:00", ApprovalStates.Draft)] // due, not stored (the hub was down): a draft, as `drafts` lists it
    [InlineData("required", "draft", "2026-11-11 23:00", ApprovalStates.Draft)] // a stored row wins over the clock
    [InlineData("required", "ready", "2026-11-12 09:00", ApprovalStates.Ready)]
    public void For_saysTheState_fromThePlanTheRowAndTheCutOff(string approval, string stored, string now, string expected)
    {
        var plan = approval == ApprovalModes.Required ? Required : Unattended;
        var period = Seeds.FindPeriod(plan, "2026-11")!;

        var standing = ApprovalStanding.For(plan, period, stored.Length == 0 ? null : Row(stored), Local(now));

        Assert.Equal(expected, standing.State);
        Assert.Null(standing.ApprovedBy);
    }

    [Fact]
    public void For_saysWhoApprovedAndWhen_andTheTablesPrintIt()
    {
        var standing = ApprovalStanding.For(Required, Seeds.FindPeriod(Required, "2026-11")!, Row(ApprovalStates.Approved, "chutich.bc", "2026-11-12 17:30"), Local("2026-12-01 08:00"));

        Assert.Equal(new ApprovalStanding(ApprovalStates.Approved, "chutich.bc", Local("2026-11-12 17:30")), standing);
        Assert.Equal("approved by chutich.bc 17:30", standing.Text(at => at.ToOffset(TimeSpan.FromHours(7)).ToString("HH:mm", CultureInfo.InvariantCulture)));
        Assert.Equal("not drafted yet", new ApprovalStanding(ApprovalStanding.NotDrafted).Text(_ => ""));
        Assert.Equal("not required", new ApprovalStanding(ApprovalStanding.NotRequired).Text(_ => ""));
    }

    [Fact]
    public void Standings_needNoApproval_forABodyThePlansDoNotHave_andKeepAStoredStateOfAPeriodNoLongerInTheCalendar()
    {
        var catalog = new PlanCatalog([Required], Seeds.Holidays);
        var standings = new ApprovalStandings(catalog, [Row(ApprovalStates.Ready) with { Period = "2025-11" }, Row(ApprovalStates.Draft)], Local("2026-11-20 10:00"));

        Assert.Equal(ApprovalStanding.NotRequired, standings.For("so-khcn-quang-ngai", "2026-11").State);
        Assert.Equal(ApprovalStates.Ready, standings.For(Required.Id, "2025-11").State);
        Assert.Equal(ApprovalStates.Draft, standings.For(Required.Id, "2026-11").State);
        Assert.Equal(ApprovalStanding.NotDrafted, standings.For(Required.Id, "2026-FY").State);
    }

    [Fact]
    public void Standings_onAHigherHub_sayTheBodysRollupState_fromItsFileTheRowAndTheCommunesDueDate()
    {
        var setup = ChuyenDoiSo.Reporting.Rollup.RollupSetup.Load(TestPaths.Seeds, "quang-ngai-skhcn-2026", Seeds);
        var required = setup with { Body = setup.Body with { Approval = ApprovalModes.Required } };
        var q1 = required.FindPeriod("2026-Q1")!;
        var draftAt = ChuyenDoiSo.Reporting.Rollup.RollupSetup.DraftAt(q1);
        var stored = new ApprovalRow { PlanId = setup.Body.Id, Period = "2026-Q2", State = ApprovalStates.Ready };

        var before = new ApprovalStandings(Seeds, [stored], draftAt.AddMinutes(-1), required);
        var after = new ApprovalStandings(Seeds, [stored], draftAt, required);

        Assert.Equal(ApprovalStanding.NotDrafted, before.For(setup.Body.Id, "2026-Q1").State);
        Assert.Equal(ApprovalStates.Draft, after.For(setup.Body.Id, "2026-Q1").State);
        Assert.Equal(ApprovalStates.Ready, after.For(setup.Body.Id, "2026-Q2").State);
        Assert.Equal(ApprovalStanding.NotRequired, new ApprovalStandings(Seeds, [stored], draftAt, setup).For(setup.Body.Id, "2026-Q2").State);
    }
}
