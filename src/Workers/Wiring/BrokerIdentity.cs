namespace ChuyenDoiSo.Workers.Wiring;

/// <summary>The hub's names on the broker: its exchange and its own user (who may enter updates for any department).</summary>
public sealed class BrokerIdentity(string? hubUser)
{
    /// <summary>The topic exchange departments publish to, with routing key &lt;planId&gt;.&lt;DEPARTMENT&gt;.</summary>
    public const string Exchange = "chuyendoiso.reports";

    public string? HubUser { get; } = hubUser;

    public static BrokerIdentity From(HubOptions options) =>
        new(string.Equals(options.Transport, "RabbitMq", StringComparison.OrdinalIgnoreCase) && Uri.TryCreate(options.RabbitMq.Uri, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0
            ? Uri.UnescapeDataString(uri.UserInfo.Split(':')[0])
            : null);
}
