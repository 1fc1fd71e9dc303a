using ChuyenDoiSo.Reporting.Storage;
using Microsoft.Data.Sqlite;

namespace ChuyenDoiSo.Reporting.Tests;

/// <summary>
/// A fresh hub database in its own temporary folder, migrated and ready. Create one per test (xunit makes a
/// new test-class instance per test, so a field set in the constructor does it); Dispose deletes the folder.
/// </summary>
public sealed class TestDatabase : IDisposable
{
    public TestDatabase(int through = int.MaxValue)
    {
        Folder = Path.Combine(Path.GetTempPath(), "chuyendoiso-reporting-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        Database = new HubDatabase(Path.Combine(Folder, "hub.db"));
        Database.Migrate(through);
    }

    public string Folder { get; }

    public HubDatabase Database { get; }

    public SqliteConnection Open() => Database.Open();

    public void Dispose()
    {
        // Pooled connections keep the file (and its -wal/-shm) open; Windows would refuse to delete it.
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A connection from a parallel test's pool may still hold the file for a moment; the OS temp cleaner gets it.
        }
    }
}
