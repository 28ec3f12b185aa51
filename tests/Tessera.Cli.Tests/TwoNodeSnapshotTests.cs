using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Tessera.Testing;

namespace Tessera.Cli.Tests;

/// <summary>
/// Two real API processes on one PostgreSQL database and a shared blob folder: the node that runs the embedding job
/// builds the index and publishes its snapshot; the other loads it (LISTEN/NOTIFY) instead of rebuilding. PostgreSQL
/// only: a SQLite deployment is one node.
/// </summary>
public class TwoNodeSnapshotTests
{
    [Fact]
    public async Task An_upload_through_one_node_is_searchable_through_the_other_which_loads_the_published_snapshot()
    {
        await using var scratch = await ScratchDatabase.CreateAsync("postgres");
        var blobs = Path.Combine(scratch.DataDir, "shared-blobs");
        var (nodeA, urlA) = Start(scratch, "a", workers: 2, blobs);
        var (nodeB, urlB) = Start(scratch, "b", workers: 0, blobs);
        var logB = new StringBuilder();
        nodeB.OutputDataReceived += (_, e) => { lock (logB) logB.AppendLine(e.Data); };
        nodeB.BeginOutputReadLine();
        nodeA.OutputDataReceived += (_, _) => { };
        nodeA.BeginOutputReadLine();
        try
        {
            using var a = new HttpClient { BaseAddress = urlA };
            using var b = new HttpClient { BaseAddress = urlB };
            await CliProcess.WaitForHealthAsync(a, nodeA);
            await CliProcess.WaitForHealthAsync(b, nodeB);
            var created = await CliProcess.RunAsync("token", "create", "--user", "ann@example.com", "--org", "lab", "--data-dir", Path.Combine(scratch.DataDir, "a"), "--database", scratch.Target);
            Assert.True(created.ExitCode == 0, created.Error);
            var token = new AuthenticationHeaderValue("Bearer", created.Output.Trim().Split('\n')[^1]);
            a.DefaultRequestHeaders.Authorization = token;
            b.DefaultRequestHeaders.Authorization = token;

            var peptides = TestPeptides.Random(40, seed: 5, minLength: 8, maxLength: 30);
            // A first request warms node b up (JIT, connection pool, embedder), as a serving node is.
            Assert.Empty((await SearchAsync(b, peptides[0])).GetProperty("hits").EnumerateArray());
            var fasta = string.Concat(peptides.Select((p, i) => $">p{i}\n{p}\n"));
            using var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.ASCII.GetBytes(fasta)), "file", "two-node.fasta" } };
            var upload = await a.PostAsync(new Uri("/api/v1/omics/runs", UriKind.Relative), form);
            var uploaded = JsonDocument.Parse(await upload.Content.ReadAsStringAsync()).RootElement;
            Assert.True(upload.IsSuccessStatusCode, uploaded.ToString());
            var job = await JobPolling.WaitForJobAsync(a, uploaded.GetProperty("job").GetProperty("id").GetString()!);
            Assert.Equal("succeeded", job.GetProperty("state").GetString());

            // Through the other node at once, with no wait after the job's end: each peptide finds itself first.
            foreach (var peptide in peptides.Take(5))
                Assert.Equal(peptide, (await SearchAsync(b, peptide)).GetProperty("hits")[0].GetProperty("sequence").GetString());

            // Node B serves node A's snapshot: loaded from the blob store, not built from the database.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!Logged(logB, "serving a snapshot another node published"))
            {
                Assert.True(DateTime.UtcNow < deadline, "node b did not load the published snapshot:\n" + Text(logB));
                await Task.Delay(100);
            }
            Assert.False(Logged(logB, "and swapped it in"), "node b built an index of its own");
            var ready = await b.GetStringAsync(new Uri("/readyz", UriKind.Relative));
            Assert.Contains($"{peptides.Distinct().Count()} vectors", ready, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var node in new[] { nodeA, nodeB })
            {
                node.Kill(entireProcessTree: true);
                await node.WaitForExitAsync();
                node.Dispose();
            }
        }
    }

    private static (Process Node, Uri Url) Start(ScratchDatabase scratch, string name, int workers, string blobs)
    {
        var port = CliProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        var info = CliProcess.StartInfo("serve", "--data-dir", Path.Combine(scratch.DataDir, name), "--database", scratch.Target, "--port", port,
            "--workers", workers.ToString(CultureInfo.InvariantCulture));
        info.Environment["TESSERA__BLOBS__ROOT"] = blobs;
        return (Process.Start(info)!, new Uri($"http://127.0.0.1:{port}"));
    }

    private static async Task<JsonElement> SearchAsync(HttpClient node, string peptide)
    {
        var search = await node.PostAsync(new Uri("/api/v1/omics/search", UriKind.Relative),
            new StringContent(JsonSerializer.Serialize(new { sequence = peptide, k = 1 }), Encoding.UTF8, "application/json"));
        var found = JsonDocument.Parse(await search.Content.ReadAsStringAsync()).RootElement;
        Assert.True(search.IsSuccessStatusCode, found.ToString());
        return found;
    }

    private static bool Logged(StringBuilder log, string text) => Text(log).Contains(text, StringComparison.Ordinal);

    private static string Text(StringBuilder log)
    {
        lock (log) return log.ToString();
    }
}
