using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Tessera.Omics.Api;

/// <summary>
/// Reads and discards the body of an upload refused before it was read (429/503 at the cap). Answered unread,
/// Kestrel drains the body for only 5 s after the response and then resets the connection, so a client still
/// sending a large file (one that does not wait for <c>100 Continue</c>, like most) loses the answer to a reset.
/// Read here, the client finishes sending and then reads the refusal. The server's request size limit and minimum
/// data rate still bound it; nothing is stored and no upload slot is held meanwhile.
/// </summary>
internal static class RefusedUploadBody
{
    private const int BufferBytes = 64 * 1024;

    public static async Task DiscardAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // A client waiting for 100 Continue has not sent the body: reading would invite it to.
        if (request.Headers.Expect.ToString().Contains("100-continue", StringComparison.OrdinalIgnoreCase)) return;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        try
        {
            while (await request.Body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (Exception e) when (e is IOException or BadHttpRequestException)
        {
            // Too large or too slow: Kestrel answers or closes the connection itself; the refusal stands.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
