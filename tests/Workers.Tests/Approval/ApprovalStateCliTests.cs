using System.Text.Json.Nodes;
using ChuyenDoiSo.Reporting.Deliver;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Tests.Cli;

namespace ChuyenDoiSo.Workers.Tests.Approval;

/// <summary>
/// `schedule` and `deliveries` as an operator reads them, through the real program: beside every report of a plan with
/// `approval: required` its approval (not drafted yet before the cut-off, draft, approved with who and when), "not required"
/// for the other plans; the columns and fields they had before unchanged.
/// </summary>
public sealed class ApprovalStateCliTests : IDisposable
{
    private const string PlanId = ApprovalSetup.PlanId;
    private const string Unattended = "tinh-thien-2025";
    private const string Period = "2026-11";
    private readonly ApprovalFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Data => _folder.Data;

    private Task<HubRun> Run(string? password, params string[] args) => _folder.Run(password, args);

    private async Task<JsonArray> Json(params string[] args)
    {
        var run = await Run(null, [.. args, "--format", "json"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return JsonNode.Parse(run.Stdout)!.AsArray();
    }

    private static string State(JsonNode item) => (string)item["approval"]!["state"]!;

    [Fact]
    public async Task ScheduleAndDeliveries_showEveryReportsApproval_fromNotDraftedYetToApprovedByWhomAndWhen()
    {
        // Before anything is drafted: each period of the plan is a draft once its cut-off passed, not drafted yet before.
        var catalog = PlanCatalog.LoadFolder(_folder.Seeds);
        var plan = catalog.Find(PlanId)!;
        var now = DateTimeOffset.UtcNow;
        var expected = catalog.CalendarFor(plan).ToDictionary(p => p.Period, p => DeliverySchedule.DraftAt(p) <= now ? "draft" : "not_drafted");
        var schedule = await Json("schedule", "--plan", PlanId);
        Assert.NotEmpty(schedule);
        Assert.All(schedule, i => Assert.Equal(expected[(string)i!["period"]!], State(i!)));
        Assert.All(schedule, i => Assert.Equal(["kind", "plan", "period", "channel", "recipient", "at", "reminderOffsetDays", "approval"], i!.AsObject().Select(p => p.Key)));
        Assert.All(await Json("schedule", "--plan", Unattended), i => Assert.Equal(("not_required", null), (State(i!), (string?)i!["approval"]!["approvedBy"])));
        var table = await Run(null, "schedule", "--plan", PlanId);
        Assert.EndsWith("approval", table.StdoutLines[0], StringComparison.Ordinal);
        Assert.Contains(table.StdoutLines, l => l.Contains(" report ", StringComparison.Ordinal) && l.Contains($"{PlanId}  {Period} ", StringComparison.Ordinal) && l.EndsWith("  draft", StringComparison.Ordinal));
        if (expected.ContainsValue("not_drafted")) Assert.Contains(table.StdoutLines, l => l.EndsWith("  not drafted yet", StringComparison.Ordinal));

        // The send time passed unapproved: held, and the ledger's status and the approval stand side by side.
        var held = await Run(null, "deliver", "--plan", PlanId, "--period", Period);
        Assert.True(held.ExitCode == 3, held.ToString());
        var deliveries = await Json("deliveries");
        var rows = deliveries.Where(r => (string)r!["plan"]! == PlanId && (string)r!["period"]! == Period).ToList();
        Assert.Equal([("awaiting_approval", "draft"), ("awaiting_approval", "draft")], rows.Select(r => ((string)r!["status"]!, State(r!))));
        Assert.All(deliveries, r => Assert.Equal(["plan", "period", "recipient", "channel", "due", "sent", "status", "attempts", "lastError", "approval"], r!.AsObject().Select(p => p.Key)));
        Assert.All(deliveries.Where(r => (string)r!["plan"]! != PlanId), r => Assert.Equal("not_required", State(r!)));
        table = await Run(null, "deliveries");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.EndsWith("last error  approval", table.StdoutLines[0], StringComparison.Ordinal);
        Assert.Contains(table.StdoutLines, l => l.StartsWith($"{PlanId}  {Period}  email", StringComparison.Ordinal) && l.Contains("awaiting_approval", StringComparison.Ordinal) && l.EndsWith("  draft", StringComparison.Ordinal));
        Assert.Contains(table.StdoutLines, l => l.StartsWith(Unattended, StringComparison.Ordinal) && l.EndsWith("  not required", StringComparison.Ordinal));

        // Approved and sent: who approved and when, in both verbs.
        var before = DateTimeOffset.UtcNow;
        var approve = await Run(ApprovalSetup.Password, "approve", "--plan", PlanId, "--period", Period, "--user", ApprovalSetup.Signer);
        Assert.True(approve.ExitCode == 0, approve.ToString());
        var after = DateTimeOffset.UtcNow;
        foreach (var item in (await Json("deliveries")).Concat(await Json("schedule", "--plan", PlanId)).Where(r => (string)r!["period"]! == Period))
        {
            Assert.Equal(("approved", ApprovalSetup.Signer), (State(item!), (string)item!["approval"]!["approvedBy"]!));
            Assert.InRange(item!["approval"]!["approvedAt"]!.GetValue<DateTimeOffset>(), before, after);
        }
        Assert.All((await Json("deliveries")).Where(r => (string)r!["period"]! == Period && (string)r!["plan"]! == PlanId), r => Assert.Equal("sent", (string)r!["status"]!));
        table = await Run(null, "deliveries");
        Assert.Contains(table.StdoutLines, l => l.StartsWith($"{PlanId}  {Period}  email", StringComparison.Ordinal) && l.Contains($"  approved by {ApprovalSetup.Signer} 20", StringComparison.Ordinal));
    }
}
