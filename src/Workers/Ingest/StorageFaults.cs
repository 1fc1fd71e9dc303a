namespace ChuyenDoiSo.Workers.Ingest;

/// <summary>
/// Whether the hub's last attempt to store updates failed, and why (one line): the sqlite health check reports it as
/// unhealthy until a batch is stored again, so a locked, full or damaged hub.db turns /health/ready red.
/// </summary>
public sealed class StorageFaults
{
    private volatile string? _cause;

    public string? Cause => _cause;

    public void Failed(string? cause) => _cause = cause ?? "storing updates failed";

    public void Stored() => _cause = null;
}
