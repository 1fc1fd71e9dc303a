using System.Text.Json.Nodes;
using ChuyenDoiSo.Workers.Wiring;

namespace ChuyenDoiSo.Workers.Broker;

/// <summary>One queue as the operator sees it.</summary>
public sealed record QueueView(string Name, long Ready, long Unacknowledged, long Consumers);

/// <summary>Queue depths from the management API, with the hub's own credentials (its user has the management tag).</summary>
public static class QueueStatus
{
    public static async Task<(IReadOnlyList<QueueView> Queues, string? Error)> ReadAsync(IConfiguration configuration, HubOptions options, CancellationToken cancellationToken)
    {
        try
        {
            var uri = BrokerSettings.ParseAmqpUri(options.RabbitMq.Uri, "Hub:RabbitMq:Uri");
            var (user, password) = BrokerSettings.Credentials(uri);
            var management = new Uri(configuration["Hub:RabbitMq:ManagementUri"] ?? BrokerSettings.DefaultManagementUri);
            using var api = new RabbitMqManagement(management, user ?? "guest", password ?? "guest", TimeSpan.FromSeconds(10));
            var vhost = Uri.EscapeDataString(BrokerSettings.VhostOf(uri));
            var node = await api.GetAsync($"api/queues/{vhost}", cancellationToken);
            var queues = (node as JsonArray ?? [])
                .OfType<JsonObject>()
                .Select(q => new QueueView(
                    (string?)q["name"] ?? "",
                    (long?)q["messages_ready"] ?? 0,
                    (long?)q["messages_unacknowledged"] ?? 0,
                    (long?)q["consumers"] ?? 0))
                .Where(q => q.Name.StartsWith("department-reports", StringComparison.Ordinal) || q.Name.EndsWith("_error", StringComparison.Ordinal))
                .OrderBy(q => q.Name, StringComparer.Ordinal)
                .ToList();
            return (queues, null);
        }
        catch (Exception e) when (e is BrokerUnavailableException or HttpRequestException or TaskCanceledException or UriFormatException or System.Text.Json.JsonException)
        {
            return ([], e.Message);
        }
    }
}
