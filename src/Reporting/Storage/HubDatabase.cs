using System.Data;
using System.Globalization;
using System.Reflection;
using Dapper;
using Microsoft.Data.Sqlite;

namespace ChuyenDoiSo.Reporting.Storage;

/// <summary>
/// The hub's SQLite file: opens connections with the pragmas the hub relies on and applies the
/// numbered scripts in Schema/ once each, in order, recording them in schema_migrations.
/// </summary>
public sealed class HubDatabase
{
    static HubDatabase()
    {
        SqlMapper.AddTypeHandler(new DateOnlyHandler());
        SqlMapper.AddTypeHandler(new DateTimeOffsetHandler());
    }

    public HubDatabase(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // Another writer holding the lock makes us wait, not fail; MassTransit retries beyond this.
            DefaultTimeout = 30,
        }.ToString();
    }

    public string Path { get; }
    public string ConnectionString { get; }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        // FULL: an acknowledged update must survive a power cut, not just a process crash.
        // busy_timeout: wait for a lock held by another writer instead of failing at once.
        connection.Execute("PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;");
        return connection;
    }

    /// <summary>
    /// Creates the file if needed, switches it to WAL and applies pending scripts (up to and including
    /// <paramref name="through"/>, for tests of an upgrade). Returns the scripts applied now.
    /// </summary>
    public IReadOnlyList<string> Migrate(int through = int.MaxValue)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        using var connection = Open();
        connection.Execute("PRAGMA journal_mode = WAL;");
        connection.Execute(Sql.CreateMigrations);
        var applied = connection.Query<int>(Sql.AppliedVersions).ToHashSet();
        var done = new List<string>();
        foreach (var (version, name, script) in Scripts())
        {
            if (applied.Contains(version) || version > through) continue;
            using var tx = connection.BeginTransaction();
            connection.Execute(script, transaction: tx);
            connection.Execute(Sql.RecordMigration, new { version, name }, tx);
            tx.Commit();
            done.Add(name);
        }
        return done;
    }

    private static IEnumerable<(int Version, string Name, string Script)> Scripts()
    {
        var assembly = typeof(HubDatabase).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("Schema.", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var name = resource["Schema.".Length..];
            var version = int.Parse(name.AsSpan(0, 4), CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            yield return (version, name, reader.ReadToEnd());
        }
    }

    private static class Sql
    {
        public const string CreateMigrations = """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    INTEGER PRIMARY KEY,
                name       TEXT NOT NULL,
                applied_at TEXT NOT NULL)
            """;
        public const string AppliedVersions = "SELECT version FROM schema_migrations";
        public const string RecordMigration = "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))";
    }
}

/// <summary>Calendar days as ISO-8601 text (yyyy-MM-dd): Dapper has no DateOnly mapping for SQLite.</summary>
public sealed class DateOnlyHandler : SqlMapper.TypeHandler<DateOnly>
{
    public override DateOnly Parse(object value) => DateOnly.ParseExact((string)value, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public override void SetValue(IDbDataParameter parameter, DateOnly value)
    {
        parameter.DbType = DbType.String;
        parameter.Value = value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }
}

/// <summary>
/// Reads instants stored as ISO-8601 text. Dapper maps DateTimeOffset parameters itself and never calls
/// SetValue, so writers convert with <see cref="Format"/> explicitly (UTC, so text order is time order).
/// </summary>
public sealed class DateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
{
    public override DateTimeOffset Parse(object value) => DateTimeOffset.Parse((string)value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
    {
        parameter.DbType = DbType.String;
        parameter.Value = Format(value);
    }

    public static string Format(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
