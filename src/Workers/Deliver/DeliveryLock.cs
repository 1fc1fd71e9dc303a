namespace ChuyenDoiSo.Workers.Deliver;

/// <summary>
/// An exclusive lock on a file, held by one process at a time. On Linux .NET takes an advisory flock for
/// FileShare.None, which the kernel releases when the holder exits or is killed, so a crash never leaves it held.
/// </summary>
public sealed class DeliveryLock : IDisposable
{
    private readonly FileStream _stream;

    private DeliveryLock(FileStream stream) => _stream = stream;

    public static async Task<DeliveryLock> AcquireAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new DeliveryLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
