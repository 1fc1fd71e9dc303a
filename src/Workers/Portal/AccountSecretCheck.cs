using ChuyenDoiSo.Workers.Broker;
using ChuyenDoiSo.Workers.Operations;
using ChuyenDoiSo.Workers.Wiring;
using Microsoft.Extensions.Configuration;

namespace ChuyenDoiSo.Workers.Portal;

/// <summary>
/// Every department's password is derived from Hub:RabbitMq:AccountSecret. While it is the value written in the code,
/// anyone who reads the code can log in as any department: allowed on loopback with the in-memory bus only.
/// </summary>
public static class AccountSecretCheck
{
    /// <summary>The one line `run` exits with, or null when the secret may stay as it is.</summary>
    public static string? Problem(IConfiguration configuration, HubOptions options)
    {
        if (BrokerSettings.From(configuration).AccountSecret != BrokerSettings.DefaultAccountSecret) return null;
        var rabbit = string.Equals(options.Transport, "RabbitMq", StringComparison.OrdinalIgnoreCase);
        var wide = OperatorAccess.Urls(options.Http.Urls).Where(u => !OperatorAccess.IsLoopbackUrl(u)).ToList();
        if (!rabbit && wide.Count == 0) return null;
        var why = rabbit ? "Hub:Transport is RabbitMq" : $"Hub:Http:Urls \"{string.Join(';', wide)}\" listens beyond loopback";
        return $"Hub:RabbitMq:AccountSecret is the built-in default and {why}: anyone who reads the code could derive every department's password; " +
               "set Hub:RabbitMq:AccountSecret (e.g. the environment variable Hub__RabbitMq__AccountSecret) to a long random value, then run `accounts --all --apply`";
    }
}
