using System.Net;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Broker;
using ChuyenDoiSo.Workers.Cli;
using ChuyenDoiSo.Workers.Tests.Approval;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ChuyenDoiSo.Workers.Tests.Portal;

/// <summary>
/// The portal's and the review pages' sessions end after 20 idle minutes and slide while used: the hub `run` builds,
/// in-process on real Kestrel, with a fake clock the cookie handlers read (the only way to let 20 minutes pass in a test).
/// </summary>
public sealed class SessionExpiryTests : IAsyncLifetime, IDisposable
{
    private const string Secret = "session-expiry-secret";
    private readonly ApprovalFolder _folder = new();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private WebApplication? _app;
    private Uri _address = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = _folder.Path, EnvironmentName = "Test" });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hub:Data"] = _folder.Data,
            ["Hub:Seeds"] = _folder.Seeds,
            ["Hub:Http:Urls"] = "http://127.0.0.1:0",
            ["Hub:Transport"] = "InMemory",
            ["Hub:RabbitMq:AccountSecret"] = Secret,
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(_clock);
        _app = RunCommand.Build(builder);
        await _app.StartAsync();
        _address = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("portal")]
    [InlineData("review")]
    public async Task ASession_slidesWhileUsed_andEndsAfter20IdleMinutes(string root)
    {
        using var client = new PortalClient(_address);
        var (user, password, page) = root == "portal"
            ? (BrokerAccounts.UserName(ApprovalSetup.PlanId, "VHXH"), BrokerAccounts.PasswordFor(Secret, BrokerAccounts.UserName(ApprovalSetup.PlanId, "VHXH")), $"portal/{ApprovalSetup.PlanId}/2026-11")
            : (ApprovalSetup.Office, ApprovalSetup.Password, "review");
        Assert.Equal(HttpStatusCode.Redirect, (await client.LoginAsync(root, user, password, null)).Status);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(page)).Status);

        // Used every 15 minutes for an hour: still signed in (the cookie is renewed past half its life).
        for (var i = 0; i < 4; i++)
        {
            _clock.Advance(TimeSpan.FromMinutes(15));
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(page)).Status);
        }

        // Then 21 minutes idle: signed out, sent to the login page.
        _clock.Advance(TimeSpan.FromMinutes(21));
        var expired = await client.GetAsync(page);
        Assert.Equal(HttpStatusCode.Redirect, expired.Status);
        Assert.Contains($"/{root}/login", expired.Location!.OriginalString, StringComparison.Ordinal);
    }
}
