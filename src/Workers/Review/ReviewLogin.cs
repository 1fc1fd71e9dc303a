using System.Globalization;
using System.Security.Claims;
using ChuyenDoiSo.Reporting.Operations;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Reporting.Users;
using ChuyenDoiSo.Workers.Operations;

namespace ChuyenDoiSo.Workers.Review;

/// <summary>What a login to the review pages came to; <see cref="User"/> only when it succeeded.</summary>
public sealed record ReviewLoginOutcome(UserRow? User, bool Locked, TimeSpan Remaining);

/// <summary>
/// The login of the people who review and approve (`users add`: office, signer, operator), against the PBKDF2 hash in
/// hub.db; throttled by <see cref="LoginThrottle"/> like every login; every success, failure and lockout in audit_log.
/// A session lasts while the user's password is the one it logged in with (<see cref="Stamp"/>).
/// </summary>
public sealed class ReviewLogin(HubDatabase database, LoginThrottle throttle, TimeProvider clock, ILogger<ReviewLogin> logger)
{
    public const string Target = "review";
    private const string PlanClaim = "plan";
    private const string RoleClaim = "role";
    private const string StampClaim = "stamp";

    /// <summary>The same cost for an unknown user as for a known one, so timing does not tell which names exist.</summary>
    private static readonly string UnknownHash = PasswordHash.Hash("unknown user", new byte[16], PasswordHash.Iterations);

    public ReviewLoginOutcome Attempt(string user, string password, string? address) => Check(user, password, address, "review_login");

    /// <summary>The signer types the password again to approve and sign: throttled and recorded like a login.</summary>
    public bool Confirm(UserRow user, string password, string? address) => Check(user.UserName, password, address, "signing_confirmed").User?.UserName == user.UserName;

    private ReviewLoginOutcome Check(string user, string password, string? address, string action)
    {
        user = user.Trim();
        var gate = throttle.Check(user, address);
        if (gate.Locked)
        {
            Record(Shown(user), address, action + "_locked", gate.Reason);
            return new ReviewLoginOutcome(null, true, gate.Remaining);
        }
        (UserRow User, string PasswordHash)? found;
        using (var connection = database.Open()) found = new UserStore(connection).Find(user);
        var ok = PasswordHash.Verify(password, found?.PasswordHash ?? UnknownHash) && found is not null;
        if (ok)
        {
            throttle.Succeeded(user);
            Record(user, address, action, found!.Value.User.Role);
            logger.LogInformation("Review {Action}: {User} ({Role}, plan {Plan}) from {Address}", action, user, found.Value.User.Role, found.Value.User.PlanId, address);
            return new ReviewLoginOutcome(found.Value.User, false, TimeSpan.Zero);
        }
        var lockedNow = throttle.Failed(user, address);
        Record(Shown(user), address, lockedNow ? action + "_locked" : action + "_failed", lockedNow ? $"{LoginThrottle.MaxFailures} wrong passwords in a row" : null);
        if (lockedNow) logger.LogWarning("Review login: {User} locked out for {Minutes:0} minutes after {Count} wrong passwords (last from {Address})", Shown(user), LoginThrottle.Lockout.TotalMinutes, LoginThrottle.MaxFailures, address);
        return new ReviewLoginOutcome(null, false, TimeSpan.Zero);
    }

    public static ClaimsPrincipal Principal(UserRow user, string scheme) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, user.UserName), new Claim(PlanClaim, user.PlanId), new Claim(RoleClaim, user.Role), new Claim(StampClaim, Stamp(user))], scheme));

    /// <summary>The user a session cookie names, as hub.db has them now; null when gone, moved to another plan or role, or its password changed since.</summary>
    public UserRow? Current(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true || principal.FindFirstValue(ClaimTypes.Name) is not { } name) return null;
        UserRow? user;
        using (var connection = database.Open()) user = new UserStore(connection).Find(name)?.User;
        return user is not null && user.PlanId == principal.FindFirstValue(PlanClaim) && user.Role == principal.FindFirstValue(RoleClaim)
            && Stamp(user) == principal.FindFirstValue(StampClaim) ? user : null;
    }

    private static string Stamp(UserRow user) => user.PasswordChangedAt.UtcTicks.ToString(CultureInfo.InvariantCulture);

    private void Record(string user, string? address, string action, string? detail)
    {
        using var connection = database.Open();
        new AuditLog(connection).Record(clock.GetUtcNow(), user, action, Target, detail, address);
    }

    /// <summary>A typed user name in the log: at most 80 characters, one line.</summary>
    private static string Shown(string user) => (user.Length > 80 ? user[..80] : user).ReplaceLineEndings(" ");
}
