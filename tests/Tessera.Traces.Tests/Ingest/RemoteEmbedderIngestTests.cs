using Tessera.Inference.Embeddings;
using Tessera.Inference.Remote;
using Tessera.Testing;
using static Tessera.Testing.ScriptedEmbeddingsServer;

namespace Tessera.Traces.Tests.Ingest;

/// <summary>
/// Ingestion through an OpenAI-compatible endpoint over real loopback HTTP that misbehaves the way real ones do:
/// a 429 with Retry-After, 500s, an attempt that never answers, and a text it always refuses (400).
/// </summary>
public sealed class RemoteEmbedderIngestTests
{
    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Rate_limits_server_errors_and_timeouts_are_retried_and_a_refused_record_is_skipped_while_the_rest_is_stored(string dialect)
    {
        await using var remote = await StartAsync(TimeProvider.System, async (request, context, texts) =>
        {
            switch (request)
            {
                case 1: await Status(context, 429, retryAfter: "1"); break;
                case 2: await Status(context, 500); break;
                case 3: await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted); break;
                default:
                    if (texts.Any(t => t.Contains("POISON", StringComparison.Ordinal))) await Status(context, 400);
                    else await Embeddings(context, texts);
                    break;
            }
        });
        var options = new RemoteEmbedderOptions("gpu-box", remote.Endpoint, "remote-model-7b", Dimension)
        {
            // Long enough that a loaded machine still delivers the 429 within its attempt: an attempt that timed out
            // instead would be retried on the short backoff, and the Retry-After check below would fail for the wrong reason.
            AttemptTimeout = TimeSpan.FromSeconds(3),
            RetryBaseDelay = TimeSpan.FromMilliseconds(20),
        };
        var http = new NamedEmbedder("gpu-box", time => new RemoteEmbedder(options, time));
        await using var rig = await IngestRig.CreateAsync(dialect, null, http);
        var owner = TracesIngestServiceTests.Member();
        var source = await rig.SourceAsync(owner, "runs", embedder: "gpu-box");
        var lines = Enumerable.Range(0, 9).Select(i => SeedRun.Line(i / 3, i % 3, i == 4 ? "POISON pill" : $"entry {i}")).Append(SeedRun.Line(3, 0, "the end", "done"));
        await File.WriteAllTextAsync(Path.Combine(source.Path, "run.jsonl"), string.Concat(lines));

        var report = await rig.Ingest.DiscoverAsync(source, null, default);

        Assert.Equal((9, 1), (report.RecordsAdded, report.Problems));
        var file = await rig.FileAsync(source.Id, "run.jsonl");
        Assert.Equal("processed", file.State);
        Assert.Contains("\"line\":5", file.Problems, StringComparison.Ordinal);
        Assert.Contains(TracesErrorCodes.EmbeddingFailed, file.Problems, StringComparison.Ordinal);
        Assert.Equal(9, await rig.EmbeddingCountAsync(owner.OrgId));
        // The 429's Retry-After was honoured: the second request came at least a second after the first.
        var arrivals = remote.Requests.Select(r => r.At).ToList();
        Assert.True(arrivals[1] - arrivals[0] >= TimeSpan.FromSeconds(0.95), $"retried after {(arrivals[1] - arrivals[0]).TotalMilliseconds} ms");
    }
}
