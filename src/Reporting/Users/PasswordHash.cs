using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ChuyenDoiSo.Reporting.Users;

/// <summary>
/// Passwords stored only as PBKDF2-HMAC-SHA256 hashes from the BCL (Rfc2898DeriveBytes.Pbkdf2), 600,000 iterations as
/// OWASP's password storage guidance gives for SHA-256, a 16-byte random salt, written as
/// <c>pbkdf2-sha256$&lt;iterations&gt;$&lt;salt&gt;$&lt;hash&gt;</c> (base64), so the iterations can rise later without
/// invalidating stored hashes.
/// </summary>
public static class PasswordHash
{
    public const string Scheme = "pbkdf2-sha256";
    public const int Iterations = 600_000;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    /// <summary>Shortest password accepted: a phrase, not a PIN.</summary>
    public const int MinimumLength = 10;

    public static string Hash(string password) => Hash(password, RandomNumberGenerator.GetBytes(SaltBytes), Iterations);

    public static string Hash(string password, byte[] salt, int iterations)
    {
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Join('$', Scheme, iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    /// <summary>True when <paramref name="password"/> gives <paramref name="stored"/>; compared in constant time; false for a malformed hash.</summary>
    public static bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < 1)
            return false;
        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            expected = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Null when <paramref name="password"/> may be used; else why not.</summary>
    public static string? Problem(string password) =>
        password.Length < MinimumLength ? $"the password must have at least {MinimumLength} characters, got {password.Length}"
        : password.Any(char.IsControl) ? "the password must not contain control characters"
        : null;
}
