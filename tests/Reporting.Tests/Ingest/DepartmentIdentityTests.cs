using ChuyenDoiSo.Contracts;
using ChuyenDoiSo.Reporting.Ingest;

namespace ChuyenDoiSo.Reporting.Tests.Ingest;

public sealed class DepartmentIdentityTests
{
    private static readonly DepartmentReportSubmitted Update = new() { PlanId = "binh-chuong-2026", Department = "TTPVHCC", Period = "2026-01" };

    [Fact]
    public void Check_accepts_whenBrokerUserIsTheNamedDepartment()
    {
        Assert.Empty(DepartmentIdentity.Check(Update, "binh-chuong-2026.TTPVHCC", "hub"));
    }

    [Theory]
    [InlineData("binh-chuong-2026.VHXH", "$.department")]
    [InlineData("tam-phuoc-2023.TTPVHCC", "$.planId")]
    public void Check_rejectsAsImpersonation_whenBodyNamesAnotherDepartmentOrPlan(string user, string field)
    {
        var reason = Assert.Single(DepartmentIdentity.Check(Update, user, "hub"));

        Assert.Equal(("impersonation", field), (reason.Code, reason.Field));
        Assert.Contains(user, reason.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Check_rejectsAsImpersonation_whenThereIsNoValidatedUser(string? user)
    {
        Assert.Equal(["impersonation"], DepartmentIdentity.Check(Update, user, "hub").Select(r => r.Code));
    }

    [Fact]
    public void Check_findsNoImpersonation_whenBodyNamesNoPlanOrDepartmentAtAll()
    {
        // JSON of another shape names nobody; the validator's missing_field reasons say what is wrong.
        Assert.Empty(DepartmentIdentity.Check(new DepartmentReportSubmitted(), "binh-chuong-2026.TTPVHCC", "hub"));
    }

    [Fact]
    public void Check_letsTheHubsOwnUserEnterAnyDepartment()
    {
        Assert.Empty(DepartmentIdentity.Check(Update, "hub", "hub"));
    }
}
