using ChuyenDoiSo.Workers.Wiring;

namespace ChuyenDoiSo.Workers.Tests.Operations;

public class PortalLinksTests
{
    [Fact]
    public void Form_isBuiltOnThePublicUrl_withThePlanAndPeriodEscaped()
    {
        var http = new HttpOptions { Urls = "http://0.0.0.0:5080", PublicUrl = "https://cds.example.gov.vn/hub/" };

        Assert.Equal("https://cds.example.gov.vn/hub/portal/binh-chuong-2026/2026-Q1", PortalLinks.Form(http, "binh-chuong-2026", "2026-Q1"));
        Assert.Equal("/portal/a%20b/2026-03", PortalLinks.FormPath("a b", "2026-03"));
    }

    [Fact]
    public void Form_fallsBackToTheFirstListeningUrl_whenNoPublicUrlIsSet()
    {
        var http = new HttpOptions { Urls = "http://127.0.0.1:5080; http://[::1]:5080" };

        Assert.Equal("http://127.0.0.1:5080/portal/p/2026-01", PortalLinks.Form(http, "p", "2026-01"));
    }
}
