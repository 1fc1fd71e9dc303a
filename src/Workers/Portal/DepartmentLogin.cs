using System.Security.Cryptography;
using System.Text;
using ChuyenDoiSo.Reporting.Plans;
using ChuyenDoiSo.Reporting.Portal;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Workers.Broker;
using ChuyenDoiSo.Workers.Operations;
using Microsoft.Extensions.Configuration;

namespace ChuyenDoiSo.Workers.Portal;

/// <summary>A department signed in: its plan, its code, its broker user name and the password generation it logged in with.</summary>
public sealed record DepartmentIdentity(string PlanId, string Department, string User, int Generation);

/// <summary>What a login attempt came to; <see cref="Identity"/> only when it succeeded.</summary>
public sealed record LoginOutcome(DepartmentIdentity? Identity, bool Locked, TimeSpan Remaining);

/// <summary>
/// The department's one identity (issue 12): the user name and password `accounts --format json` prints, i.e.
/// <see cref="BrokerAccounts.UserName"/> and <see cref="BrokerAccounts.PasswordFor"/> from Hub:RabbitMq:AccountSecret and
/// the department's generation in hub.db. Throttled by <see cref="LoginThrottle"/>, compared in constant time, and every
/// success, failure and lockout recorded in the audit log (portal_login_&lt;outcome&gt;, target "portal").
/// </summary>
public sealed class DepartmentLogin(PlanRegistry registry, HubDatabase database, LoginThrottle throttle, IConfiguration configuration, TimeProvider clock, ILogger<DepartmentLogin> logger)
{
    private string Secret => BrokerSettings.From(configuration).AccountSecret;

    public LoginOutcome Attempt(string user, string password, string? address)
    {
        user = user.Trim();
        var gate = throttle.Check(user, address);
        if (gate.Locked)
        {
            Record(user, address, "locked");
            logger.LogWarning("Portal login refused for {User} from {Address}: locked ({Reason}) for {Minutes:0} more minutes", Shown(user), address, gate.Reason, gate.Remaining.TotalMinutes);
            return new LoginOutcome(null, true, gate.Remaining);
        }
        var identity = Find(user);
        // An unknown user costs the same comparison as a known one, so timing does not tell which names exist.
        var expected = identity is null ? BrokerAccounts.PasswordFor(Secret, "unknown:" + user) : PasswordOf(identity);
        var ok = CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(password)), SHA256.HashData(Encoding.UTF8.GetBytes(expected))) && identity is not null;
        if (ok)
        {
            throttle.Succeeded(user);
            Record(user, address, "success");
            logger.LogInformation("Portal login: {User} from {Address}", user, address);
            return new LoginOutcome(identity, false, TimeSpan.Zero);
        }
        var lockedNow = throttle.Failed(user, address);
        Record(user, address, lockedNow ? "lockout" : "failure");
        if (lockedNow) logger.LogWarning("Portal login: {User} locked out for {Minutes:0} minutes after {Count} wrong passwords (last from {Address})", Shown(user), LoginThrottle.Lockout.TotalMinutes, LoginThrottle.MaxFailures, address);
        return new LoginOutcome(null, false, TimeSpan.Zero);
    }

    /// <summary>The department a user name names (&lt;plan&gt;.&lt;CODE&gt;, split at the last dot) with its current generation; null when none.</summary>
    public DepartmentIdentity? Find(string user)
    {
        var dot = user.LastIndexOf('.');
        if (dot <= 0 || dot == user.Length - 1) return null;
        var plan = registry.Current.Find(user[..dot]);
        if (plan?.FindDepartment(user[(dot + 1)..]) is not { } department) return null;
        using var connection = database.Open();
        return new DepartmentIdentity(plan.Id, department.Code, BrokerAccounts.UserName(plan.Id, department.Code), new PortalQueries(connection).Generation(plan.Id, department.Code));
    }

    /// <summary>The department's broker password now; the portal publishes with it on RabbitMQ.</summary>
    public string PasswordOf(DepartmentIdentity identity) => BrokerAccounts.PasswordFor(Secret, identity.User, identity.Generation);

    private void Record(string user, string? address, string outcome)
    {
        using var connection = database.Open();
        new PortalQueries(connection).RecordLogin(clock.GetUtcNow(), user, address, outcome);
    }

    /// <summary>A typed user name in the log: at most 80 characters, one line.</summary>
    private static string Shown(string user) => (user.Length > 80 ? user[..80] : user).ReplaceLineEndings(" ");
}
