using System.Net;
using System.Net.Sockets;

namespace ChuyenDoiSo.Workers.Tests;

public static class TestNetwork
{
    /// <summary>A TCP port on loopback that nothing listens on now (the OS's choice), for a server the test starts.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
