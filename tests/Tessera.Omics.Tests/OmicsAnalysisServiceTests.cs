using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;
using Tessera.Data.Blobs;
using Tessera.Data.Migrations;
using Tessera.Omics.Analysis;
using Tessera.Omics.Export;
using Tessera.Omics.Parsing;
using Tessera.Omics.Runs;
using Tessera.Omics.Storage;
using Tessera.Platform.Blobs;
using Tessera.Testing;
using Tessera.Omics.Chemistry;

namespace Tessera.Omics.Tests;

public class OmicsAnalysisServiceTests
{
    private static readonly Principal Owner = new(Guid.CreateVersion7(), Guid.CreateVersion7(), Roles.PermissionsOf(Roles.Member));
    private static readonly EmbedderIdentity Embedder = new("composition-test", 20, new string('c', 64));

    /// <summary>A stand-in embedding for tests: the residue composition (similar sequences, similar vectors).</summary>
    private static float[] Embed(string sequence) =>
        PeptideResidues.Standard.Select(letter => (float)sequence.Count(c => c == letter) / sequence.Length).ToArray();

    private static async Task<Guid> EmbeddedRunAsync(ScratchDatabase scratch, IEnumerable<string> sequences, bool embed = true)
    {
        var blobs = new LocalBlobStore(Path.Combine(scratch.DataDir, "blobs"), 10 << 20, TimeProvider.System);
        var upload = new OmicsUploadService(scratch.Database, blobs, new UploadStaging(blobs, new BlobReferences([new ColumnBlobReferences(scratch.Database, "omics_runs", "file_sha256")])), new ParseLimits(), TimeProvider.System);
        var fasta = string.Concat(sequences.Select((s, i) => $">r{i}\n{s}\n"));
        var run = await upload.CreateRunAsync(Owner, new OmicsUploadService.Upload(new MemoryStream(Encoding.UTF8.GetBytes(fasta)), "f.fasta", null), null);
        if (!embed) return run.Id;
        await scratch.Database.InTransactionAsync(async (c, t) =>
        {
            var peptides = await OmicsRepository.ListPeptidesAsync(c, run.Id, default);
            await EmbeddingRows.InsertAsync(c, t, run.Id, Embedder, peptides.Select(p => (p.Id, Embed(p.Sequence))).ToList(), DateTimeOffset.UtcNow, default);
            await OmicsRepository.MarkEmbeddedAsync(c, t, run.Id, Embedder, DateTimeOffset.UtcNow, default);
        });
        return run.Id;
    }

    private static async Task MigrateAsync(ScratchDatabase scratch) =>
        await new MigrationRunner(scratch.Database, [DataModule.Migrations, OmicsModule.Schema], TimeProvider.System, NullLogger<MigrationRunner>.Instance).MigrateAsync();

    private static IEnumerable<string> Family(char a, char b, int count) =>
        Enumerable.Range(0, count).Select(i => new string(a, 6 + i % 5) + new string(b, 3 + i % 4));

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_summary_counts_describes_and_clusters_a_run(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        await MigrateAsync(scratch);
        var runId = await EmbeddedRunAsync(scratch, Family('K', 'L', 20).Concat(Family('D', 'E', 20)).Distinct());

        var summary = await new OmicsAnalysisService(scratch.Database).SummarizeAsync(Owner, runId);

        Assert.Equal(summary.PeptideCount, summary.LengthHistogram.Sum(b => b.Count));
        Assert.Equal(1, summary.Composition.Values.Sum(), 1e-6);
        Assert.Equal(20, summary.EmbeddingDimension);
        Assert.True(summary.Features["net_charge_ph7"].Min < 0 && summary.Features["net_charge_ph7"].Max > 0);
        Assert.True(summary.Clusters.Count >= 2);
        Assert.Equal(summary.PeptideCount, summary.Clusters.Sum(c => c.Size));
        Assert.All(summary.Clusters, c => Assert.NotEmpty(c.Representatives));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Comparing_reports_shared_sequences_similarity_and_feature_tests(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        await MigrateAsync(scratch);
        var basic = Family('K', 'L', 12).Distinct().ToList();
        var acidic = Family('D', 'E', 12).Distinct().ToList();
        var a = await EmbeddedRunAsync(scratch, basic);
        var b = await EmbeddedRunAsync(scratch, basic.Take(4).Concat(acidic));
        var service = new OmicsAnalysisService(scratch.Database);

        var comparison = await service.CompareAsync(Owner, a, b);

        Assert.Equal(4, comparison.SharedSequences);
        Assert.Equal(1.0, comparison.TopMatches[0].Similarity, 1e-5);
        Assert.Equal(1.0, comparison.NearestNeighbourQuantiles["p95"], 1e-5);
        var charge = comparison.FeatureDeltas.Single(d => d.Feature == "net_charge_ph7");
        Assert.True(charge.Delta < 0);
        Assert.True(charge.PValue < 0.01);
        Assert.InRange(comparison.CentroidCosine, -1, 1);

        var self = await service.CompareAsync(Owner, a, a);
        Assert.Equal(1.0, self.CentroidCosine, 1e-5);
        Assert.Equal(basic.Count, self.SharedSequences);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task An_export_lists_every_record_in_file_order_in_each_format(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        await MigrateAsync(scratch);
        var runId = await EmbeddedRunAsync(scratch, ["KLAKLAK", "GIGKFLHS", "KLAKLAK", "DDEE"]);
        var service = new OmicsExportService(scratch.Database, TimeProvider.System);
        var run = await service.GetExportableRunAsync(Owner, runId, "json");

        using var json = new KestrelLikeStream();
        await service.WriteAsync(run, "json", json);
        var doc = System.Text.Json.JsonDocument.Parse(json.ToArray()).RootElement;
        var ids = doc.GetProperty("peptides").EnumerateArray().Select(p => p.GetProperty("id").GetString()).ToList();
        Assert.Equal(["r0", "r1", "r2", "r3"], ids);
        Assert.Equal("composition-test", doc.GetProperty("embedder").GetProperty("name").GetString());
        Assert.Equal(20, doc.GetProperty("peptides")[2].GetProperty("embedding").GetArrayLength());

        using var npy = new KestrelLikeStream();
        await service.WriteAsync(run, "npy", npy);
        Assert.Equal((4, 20), Tessera.Core.Numerics.Npy.Read(new MemoryStream(npy.ToArray())).Matrix);

        using var csv = new KestrelLikeStream();
        await service.WriteAsync(run, "csv", csv);
        Assert.Equal(5, Encoding.UTF8.GetString(csv.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        var pending = await EmbeddedRunAsync(scratch, ["KLAK"], embed: false);
        var conflict = await Assert.ThrowsAsync<TesseraException>(() => service.GetExportableRunAsync(Owner, pending, "json"));
        Assert.Equal(409, conflict.Status);
        await Assert.ThrowsAsync<TesseraException>(() => service.GetExportableRunAsync(Owner, runId, "xml"));
        var foreign = await Assert.ThrowsAsync<TesseraException>(() => service.GetExportableRunAsync(Owner with { OrgId = Guid.CreateVersion7() }, runId, "json"));
        Assert.Equal(404, foreign.Status);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Foreign_runs_are_not_found_and_unembedded_runs_conflict(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        await MigrateAsync(scratch);
        var embedded = await EmbeddedRunAsync(scratch, Family('K', 'L', 5));
        var pending = await EmbeddedRunAsync(scratch, Family('K', 'L', 5), embed: false);
        var service = new OmicsAnalysisService(scratch.Database);
        var stranger = Owner with { UserId = Guid.CreateVersion7() };

        var foreign = await Assert.ThrowsAsync<TesseraException>(() => service.SummarizeAsync(stranger, embedded));
        var missing = await Assert.ThrowsAsync<TesseraException>(() => service.SummarizeAsync(Owner, Guid.CreateVersion7()));
        Assert.Equal((404, ErrorCodes.ResourceNotFound, missing.Message), (foreign.Status, foreign.Code, foreign.Message));
        var notEmbedded = await Assert.ThrowsAsync<TesseraException>(() => service.CompareAsync(Owner, embedded, pending));
        Assert.Equal(OmicsRunData.NotEmbeddedCode, notEmbedded.Code);
    }
}
