using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Platform.Collections;
using Tessera.Testing;
using static Tessera.Server.Tests.AuthTestKit;
using static Tessera.Server.Tests.OmicsTestKit;
using static Tessera.Testing.JobPolling;

namespace Tessera.Server.Tests;

/// <summary>Deleting a run: owner-filtered, and its peptides leave search results at once, on both dialects.</summary>
public class OmicsRunDeletionTests
{
    private static string Fasta(IEnumerable<string> sequences, string prefix) =>
        string.Concat(sequences.Select((s, i) => $">{prefix}-{i}\n{s}\n"));

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_deleted_runs_peptides_are_never_found_again_before_or_after_a_rebuild_and_restart(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        var peptides = TestPeptides.Random(60, seed: 12, minLength: 8, maxLength: 30);
        var (kept, doomed) = (peptides[..30], peptides[30..]);
        string keptRun, doomedRun;
        List<string> keptBefore;
        await using (var app = TesseraAppFactory.Over(scratch))
        {
            var (alice, _, _, _) = await SignInAsync(app, "alice@example.com", "lab");
            (keptRun, var keptJob, _) = await UploadRunAsync(alice, Fasta(kept, "k"), "kept");
            (doomedRun, var doomedJob, _) = await UploadRunAsync(alice, Fasta(doomed, "d"), "doomed");
            foreach (var job in new[] { keptJob, doomedJob }) Assert.Equal("succeeded", (await WaitForJobAsync(alice, job)).GetProperty("state").GetString());
            Assert.Equal(doomed[3], HitSequences(await SearchAsync(alice, new { sequence = doomed[3], k = 1 }))[0]);
            keptBefore = await KeptResultsAsync(alice, kept, keptRun);

            // Someone else's run reads exactly like a missing one, and stays.
            var (bob, _, _, _) = await SignInAsync(app, "bob@example.com", "other");
            var foreign = await bob.DeleteAsync(new Uri($"/api/v1/omics/runs/{doomedRun}", UriKind.Relative));
            var missing = await bob.DeleteAsync(new Uri($"/api/v1/omics/runs/{Guid.NewGuid()}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
            Assert.Equal(await CodeOf(missing), await CodeOf(foreign));
            Assert.Equal(doomed[3], HitSequences(await SearchAsync(alice, new { sequence = doomed[3], k = 1 }))[0]);

            Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync(new Uri($"/api/v1/omics/runs/{doomedRun}", UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await alice.GetAsync(new Uri($"/api/v1/omics/runs/{doomedRun}", UriKind.Relative))).StatusCode);
            await AssertNeverFoundAsync(alice, doomed, doomedRun);
            Assert.Equal(keptBefore, await KeptResultsAsync(alice, kept, keptRun));
        }

        // Restarted: the snapshot on disk was built before the deletion and still holds the run's vectors.
        await using (var app = TesseraAppFactory.Over(scratch))
        {
            var (alice, _, _, _) = await SignInAsync(app, "alice@example.com", "lab");
            await AssertNeverFoundAsync(alice, doomed, doomedRun);
            var collection = app.Services.GetRequiredService<VectorCollections>().Get("omics");
            var partition = Assert.Single(await collection.PartitionsAsync(CancellationToken.None));
            Assert.Equal(30, (await collection.UpdateAsync(partition, full: true)).Count);
            await AssertNeverFoundAsync(alice, doomed, doomedRun);
            Assert.Equal(keptBefore, await KeptResultsAsync(alice, kept, keptRun));
        }
    }

    private static async Task AssertNeverFoundAsync(HttpClient client, IEnumerable<string> sequences, string runId)
    {
        foreach (var sequence in sequences)
        {
            var hits = (await SearchAsync(client, new { sequence, k = 10 })).GetProperty("hits").EnumerateArray().ToList();
            Assert.NotEmpty(hits);
            Assert.DoesNotContain(hits, h => h.GetProperty("run_id").GetString() == runId);
        }
    }

    /// <summary>What searches for the kept run's peptides answer: labels aside, the same before and after the deletion.</summary>
    private static async Task<List<string>> KeptResultsAsync(HttpClient client, IEnumerable<string> sequences, string runId)
    {
        var results = new List<string>();
        foreach (var sequence in sequences)
        {
            var hits = (await SearchAsync(client, new { sequence, k = 5, run_ids = new[] { runId } })).GetProperty("hits");
            results.Add(string.Join(",", hits.EnumerateArray().Select(h => $"{h.GetProperty("peptide_id").GetString()}:{h.GetProperty("score").GetDouble():F5}")));
        }
        return results;
    }
}
