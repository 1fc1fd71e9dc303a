using System.Text;
using ChuyenDoiSo.Reporting.Users;

namespace ChuyenDoiSo.Reporting.Tests.Users;

public sealed class PasswordHashTests
{
    [Fact]
    public void Hash_isPbkdf2HmacSha256_asRfc7914sTestVectorGives()
    {
        // RFC 7914 §11: PBKDF2-HMAC-SHA256 (P="passwd", S="salt", c=1) begins 55 ac 04 6e 56 e3 08 9f … ; the hub keeps 32 bytes.
        var expected = Convert.FromHexString("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");

        var hash = PasswordHash.Hash("passwd", Encoding.ASCII.GetBytes("salt"), 1);

        Assert.Equal($"pbkdf2-sha256$1${Convert.ToBase64String(Encoding.ASCII.GetBytes("salt"))}${Convert.ToBase64String(expected)}", hash);
        Assert.True(PasswordHash.Verify("passwd", hash));
    }

    [Fact]
    public void Hash_saltsEachTime_andVerifiesOnlyTheRightPassword()
    {
        var first = PasswordHash.Hash("một mật khẩu dài");
        var second = PasswordHash.Hash("một mật khẩu dài");

        Assert.NotEqual(first, second);
        Assert.StartsWith("pbkdf2-sha256$600000$", first, StringComparison.Ordinal);
        Assert.True(PasswordHash.Verify("một mật khẩu dài", second));
        Assert.False(PasswordHash.Verify("một mật khẩu dàj", second));
    }

    [Theory]
    [InlineData("")]
    [InlineData("sha1$1$c2FsdA==$AAAA")]
    [InlineData("pbkdf2-sha256$0$c2FsdA==$AAAA")]
    [InlineData("pbkdf2-sha256$1$not base64$AAAA")]
    [InlineData("pbkdf2-sha256$1$c2FsdA==")]
    public void Verify_isFalse_forAMalformedHash(string stored) => Assert.False(PasswordHash.Verify("passwd", stored));

    [Theory]
    [InlineData("ngắn", "at least 10")]
    [InlineData("mười ký tự\u0007", "control characters")]
    public void Problem_namesWhyAPasswordIsRefused(string password, string expected) =>
        Assert.Contains(expected, PasswordHash.Problem(password), StringComparison.Ordinal);
}
