using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Core.Identity;
using Tessera.Data.Identity;
using Tessera.Omics.Runs;
using Tessera.Server.Hosting;
using Tessera.Testing;

namespace Tessera.Server.Tests;

/// <summary>
/// A refused upload over a real Kestrel socket (TestServer has no connection to reset): a client that sends its whole
/// body before reading, as most do, must get the refusal, not a reset.
/// </summary>
public class OmicsRefusedUploadSocketTests
{
    // Half way the client stalls (as a client starved of CPU does) for longer than Kestrel's 5 s drain of an unread
    // body, which is what used to end in a reset.
    private const int Chunks = 32;
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(7);
    private static readonly byte[] Chunk = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(">p\nKLAKLAKKLAKLAK\n", 64 * 1024 / 18)));

    [Fact]
    public async Task A_refused_upload_gets_its_503_while_the_client_is_still_sending_the_body()
    {
        await using var database = await ScratchDatabase.CreateAsync("sqlite");
        var builder = TesseraServer.CreateBuilder([], new Dictionary<string, string?>
        {
            [TesseraSettings.DataDirKey] = database.DataDir,
            [TesseraSettings.DatabaseKey] = database.Target,
            [TesseraSettings.PortKey] = "0",
            [TesseraSettings.WorkersKey] = "0",
            ["omics:max_concurrent_uploads"] = "1",
        });
        await using var app = TesseraServer.Build(builder);
        await app.StartAsync();
        var address = new Uri(app.Urls.Single());
        var (user, org, _) = await app.Services.GetRequiredService<AccountService>().EnsureMemberAsync("alice@example.com", "lab", null, new AuditActor(null, null, "test"));
        var token = await app.Services.GetRequiredService<TokenService>().IssueAsync(user.Id, org.Id, "test", [], TimeSpan.FromDays(1), loopbackOnly: false, new AuditActor(null, null, "test"));

        // Another organization's upload holds the server's only slot.
        using var busy = app.Services.GetRequiredService<OmicsUploadSlots>().Enter(new Principal(user.Id, Guid.CreateVersion7(), Roles.PermissionsOf(Roles.Member)));

        var boundary = "b0undary";
        var head = Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.fasta\"\r\nContent-Type: text/plain\r\n\r\n");
        var tail = Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n");
        var length = head.Length + Chunks * Chunk.Length + tail.Length;
        using var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /api/v1/omics/runs HTTP/1.1\r\nHost: {address.Authority}\r\nAuthorization: Bearer {token.Token}\r\n" +
            $"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {length}\r\n\r\n"));
        await stream.WriteAsync(head);
        for (var i = 0; i < Chunks; i++)
        {
            await stream.WriteAsync(Chunk);
            if (i == Chunks / 2) await Task.Delay(Stall);
        }
        await stream.WriteAsync(tail);

        var response = await ReadResponseAsync(stream);
        Assert.StartsWith("HTTP/1.1 503", response, StringComparison.Ordinal);
        Assert.Contains("Retry-After:", response, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(OmicsUploadSlots.ServerBusyCode, response, StringComparison.Ordinal);
        await app.StopAsync();
    }

    /// <summary>The status line, headers and body of one response: up to its Content-Length, or its last chunk.</summary>
    private static async Task<string> ReadResponseAsync(NetworkStream stream)
    {
        var text = new StringBuilder();
        var buffer = new byte[8192];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!Complete(text.ToString()))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0) break;
            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
        return text.ToString();
    }

    private static bool Complete(string response)
    {
        var end = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0) return false;
        var length = response[..end].Split("\r\n").FirstOrDefault(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        return length is null
            ? response.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal)
            : response.Length - end - 4 >= int.Parse(length["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
