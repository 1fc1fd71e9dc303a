using System.Collections.Concurrent;

namespace ChuyenDoiSo.Workers.Operations;

/// <summary>What a login attempt may do now: go ahead, or wait because the user or the address is locked.</summary>
public readonly record struct LoginGate(bool Locked, TimeSpan Remaining, string? Reason);

/// <summary>
/// Throttles password guessing, for every login the hub has (a department on the portal, the operator on the dashboard):
/// <see cref="MaxFailures"/> wrong passwords in a row lock that user for <see cref="Lockout"/>, whichever address they
/// come from; <see cref="MaxFailuresPerAddress"/> from one address (many users tried) lock that address. A right password
/// clears the user's count. In memory: a restart forgets the counts, which only gives a guesser one more round of five.
/// </summary>
public sealed class LoginThrottle(TimeProvider clock)
{
    public const int MaxFailures = 5;
    public const int MaxFailuresPerAddress = 20;
    public static readonly TimeSpan Lockout = TimeSpan.FromMinutes(15);

    private sealed class Count
    {
        public int Failures;
        public DateTimeOffset LockedUntil;
    }

    private readonly ConcurrentDictionary<string, Count> _users = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Count> _addresses = new(StringComparer.Ordinal);

    /// <summary>Asked before the password is even compared: a locked user or address is refused without trying it.</summary>
    public LoginGate Check(string user, string? address)
    {
        var now = clock.GetUtcNow();
        if (Locked(_users, Key(user), now) is { } u) return new LoginGate(true, u, "user");
        if (address is not null && Locked(_addresses, address, now) is { } a) return new LoginGate(true, a, "address");
        return default;
    }

    /// <summary>Counts a wrong password; true when this failure locked the user (the caller records that in the audit log).</summary>
    public bool Failed(string user, string? address)
    {
        var now = clock.GetUtcNow();
        var locked = Fail(_users, Key(user), MaxFailures, now);
        if (address is not null) locked |= Fail(_addresses, address, MaxFailuresPerAddress, now);
        return locked;
    }

    /// <summary>A right password: the user's count starts again (the address keeps its count of other users' failures).</summary>
    public void Succeeded(string user) => _users.TryRemove(Key(user), out _);

    private static string Key(string user) => user.Trim().ToLowerInvariant();

    private static TimeSpan? Locked(ConcurrentDictionary<string, Count> counts, string key, DateTimeOffset now)
    {
        if (!counts.TryGetValue(key, out var count)) return null;
        lock (count) return count.LockedUntil > now ? count.LockedUntil - now : null;
    }

    private static bool Fail(ConcurrentDictionary<string, Count> counts, string key, int max, DateTimeOffset now)
    {
        var count = counts.GetOrAdd(key, _ => new Count());
        lock (count)
        {
            if (count.LockedUntil != default && count.LockedUntil <= now)
            {
                // The lock ran out: a fresh round.
                count.Failures = 0;
                count.LockedUntil = default;
            }
            count.Failures++;
            if (count.Failures < max || count.LockedUntil > now) return false;
            count.LockedUntil = now + Lockout;
            return true;
        }
    }
}
