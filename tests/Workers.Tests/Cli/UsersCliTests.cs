using System.Text.Json.Nodes;
using ChuyenDoiSo.Reporting.Storage;
using ChuyenDoiSo.Reporting.Users;

namespace ChuyenDoiSo.Workers.Tests.Cli;

/// <summary>`users add|password|list` as a script runs them: the password on standard input, the hash in hub.db, an audit row each.</summary>
public sealed class UsersCliTests : IDisposable
{
    private const string Plan = "binh-chuong-2026";
    private const string Password = "mật khẩu dài đủ 1";
    private readonly TempDataFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Data => _folder.Combine("data");

    private Task<HubRun> Users(string? input, params string[] args) =>
        input is null
            ? HubProgram.RunAsync(_folder.Path, ["users", .. args, "--data", Data, "--seeds", TestPaths.Seeds])
            : HubProgram.RunWithInputAsync(_folder.Path, input, ["users", .. args, "--data", Data, "--seeds", TestPaths.Seeds]);

    private UserStore Store(out Microsoft.Data.Sqlite.SqliteConnection connection)
    {
        connection = new HubDatabase(Path.Combine(Data, "hub.db")).Open();
        return new UserStore(connection);
    }

    [Fact]
    public async Task Add_keepsOnlyAHashThatVerifies_listsTheUserWithoutIt_andAuditsIt()
    {
        var add = await Users(Password + "\n", "add", "--plan", Plan, "--role", "office", "--user", "vanphong.bc", "--email", "vanphong@binhchuong.example");

        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.DoesNotContain(Password, add.Stdout + add.Stderr, StringComparison.Ordinal);
        var store = Store(out var connection);
        using (connection)
        {
            var (user, hash) = store.Find("VANPHONG.BC")!.Value;
            Assert.Equal(("vanphong.bc", Plan, "office", "vanphong@binhchuong.example"), (user.UserName, user.PlanId, user.Role, user.Email));
            Assert.StartsWith("pbkdf2-sha256$600000$", hash, StringComparison.Ordinal);
            Assert.DoesNotContain(Password, hash, StringComparison.Ordinal);
            Assert.True(PasswordHash.Verify(Password, hash));
            Assert.False(PasswordHash.Verify(Password + "x", hash));
            var audit = Assert.Single(new Reporting.Operations.AuditLog(connection).For("vanphong.bc"));
            Assert.Equal("user_added", audit.Action);
            Assert.StartsWith("cli:", audit.Actor, StringComparison.Ordinal);
        }

        var list = await Users(null, "list", "--format", "json");
        Assert.True(list.ExitCode == 0, list.ToString());
        var listed = Assert.Single(JsonNode.Parse(list.Stdout)!.AsArray())!;
        Assert.Equal("office", (string)listed["role"]!);
        Assert.Null(listed["passwordHash"]);
        Assert.DoesNotContain("pbkdf2", list.Stdout, StringComparison.Ordinal);
        var table = await Users(null, "list", "--plan", Plan, "--format", "table");
        Assert.Contains("vanphong.bc", table.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Password_replacesTheHash_andTheOldPasswordNoLongerVerifies()
    {
        Assert.Equal(0, (await Users(Password + "\n", "add", "--plan", Plan, "--role", "signer", "--user", "chutich", "--email", "ct@binhchuong.example")).ExitCode);

        var change = await Users("một mật khẩu mới hơn\n", "password", "--user", "chutich");

        Assert.True(change.ExitCode == 0, change.ToString());
        var store = Store(out var connection);
        using (connection)
        {
            var hash = store.Find("chutich")!.Value.PasswordHash;
            Assert.True(PasswordHash.Verify("một mật khẩu mới hơn", hash));
            Assert.False(PasswordHash.Verify(Password, hash));
            Assert.Equal(["user_added", "password_changed"], new Reporting.Operations.AuditLog(connection).For("chutich").Select(a => a.Action));
        }
    }

    public static TheoryData<string?, string[], string> Refusals() => new()
    {
        { "ngắn\n", ["add", "--plan", Plan, "--role", "office", "--user", "vp", "--email", "vp@x.example"], "at least 10 characters" },
        { Password + "\n", ["add", "--plan", "khong-co-2026", "--role", "office", "--user", "vp", "--email", "vp@x.example"], "unknown plan \"khong-co-2026\"" },
        { Password + "\n", ["add", "--plan", Plan, "--role", "chairman", "--user", "vp", "--email", "vp@x.example"], "chairman" },
        { Password + "\n", ["add", "--plan", Plan, "--role", "office", "--user", "a b", "--email", "vp@x.example"], "is not a user name" },
        { Password + "\n", ["add", "--plan", Plan, "--role", "office", "--user", "binh-chuong-2026.VP", "--email", "vp@x.example"], "is the department account binh-chuong-2026.VP" },
        { Password + "\n", ["add", "--plan", Plan, "--role", "office", "--user", "vp", "--email", "không có"], "is not an email address" },
        { "", ["add", "--plan", Plan, "--role", "office", "--user", "vp", "--email", "vp@x.example"], "expected the password on standard input" },
        { Password + "\n", ["password", "--user", "ai-do"], "is not a user of this hub" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Users_refusesWithOneLine_andStoresNothing(string? input, string[] args, string expected)
    {
        var run = await Users(input, args);

        Assert.True(run.ExitCode == 2, run.ToString());
        var line = Assert.Single(run.StderrLines);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        if (File.Exists(Path.Combine(Data, "hub.db")))
        {
            var store = Store(out var connection);
            using (connection) Assert.Empty(store.List(null));
        }
    }

    [Fact]
    public async Task Add_refusesATakenName_whateverItsCase()
    {
        Assert.Equal(0, (await Users(Password + "\n", "add", "--plan", Plan, "--role", "office", "--user", "vanphong", "--email", "a@x.example")).ExitCode);

        var again = await Users(Password + "\n", "add", "--plan", Plan, "--role", "signer", "--user", "VanPhong", "--email", "b@x.example");

        Assert.Equal(2, again.ExitCode);
        Assert.Contains("exists already", again.Stderr, StringComparison.Ordinal);
        var store = Store(out var connection);
        using (connection) Assert.Equal("office", Assert.Single(store.List(null)).Role);
    }
}
