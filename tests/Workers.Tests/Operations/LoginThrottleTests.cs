using ChuyenDoiSo.Workers.Operations;
using Microsoft.Extensions.Time.Testing;

namespace ChuyenDoiSo.Workers.Tests.Operations;

public class LoginThrottleTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public void TheFifthWrongPassword_locksTheUser_fromEveryAddress_untilTheLockoutEnds()
    {
        var throttle = new LoginThrottle(_clock);
        for (var i = 1; i < LoginThrottle.MaxFailures; i++) Assert.False(throttle.Failed("bc2026.vhxh", "10.0.0.1"));
        Assert.False(throttle.Check("bc2026.vhxh", "10.0.0.1").Locked);

        Assert.True(throttle.Failed("BC2026.VHXH", "10.0.0.2"));

        var gate = throttle.Check("bc2026.vhxh", "10.0.0.9");
        Assert.True(gate.Locked);
        Assert.Equal("user", gate.Reason);
        Assert.False(throttle.Check("bc2026.vp", "10.0.0.9").Locked);
        _clock.Advance(LoginThrottle.Lockout + TimeSpan.FromSeconds(1));
        Assert.False(throttle.Check("bc2026.vhxh", "10.0.0.1").Locked);
    }

    [Fact]
    public void ARightPassword_startsTheCountAgain()
    {
        var throttle = new LoginThrottle(_clock);
        for (var i = 1; i < LoginThrottle.MaxFailures; i++) throttle.Failed("u", null);
        throttle.Succeeded("u");

        Assert.False(throttle.Failed("u", null));
        Assert.False(throttle.Check("u", null).Locked);
    }

    [Fact]
    public void ManyUsersTriedFromOneAddress_lockThatAddress()
    {
        var throttle = new LoginThrottle(_clock);
        for (var i = 0; i < LoginThrottle.MaxFailuresPerAddress; i++) throttle.Failed($"user{i}", "203.0.113.7");

        var gate = throttle.Check("someone-else", "203.0.113.7");
        Assert.True(gate.Locked);
        Assert.Equal("address", gate.Reason);
        Assert.False(throttle.Check("someone-else", "203.0.113.8").Locked);
    }
}
