using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ChuyenDoiSo.Workers.Tests.Signing;

/// <summary>An RFC 3161 timestamp authority on localhost: an HttpListener that pipes each request into `openssl ts -reply`.</summary>
public sealed class LocalTimestampAuthority : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _folder;
    private readonly Task _loop;
    private int _served;

    public LocalTimestampAuthority(string folder)
    {
        _folder = folder;
        Directory.CreateDirectory(folder);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Test TSA ChuyenDoiSo, C=VN", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.8")], critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        File.WriteAllText(Path.Combine(folder, "tsa.pem"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, "tsa.key"), key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(folder, "tsaserial"), "01\n");
        File.WriteAllText(Path.Combine(folder, "tsa.cnf"), $"""
            [ tsa ]
            default_tsa = tsa_config1
            [ tsa_config1 ]
            dir = {folder}
            serial = $dir/tsaserial
            crypto_device = builtin
            signer_cert = $dir/tsa.pem
            certs = $dir/tsa.pem
            signer_key = $dir/tsa.key
            signer_digest = sha256
            default_policy = 1.2.3.4.1
            digests = sha256, sha384, sha512
            accuracy = secs:1
            ordering = yes
            tsa_name = no
            ess_cert_id_chain = no
            ess_cert_id_alg = sha256
            """);
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Url = $"http://127.0.0.1:{port}/tsa/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string Url { get; }
    public int Served => _served;

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            var query = Path.Combine(_folder, $"q{Guid.NewGuid():N}.tsq");
            var reply = Path.ChangeExtension(query, ".tsr");
            await using (var file = File.Create(query)) await context.Request.InputStream.CopyToAsync(file);
            var (exit, output) = await PdfTools.RunAsync("openssl", "ts", "-reply", "-config", Path.Combine(_folder, "tsa.cnf"), "-queryfile", query, "-out", reply);
            if (exit != 0)
            {
                context.Response.StatusCode = 500;
                await using (var writer = new StreamWriter(context.Response.OutputStream)) await writer.WriteAsync(output);
                continue;
            }
            Interlocked.Increment(ref _served);
            context.Response.ContentType = "application/timestamp-reply";
            var bytes = await File.ReadAllBytesAsync(reply);
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
