using System.Net;
using ChuyenDoiSo.Workers.Tests.Broker;
using static ChuyenDoiSo.Workers.Tests.Broker.HubOnBroker;

namespace ChuyenDoiSo.Workers.Tests.Portal;

/// <summary>On RabbitMQ the portal publishes as the department's own broker user: the broker checks user_id, the hub records it.</summary>
[Collection("rabbitmq")]
public sealed class PortalRabbitMqTests(RabbitMqBroker broker) : IAsyncLifetime, IDisposable
{
    private const string PlanId = PortalHub.PlanId;
    private readonly HubOnBroker _env = new(broker, "portal-", PlanId, "portal-rabbitmq-secret");
    private readonly Uri _baseUri = new($"http://127.0.0.1:{PortalHub.FreePort()}/");

    public async Task InitializeAsync()
    {
        _env.ExtraEnvironment["Hub__Http__Urls"] = _baseUri.GetLeftPart(UriPartial.Authority);
        await _env.InitializeAsync();
    }

    public async Task DisposeAsync() => await _env.DisposeAsync();

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task Portal_publishesAsTheDepartmentsBrokerUser_onRabbitMq()
    {
        var hub = await _env.StartHubAsync("department-reports");
        using var client = new PortalClient(_baseUri);
        await EventuallyAsync(async () => (await client.GetAsync("health/live")).Status, s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "/health/live", hub);
        var user = $"{PlanId}.VHXH";
        Assert.Equal(HttpStatusCode.Redirect, (await client.LoginAsync(user, _env.Passwords[user])).Status);
        var form = await client.GetAsync($"portal/{PlanId}/2026-FY");

        var sent = await client.PostAsync($"portal/{PlanId}/2026-FY", [new("__RequestVerificationToken", PortalClient.Token(form.Html)), new("ind.12.numerator", "9"), new("ind.12.denominator", "10")]);

        Assert.True(sent.Status == HttpStatusCode.SeeOther, $"{sent.Status}\n{sent.Html}\n{hub.Tail(40)}");
        var receipt = await client.GetAsync(sent.Location!.ToString());
        Assert.Contains("data-outcome=\"accepted\"", receipt.Html, StringComparison.Ordinal);
        var messageId = sent.Location!.ToString().Split('/')[^1];
        // transport_user is the broker-validated user_id: only a publish over the department's own connection sets it.
        var rows = _env.Query<(string MessageId, string? TransportUser)>("SELECT message_id AS MessageId, transport_user AS TransportUser FROM submissions");
        Assert.Equal((messageId, (string?)user), Assert.Single(rows));
    }
}
