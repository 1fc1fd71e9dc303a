using System.Net;
using ChuyenDoiSo.Reporting.Approval;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Tests.Portal;

namespace ChuyenDoiSo.Workers.Tests.Approval;

/// <summary>A department the office sent back sees the comment on its form for that period, over HTTP from the running hub; another does not.</summary>
public sealed class ReturnedOnPortalTests(PortalHub hub) : IClassFixture<PortalHub>
{
    private const string Plan = PortalHub.PlanId;

    [Fact]
    public async Task FormPage_showsTheOfficesComment_toTheDepartmentSentBack_only()
    {
        const string comment = "Số hồ sơ trực tuyến lớn hơn tổng số hồ sơ tiếp nhận, đề nghị kiểm tra lại";
        using (var connection = new HubDatabase(hub.DatabasePath).Open())
            new ApprovalStore(connection).Return(Plan, "2026-11", "TTPVHCC", comment, "vanphong.bc", DateTimeOffset.UtcNow, ApprovalStates.Draft);

        using var returned = hub.Client();
        Assert.Equal(HttpStatusCode.Redirect, (await returned.LoginAsync($"{Plan}.TTPVHCC", hub.Passwords[$"{Plan}.TTPVHCC"])).Status);
        var page = await returned.GetAsync($"portal/{Plan}/2026-11");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var html = WebUtility.HtmlDecode(page.Html);
        Assert.Contains("id=\"returned\"", html, StringComparison.Ordinal);
        Assert.Contains($"Văn phòng trả lại báo cáo", html, StringComparison.Ordinal);
        Assert.Contains(comment, html, StringComparison.Ordinal);
        // Another period of the same department is not marked.
        Assert.DoesNotContain("id=\"returned\"", (await returned.GetAsync($"portal/{Plan}/2026-10")).Html, StringComparison.Ordinal);

        using var other = hub.Client();
        Assert.Equal(HttpStatusCode.Redirect, (await other.LoginAsync($"{Plan}.VHXH", hub.Passwords[$"{Plan}.VHXH"])).Status);
        var otherPage = await other.GetAsync($"portal/{Plan}/2026-11");
        Assert.Equal(HttpStatusCode.OK, otherPage.Status);
        Assert.DoesNotContain("id=\"returned\"", otherPage.Html, StringComparison.Ordinal);
    }
}
