using System.Text;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;
using Tessera.Data.Blobs;
using Tessera.Data.Migrations;
using Tessera.Inference.Embeddings;
using Tessera.Omics.Embedding;
using Tessera.Omics.Parsing;
using Tessera.Omics.Runs;
using Tessera.Omics.Storage;
using Tessera.Platform.Blobs;
using Tessera.Testing;
using Tessera.Omics.Chemistry;

namespace Tessera.Omics.Tests;

public class OmicsEmbeddingServiceTests
{
    private static readonly Principal Owner = new(Guid.CreateVersion7(), Guid.CreateVersion7(), Roles.PermissionsOf(Roles.Member));
    private static readonly EmbedderRegistry Registry = new(new OmicsModule().Embedders);
    private static readonly string EsmTiny = Path.Combine(RepoPaths.Fixtures, "esm2-tiny");

    private static async Task<Guid> UploadAsync(ScratchDatabase scratch, int peptides)
    {
        await new MigrationRunner(scratch.Database, [DataModule.Migrations, OmicsModule.Schema], TimeProvider.System, NullLogger<MigrationRunner>.Instance).MigrateAsync();
        var blobs = new LocalBlobStore(Path.Combine(scratch.DataDir, "blobs"), 10 << 20, TimeProvider.System);
        var upload = new OmicsUploadService(scratch.Database, blobs, new UploadStaging(blobs, new BlobReferences([new ColumnBlobReferences(scratch.Database, "omics_runs", "file_sha256")])), new ParseLimits(), TimeProvider.System);
        var random = new Random(5);
        var fasta = new StringBuilder();
        for (var i = 0; i < peptides; i++)
            fasta.Append('>').Append(i).Append('\n').Append(new string(Enumerable.Range(0, 8 + random.Next(30)).Select(_ => PeptideResidues.Standard[random.Next(20)]).ToArray())).Append('\n');
        var run = await upload.CreateRunAsync(Owner, new OmicsUploadService.Upload(new MemoryStream(Encoding.UTF8.GetBytes(fasta.ToString())), "p.fasta", null), null);
        return run.Id;
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Every_peptide_gets_one_vector_of_the_embedders_dimension_and_the_run_records_the_model(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        var runId = await UploadAsync(scratch, 150);
        var service = new OmicsEmbeddingService(scratch.Database, new OmicsEmbedderChoice(Registry, null), TimeProvider.System);
        var progress = new List<OmicsEmbeddingService.Progress>();

        var identity = (await service.EmbedRunAsync(runId, PeptideDescriptorEmbedder.ModelName, p => { progress.Add(p); return Task.CompletedTask; }, batchSize: 40)).Embedder;

        Assert.Equal(new PeptideDescriptorEmbedder().Descriptor.Dimension, identity.Dimension);
        Assert.Equal([40, 80, 120, 150], progress.Select(p => p.Done));
        await using var c = await scratch.Database.OpenConnectionAsync();
        var vectors = await EmbeddingRows.ReadAsync(c, runId, default);
        Assert.Equal(150, vectors.Count);
        Assert.All(vectors.Values, v => Assert.Equal(identity.Dimension, v.Length));
        var run = await OmicsRepository.FindOwnedRunAsync(c, Owner, runId, default);
        Assert.Equal(OmicsRunStates.Embedded, run!.State);
        Assert.Equal(new PeptideDescriptorEmbedder().Descriptor.ModelHash, run.ModelHash);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_run_asking_for_descriptors_v2_stores_v2_vectors_and_records_its_hash(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        var runId = await UploadAsync(scratch, 30);
        var choice = new OmicsEmbedderChoice(Registry, null);
        var service = new OmicsEmbeddingService(scratch.Database, choice, TimeProvider.System);

        var identity = (await service.EmbedRunAsync(runId, choice.Resolve(PeptideDescriptorEmbedderV2.ModelName), null)).Embedder;

        Assert.Equal(PeptideDescriptorEmbedder.ModelName, choice.DefaultName);
        Assert.Equal(new PeptideDescriptorEmbedderV2().Descriptor.Dimension, identity.Dimension);
        await using var c = await scratch.Database.OpenConnectionAsync();
        Assert.All((await EmbeddingRows.ReadAsync(c, runId, default)).Values, v => Assert.Equal(identity.Dimension, v.Length));
        var run = await OmicsRepository.FindOwnedRunAsync(c, Owner, runId, default);
        Assert.Equal(new PeptideDescriptorEmbedderV2().Descriptor.ModelHash, run!.ModelHash);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_run_interrupted_mid_way_resumes_without_embedding_anything_twice(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        var runId = await UploadAsync(scratch, 100);
        var service = new OmicsEmbeddingService(scratch.Database, new OmicsEmbedderChoice(Registry, null), TimeProvider.System);

        using var cts = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => service.EmbedRunAsync(runId, PeptideDescriptorEmbedder.ModelName, p =>
        {
            if (p.Done >= 50) cts.Cancel();
            return Task.CompletedTask;
        }, batchSize: 25, cancellationToken: cts.Token));
        await using (var c = await scratch.Database.OpenConnectionAsync())
        {
            Assert.Equal(50, await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM omics_embeddings"));
        }

        var resumed = new List<int>();
        var outcome = await service.EmbedRunAsync(runId, PeptideDescriptorEmbedder.ModelName, p => { resumed.Add(p.Done); return Task.CompletedTask; }, batchSize: 25);
        Assert.Equal([75, 100], resumed);
        Assert.Equal(50, outcome.Embedded);
    }

    [Fact]
    public async Task An_esm2_checkpoint_embeds_with_its_own_dimension_and_weights_hash()
    {
        await using var scratch = await ScratchDatabase.CreateAsync("sqlite");
        var runId = await UploadAsync(scratch, 12);
        var choice = new OmicsEmbedderChoice(Registry, EsmTiny);
        Assert.Equal(OmicsEmbedderChoice.EsmName, choice.Resolve(null));

        var identity = (await new OmicsEmbeddingService(scratch.Database, choice, TimeProvider.System).EmbedRunAsync(runId, OmicsEmbedderChoice.EsmName, null)).Embedder;

        Assert.Equal(64, identity.Dimension);
        Assert.Equal(Core.Hashing.Sha256Hex.Of(await File.ReadAllBytesAsync(Path.Combine(EsmTiny, "model.safetensors"))), identity.ModelHash);
    }

    [Fact]
    public void Asking_for_an_unconfigured_or_unknown_embedder_is_a_clear_error()
    {
        var choice = new OmicsEmbedderChoice(Registry, null);
        Assert.Equal(PeptideDescriptorEmbedder.ModelName, choice.Resolve(null));
        Assert.Contains(OmicsEmbedderChoice.EsmModelSetting, Assert.Throws<TesseraException>(() => choice.Resolve("esm2")).Message, StringComparison.Ordinal);
        Assert.Contains("Unknown embedder", Assert.Throws<TesseraException>(() => choice.Resolve("bert")).Message, StringComparison.Ordinal);
    }
}
