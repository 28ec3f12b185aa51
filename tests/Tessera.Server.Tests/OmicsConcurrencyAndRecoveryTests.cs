using System.Text;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Platform.Collections;
using Tessera.Testing;
using static Tessera.Server.Tests.AuthTestKit;
using static Tessera.Server.Tests.OmicsTestKit;
using static Tessera.Testing.JobPolling;

namespace Tessera.Server.Tests;

public class OmicsConcurrencyAndRecoveryTests
{
    private const string Magainin = "GIGKFLHSAKKFGKAFVGEIMNS";

    private static List<string> RandomPeptides(int count, int seed) => TestPeptides.Random(count, seed, minLength: 8, maxLength: 40);

    private static string Fasta(IEnumerable<string> sequences, string prefix) =>
        string.Concat(sequences.Select((s, i) => $">{prefix}-{i}\n{s}\n"));

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Twenty_parallel_uploads_all_complete_once_with_exact_counts_and_a_consistent_index(string dialect)
    {
        // Caps high enough for all twenty at once: this is about the pipeline, OmicsUploadLimitTests about the caps.
        await using var app = await TesseraAppFactory.CreateAsync(dialect, settings: new Dictionary<string, string?>
        {
            ["omics:max_concurrent_uploads"] = "20",
            ["omics:max_concurrent_uploads_per_org"] = "20",
        });
        var (alice, _, _, _) = await SignInAsync(app, "alice@example.com", "lab");
        var (bob, _, _, _) = await SignInAsync(app, "bob@example.com", "other-lab");
        const int runs = 20, unique = 30;
        var pool = RandomPeptides(runs * unique, seed: 20);
        // Each file: 30 peptides of its own, magainin (in every run), a record repeating its first peptide and one invalid
        // record: 33 records, 31 distinct peptides, 1 error.
        var files = Enumerable.Range(0, runs).Select(r =>
        {
            var own = pool.GetRange(r * unique, unique);
            return (Own: own, Fasta: Fasta([.. own, Magainin, own[0].ToLowerInvariant()], $"r{r}") + ">bad\nKLJAK\n");
        }).ToList();

        var uploads = await Task.WhenAll(files.Select((f, r) => UploadRunAsync(r % 2 == 0 ? alice : bob, f.Fasta, $"run-{r}")));
        var jobs = await Task.WhenAll(uploads.Select((u, r) => WaitForJobAsync(r % 2 == 0 ? alice : bob, u.JobId)));

        for (var r = 0; r < runs; r++)
        {
            Assert.Equal("succeeded", jobs[r].GetProperty("state").GetString());
            Assert.Equal(1, jobs[r].GetProperty("attempts").GetInt32());
            var client = r % 2 == 0 ? alice : bob;
            var run = await Json(await client.GetAsync(new Uri($"/api/v1/omics/runs/{uploads[r].RunId}", UriKind.Relative)));
            Assert.Equal("embedded", run.GetProperty("state").GetString());
            Assert.Equal(unique + 1, run.GetProperty("peptide_count").GetInt32());
            Assert.Equal(unique + 3, run.GetProperty("record_count").GetInt32());
            Assert.Equal(1, run.GetProperty("error_count").GetInt32());
        }

        // One vector per distinct peptide per run, and the index holds exactly those.
        await using (var c = await app.Database.Database.OpenConnectionAsync(CancellationToken.None))
        {
            Assert.Equal(runs * (unique + 1), await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM omics_peptides"));
            Assert.Equal(runs * (unique + 1), await c.ExecuteScalarAsync<int>("SELECT COUNT(DISTINCT peptide_id) FROM omics_embeddings"));
            Assert.Equal(runs * (unique + 1), await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM omics_embeddings"));
        }
        var status = Assert.Single(app.Services.GetRequiredService<VectorCollections>().Get("omics").Statuses);
        Assert.Equal(runs * (unique + 1), status.Count);

        // Each run, searched alone with k above its size, returns exactly its own peptides, the query first.
        for (var r = 0; r < runs; r++)
        {
            var found = await SearchAsync(r % 2 == 0 ? alice : bob, new { sequence = files[r].Own[3], k = 100, run_ids = new[] { uploads[r].RunId } });
            var sequences = HitSequences(found);
            Assert.Equal(files[r].Own[3], sequences[0]);
            Assert.Equal(files[r].Own.Append(Magainin).Order(StringComparer.Ordinal), sequences.Order(StringComparer.Ordinal));
        }

        // Across all of one owner's runs, the shared peptide is found once per run of theirs, and never in the other's.
        foreach (var (client, mine) in new[] { (alice, 0), (bob, 1) })
        {
            var found = await SearchAsync(client, new { sequence = Magainin, k = runs / 2 });
            Assert.Equal(runs / 2 * (unique + 1), found.GetProperty("searched").GetInt32());
            var hits = found.GetProperty("hits").EnumerateArray().ToList();
            Assert.All(hits, h => Assert.Equal(Magainin, h.GetProperty("sequence").GetString()));
            var expectedRuns = uploads.Where((_, r) => r % 2 == mine).Select(u => u.RunId).Order(StringComparer.Ordinal);
            Assert.Equal(expectedRuns, hits.Select(h => h.GetProperty("run_id").GetString()!).Order(StringComparer.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_failed_index_rebuild_keeps_the_last_index_serving_and_a_crashed_one_leaves_the_snapshot_to_restart_from(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        var peptides = RandomPeptides(90, seed: 7);
        var indexes = Path.Combine(scratch.DataDir, "indexes");
        string firstRun;
        await using (var app = TesseraAppFactory.Over(scratch))
        {
            var (client, _, _, _) = await SignInAsync(app, "dana@example.com", "lab");
            (firstRun, var firstJob, _) = await UploadRunAsync(client, Fasta(peptides[..30], "a"), "first");
            Assert.Equal("healthy", (await WaitForJobAsync(client, firstJob)).GetProperty("result").GetProperty("index_health").GetString());

            // The disk under the index directory goes bad: the next rebuild cannot write its snapshot.
            Directory.Delete(indexes, recursive: true);
            await File.WriteAllTextAsync(indexes, "not a directory");
            var (secondRun, secondJob, _) = await UploadRunAsync(client, Fasta(peptides[30..60], "b"), "second");
            var job = await WaitForJobAsync(client, secondJob);
            Assert.Equal("succeeded", job.GetProperty("state").GetString());
            Assert.Equal("degraded", job.GetProperty("result").GetProperty("index_health").GetString());
            var ready = await client.GetAsync(new Uri("/readyz", UriKind.Relative));
            Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
            Assert.Equal("degraded", (await Json(ready)).GetProperty("status").GetString());

            // Searches keep answering from memory: the second run's vectors were added to the serving index before
            // its snapshot failed to save, so both runs are found; only the file on disk is behind.
            Assert.Equal(peptides[5], HitSequences(await SearchAsync(client, new { sequence = peptides[5], k = 1 }))[0]);
            Assert.Equal(peptides[35], HitSequences(await SearchAsync(client, new { sequence = peptides[35], k = 1, run_ids = new[] { secondRun } }))[0]);

            // The disk comes back: the next embedding's update saves everything and health returns.
            File.Delete(indexes);
            var (_, thirdJob, _) = await UploadRunAsync(client, Fasta(peptides[60..], "c"), "third");
            Assert.Equal("healthy", (await WaitForJobAsync(client, thirdJob)).GetProperty("result").GetProperty("index_health").GetString());
            Assert.Equal("healthy", (await Json(await client.GetAsync(new Uri("/readyz", UriKind.Relative)))).GetProperty("status").GetString());
            foreach (var i in new[] { 5, 35, 65 })
                Assert.Equal(peptides[i], HitSequences(await SearchAsync(client, new { sequence = peptides[i], k = 1 }))[0]);
        }

        // A rebuild killed half-way leaves only a temp file beside the last good snapshot; a restarted server
        // serves that snapshot at once (no rebuild needed) and ignores the debris.
        var snapshot = Assert.Single(Directory.GetFiles(indexes, "*.hnsw"));
        await File.WriteAllBytesAsync(Path.Combine(indexes, $".{Path.GetFileName(snapshot)}.{Guid.NewGuid():N}.tmp"), Encoding.ASCII.GetBytes("TSRHNSW half-written"));
        await using (var app = TesseraAppFactory.Over(scratch))
        {
            var (client, _, _, _) = await SignInAsync(app, "dana@example.com", "lab");
            Assert.Equal(peptides[35], HitSequences(await SearchAsync(client, new { sequence = peptides[35], k = 1 }))[0]);
            var status = Assert.Single(app.Services.GetRequiredService<VectorCollections>().Get("omics").Statuses);
            Assert.Equal(90, status.Count);
            Assert.Null(status.LastBuildDuration); // loaded from the snapshot, not rebuilt
            Assert.Equal("healthy", (await Json(await client.GetAsync(new Uri("/readyz", UriKind.Relative)))).GetProperty("status").GetString());
            var hit = (await SearchAsync(client, new { sequence = peptides[5], k = 1 })).GetProperty("hits")[0];
            Assert.Equal(firstRun, hit.GetProperty("run_id").GetString());
        }
    }
}
