using System.Net.Http.Headers;
using System.Security.Cryptography;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Tsp;

namespace ChuyenDoiSo.Workers.Signing;

/// <summary>RFC 3161 over HTTP: asks Hub:Signing:TimestampUrl for a token over the SHA-256 of a signature value.</summary>
public sealed class TimestampClient(HttpClient http, Uri url)
{
    public async Task<byte[]?> TimestampAsync(byte[] signature, CancellationToken cancellationToken)
    {
        var generator = new TimeStampRequestGenerator();
        generator.SetCertReq(true);
        var nonce = new BigInteger(1, RandomNumberGenerator.GetBytes(8));
        var request = generator.Generate(TspAlgorithms.Sha256, SHA256.HashData(signature), nonce);
        using var content = new ByteArrayContent(request.GetEncoded());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/timestamp-query");
        using var response = await http.PostAsync(url, content, cancellationToken);
        if (!response.IsSuccessStatusCode) throw new TspException($"the timestamp authority answered {(int)response.StatusCode} {response.ReasonPhrase}");
        var reply = new TimeStampResponse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
        // Checks status, the imprint and the nonce against the request.
        reply.Validate(request);
        return reply.TimeStampToken?.GetEncoded() ?? throw new TspException($"the timestamp authority granted no token: {reply.GetStatusString()}");
    }
}
