using System.Text.RegularExpressions;
using ChuyenDoiSo.Reporting.Approval;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Tests.Cli;
using ChuyenDoiSo.Workers.Tests.Faults;

namespace ChuyenDoiSo.Workers.Tests.Approval;

/// <summary>
/// The dashboard of `run` (a real process on the embedded default, over HTTP) while reports await approval: the banner at
/// the top of the overview only while any awaits, overdue ones first, each with its review link; the deliveries page with
/// the approval beside the ledger's status. `deliver` and `approve` run beside it as an operator runs them.
/// </summary>
public sealed class ApprovalDashboardTests : IDisposable
{
    private const string PlanId = ApprovalSetup.PlanId;
    private readonly ApprovalFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Data => _folder.Data;

    /// <summary>A page with its character references decoded (the dashboard encodes every non-ASCII letter), as a browser shows its text.</summary>
    private static async Task<string> GetAsync(HttpClient http, string path) => System.Net.WebUtility.HtmlDecode(await http.GetStringAsync(path));

    private async Task<HubRun> Cli(string? password, params string[] args) =>
        password is null
            ? await HubProgram.RunAsync(_folder.Path, [.. args, "--data", Data, "--seeds", _folder.Seeds])
            : await HubProgram.RunWithInputAsync(_folder.Path, password + "\n", [.. args, "--data", Data, "--seeds", _folder.Seeds]);

    /// <summary>The banner's rows: plan, period, overdue, and the cells' text.</summary>
    private static List<(string Plan, string Period, string Overdue, string Cells)> BannerRows(string page)
    {
        var banner = Regex.Match(page, "<section class=\"notice\" id=\"approval-banner\">(.*?)</section>", RegexOptions.Singleline);
        Assert.True(banner.Success, "no approval banner on the overview");
        Assert.True(page.IndexOf("approval-banner", StringComparison.Ordinal) < page.IndexOf("id=\"health-status\"", StringComparison.Ordinal), "the banner is at the top");
        return Regex.Matches(banner.Groups[1].Value, "<tr data-plan=\"([^\"]+)\" data-period=\"([^\"]+)\" data-overdue=\"([^\"]+)\">(.*?)</tr>")
            .Select(m => (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value, m.Groups[4].Value)).ToList();
    }

    private static string DeliveryRow(string page, string plan, string period, string channel) =>
        Regex.Match(page, $"<tr data-plan=\"{plan}\" data-period=\"{period}\" data-channel=\"{channel}\"[^>]*>.*?</tr>").Value;

    [Fact]
    public async Task Overview_listsReportsAwaitingApproval_overdueFirstWithTheReviewLink_onlyWhileAnyAwaits()
    {
        var port = TestNetwork.FreePort();
        await using var hub = HubProcess.Start(_folder.Path, new Dictionary<string, string>
        {
            ["Hub__Data"] = Data,
            ["Hub__Seeds"] = _folder.Seeds,
            ["Hub__Http__Urls"] = $"http://127.0.0.1:{port}",
        }, "run");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
        using (var first = await hub.GetWhenListeningAsync(http, ""))
            Assert.DoesNotContain("approval-banner", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var deliveries = await GetAsync(http, "deliveries");
        Assert.Contains("<th>Trạng thái</th><th>Phê duyệt</th>", deliveries, StringComparison.Ordinal);
        Assert.Contains("data-approval=\"draft\"><td>binh-chuong-2026</td><td>2026-11</td>", deliveries, StringComparison.Ordinal);
        Assert.Contains("Không cần phê duyệt", DeliveryRow(deliveries, "tinh-thien-2025", "2025-11", "email"), StringComparison.Ordinal);

        // 2026-11's send time passed unapproved: `deliver` holds it; the annual report's draft is out, its send time ahead.
        var held = await Cli(null, "deliver", "--plan", PlanId, "--period", "2026-11");
        Assert.True(held.ExitCode == 3, held.ToString());
        using (var connection = new HubDatabase(Path.Combine(Data, "hub.db")).Open())
            Assert.True(new ApprovalStore(connection).SaveDraft(PlanId, "2026-FY", [1], DateTimeOffset.UtcNow, "hub"));

        var rows = BannerRows(await GetAsync(http, ""));
        Assert.Equal([(PlanId, "2026-11", "true"), (PlanId, "2026-FY", "false")], rows.Select(r => (r.Plan, r.Period, r.Overdue)));
        Assert.Contains("Quá giờ gửi, chưa gửi — Dự thảo, chờ rà soát (draft)", rows[0].Cells, StringComparison.Ordinal);
        Assert.Contains("<td>12/11/2026 17:00</td>", rows[0].Cells, StringComparison.Ordinal);
        Assert.Contains($"href=\"/review/{PlanId}/2026-11\"", rows[0].Cells, StringComparison.Ordinal);
        Assert.Contains("<td>07/12/2026 17:00</td>", rows[1].Cells, StringComparison.Ordinal);
        Assert.DoesNotContain("Quá giờ gửi", rows[1].Cells, StringComparison.Ordinal);
        Assert.Contains($"href=\"/review/{PlanId}/2026-FY\"", rows[1].Cells, StringComparison.Ordinal);
        var page = await GetAsync(http, "");
        Assert.Contains("<strong id=\"awaiting-count\">2</strong>", page, StringComparison.Ordinal);
        Assert.Contains("<strong id=\"overdue-count\">1</strong>", page, StringComparison.Ordinal);
        deliveries = await GetAsync(http, "deliveries");
        var heldRow = DeliveryRow(deliveries, PlanId, "2026-11", "email");
        Assert.Contains("data-status=\"awaiting_approval\" data-approval=\"draft\"", heldRow, StringComparison.Ordinal);
        Assert.Contains("Chờ phê duyệt, chưa gửi (awaiting approval)", heldRow, StringComparison.Ordinal);

        // Approved: 2026-11 leaves the banner (sent at once), then the annual report; with none awaiting the banner is gone.
        var approve = await Cli(ApprovalSetup.Password, "approve", "--plan", PlanId, "--period", "2026-11", "--user", ApprovalSetup.Signer);
        Assert.True(approve.ExitCode == 0, approve.ToString());
        Assert.Equal([(PlanId, "2026-FY", "false")], BannerRows(await GetAsync(http, "")).Select(r => (r.Plan, r.Period, r.Overdue)));
        Assert.Contains($"Đã phê duyệt (approved): {ApprovalSetup.Signer}, ", DeliveryRow(await GetAsync(http, "deliveries"), PlanId, "2026-11", "email"), StringComparison.Ordinal);
        approve = await Cli(ApprovalSetup.Password, "approve", "--plan", PlanId, "--period", "2026-FY", "--user", ApprovalSetup.Signer);
        Assert.True(approve.ExitCode == 0, approve.ToString());
        Assert.DoesNotContain("approval-banner", await GetAsync(http, ""), StringComparison.Ordinal);
    }
}
