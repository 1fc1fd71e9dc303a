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
        try
        {
            connection.Open();
            // FULL: an acknowledged update must survive a power cut, not just a process crash.
            // busy_timeout: wait for a lock held by another writer instead of failing at once.
            connection.Execute("PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;");
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new HubDatabaseException(Path, e);
        }
        return connection;
    }

    /// <summary>
    /// PRAGMA quick_check on a read-only connection, before anything writes: a damaged file (or one that is not a
    /// database) is refused in one line and left exactly as it was. quick_check reads every page but skips the index
    /// cross-checks of integrity_check (README "Where data lives" gives its cost). The host times it (no clock here).
    /// </summary>
    public void Check()
    {
        if (!File.Exists(Path) || new FileInfo(Path).Length == 0) return;
        var readOnly = new SqliteConnectionStringBuilder(ConnectionString) { Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        List<string> problems;
        try
        {
            using var connection = new SqliteConnection(readOnly);
            connection.Open();
            connection.Execute("PRAGMA busy_timeout = 10000");
            problems = connection.Query<string>("PRAGMA quick_check(5)").AsList();
        }
        catch (SqliteException e)
        {
            throw new HubDatabaseException(Path, e);
        }
        if (problems is not ["ok"])
            throw new HubDatabaseException(Path, HubDatabaseException.Corrupt,
                $"{Path} is damaged (PRAGMA quick_check: {string.Join("; ", problems.Take(3))}); nothing was written to it. Restore it from a backup, or move it aside to start empty");
    }

    /// <summary>
    /// Creates the file if needed, switches it to WAL and applies pending scripts (up to and including
    /// <paramref name="through"/>, for tests of an upgrade). Returns the scripts applied now.
    /// </summary>
    public IReadOnlyList<string> Migrate(int through = int.MaxValue)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        Check();
        try
        {
            return MigrateChecked(through);
        }
        catch (SqliteException e)
        {
            throw new HubDatabaseException(Path, e);
        }
    }

    private List<string> MigrateChecked(int through)
    {
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

/// <summary>
/// The database cannot be used, said in one line an operator can act on: damaged, not a database, locked by another
/// process, the disk full, read-only, or not openable. <see cref="Code"/> is SQLite's primary result code.
/// </summary>
public sealed class HubDatabaseException : Exception
{
    public const int Busy = 5;
    public const int Locked = 6;
    public const int ReadOnly = 8;
    public const int Corrupt = 11;
    public const int Full = 13;
    public const int CantOpen = 14;
    public const int NotADatabase = 26;

    public HubDatabaseException(string path, int code, string message)
        : base(message)
    {
        Path = path;
        Code = code;
    }

    public HubDatabaseException(string path, SqliteException inner)
        : base(Explain(path, inner), inner)
    {
        Path = path;
        Code = inner.SqliteErrorCode & 0xFF;
    }

    public HubDatabaseException()
        : this("hub.db", 1, "the hub's database cannot be used")
    {
    }

    public HubDatabaseException(string message)
        : this("hub.db", 1, message)
    {
    }

    public HubDatabaseException(string message, Exception innerException)
        : base(message, innerException)
    {
        Path = "hub.db";
        Code = 1;
    }

    public string Path { get; } = "hub.db";
    public int Code { get; }

    /// <summary>True for the conditions that pass (a lock released): the rest need an operator.</summary>
    public bool IsTransient => Code is Busy or Locked;

    /// <summary>One line for a SQLite failure on <paramref name="path"/>: the cause, SQLite's name for it, what to do.</summary>
    public static string Explain(string path, SqliteException e) => (e.SqliteErrorCode & 0xFF) switch
    {
        Busy or Locked => $"{path} is locked by another process (SQLITE_BUSY) beyond the wait of 10 s; stop the other writer (another hub or a sqlite3 shell) and try again",
        Corrupt => $"{path} is damaged (SQLITE_CORRUPT); restore it from a backup, or move it aside to start empty",
        NotADatabase => $"{path} is not a SQLite database (SQLITE_NOTADB); restore it from a backup, or move it aside to start empty",
        Full => $"the disk holding {path} is full (SQLITE_FULL); free some space and try again",
        ReadOnly => $"{path} is read-only (SQLITE_READONLY); give the hub's user write access to it and its folder",
        CantOpen => $"{path} cannot be opened (SQLITE_CANTOPEN); check that its folder exists and the hub's user may write there",
        10 => $"{path} cannot be read or written (SQLITE_IOERR, disk I/O error); check the disk and free space",
        var code => $"{path}: SQLite error {code}: {OneLine(e.Message)}",
    };

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
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
