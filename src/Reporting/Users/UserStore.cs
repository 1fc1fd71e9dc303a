using Dapper;
using Microsoft.Data.Sqlite;
using ChuyenDoiSo.Reporting.Operations;
using ChuyenDoiSo.Reporting.Storage;

namespace ChuyenDoiSo.Reporting.Users;

/// <summary>
/// The roles of a plan besides its departments (vai trò): the office reviews the draft, the signer approves and signs,
/// the operator runs the hub. An operator cannot approve, an office cannot sign.
/// </summary>
public static class UserRoles
{
    public const string Office = "office";
    public const string Signer = "signer";
    public const string Operator = "operator";
    public static readonly IReadOnlyList<string> All = [Office, Signer, Operator];
}

/// <summary>One user as listed: never the hash.</summary>
public sealed record UserRow
{
    public required string UserName { get; init; }
    public required string PlanId { get; init; }
    public required string Role { get; init; }
    public required string Email { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset PasswordChangedAt { get; init; }
}

/// <summary>The users table; what is done to them goes into the audit log; instants come from the caller.</summary>
public sealed class UserStore(SqliteConnection connection)
{
    /// <summary>False when the user name is taken (whatever its case).</summary>
    public bool Add(string userName, string planId, string role, string email, string passwordHash, DateTimeOffset at, string actor)
    {
        using var transaction = connection.BeginTransaction();
        var added = connection.Execute(Sql.Insert, new { userName, planId, role, email, passwordHash, at = DateTimeOffsetHandler.Format(at) }, transaction) == 1;
        if (added) new AuditLog(connection).Record(at, actor, "user_added", userName, $"{role} of {planId}", transaction: transaction);
        transaction.Commit();
        return added;
    }

    /// <summary>False when there is no such user.</summary>
    public bool ChangePassword(string userName, string passwordHash, DateTimeOffset at, string actor)
    {
        using var transaction = connection.BeginTransaction();
        var changed = connection.Execute(Sql.ChangePassword, new { userName, passwordHash, at = DateTimeOffsetHandler.Format(at) }, transaction) == 1;
        if (changed) new AuditLog(connection).Record(at, actor, "password_changed", userName, null, transaction: transaction);
        transaction.Commit();
        return changed;
    }

    public IReadOnlyList<UserRow> List(string? planId) => connection.Query<UserRow>(Sql.List, new { planId }).AsList();

    /// <summary>The stored hash of a user, for a login; null when there is no such user.</summary>
    public (UserRow User, string PasswordHash)? Find(string userName) =>
        connection.QuerySingleOrDefault<StoredUser>(Sql.Find, new { userName }) is { } r
            ? (new UserRow { UserName = r.UserName, PlanId = r.PlanId, Role = r.Role, Email = r.Email, CreatedAt = r.CreatedAt, PasswordChangedAt = r.PasswordChangedAt }, r.PasswordHash)
            : null;

    private sealed class StoredUser
    {
        public string UserName { get; init; } = "";
        public string PlanId { get; init; } = "";
        public string Role { get; init; } = "";
        public string Email { get; init; } = "";
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset PasswordChangedAt { get; init; }
        public string PasswordHash { get; init; } = "";
    }

    private static class Sql
    {
        public const string Insert = """
            INSERT INTO users (user_name, plan_id, role, email, password_hash, created_at, password_changed_at)
            VALUES (@userName, @planId, @role, @email, @passwordHash, @at, @at)
            ON CONFLICT (user_name) DO NOTHING
            """;

        public const string ChangePassword = """
            UPDATE users SET password_hash = @passwordHash, password_changed_at = @at WHERE user_name = @userName
            """;

        public const string List = """
            SELECT user_name AS UserName, plan_id AS PlanId, role AS Role, email AS Email, created_at AS CreatedAt, password_changed_at AS PasswordChangedAt
            FROM users WHERE @planId IS NULL OR plan_id = @planId
            ORDER BY plan_id, role, user_name
            """;

        public const string Find = """
            SELECT user_name AS UserName, plan_id AS PlanId, role AS Role, email AS Email, created_at AS CreatedAt,
                   password_changed_at AS PasswordChangedAt, password_hash AS PasswordHash
            FROM users WHERE user_name = @userName
            """;
    }
}
