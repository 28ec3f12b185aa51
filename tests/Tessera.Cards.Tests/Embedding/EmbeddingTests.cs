using Tessera.Cards.Download;
using Tessera.Cards.Embedding;
using Tessera.Cards.Index;
using Tessera.Cards.Storage;
using Tessera.Core.Errors;
using Tessera.Inference.Classical;
using Tessera.Inference.Embeddings;
using Tessera.Inference.Onnx;
using Tessera.Testing;

namespace Tessera.Cards.Tests.Embedding;

/// <summary>Embedding downloaded catalog images with the real ResNet18 model, checkpoints and resume, and the index build over them.</summary>
public class EmbeddingTests
{
    private static async Task<(CardsRig Rig, CardImagesServer Server)> DownloadedAsync(string dialect, int cards)
    {
        var rig = await CardsRig.CreateAsync(dialect);
        var server = await CardImagesServer.StartAsync();
        await rig.ImportJsonAsync(ScryfallBulk.Json(server.BaseUrl, Enumerable.Range(0, cards)));
        await rig.Downloads.DownloadAsync(rig.Owner, new DownloadRequest { Workers = 4, RequestsPerSecond = 1000 }, null, CancellationToken.None);
        return (rig, server);
    }

    private static async Task<IReadOnlyList<(string CardId, int Face, float[] Vector)>> VectorsAsync(CardsRig rig)
    {
        await using var c = await rig.Scratch.Database.OpenConnectionAsync();
        var partition = await rig.Index.PartitionAsync(rig.Owner.OrgId, null, CancellationToken.None);
        return await EmbeddingRows.VectorsAsync(c, rig.Owner.OrgId, partition.Embedder, partition.ModelHash, CancellationToken.None);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task An_interrupted_embedding_resumed_gives_the_same_vectors_and_index_as_an_uninterrupted_one(string dialect)
    {
        var (whole, wholeServer) = await DownloadedAsync(dialect, 9);
        await using var _ = whole;
        await using var __ = wholeServer;
        var (parts, partsServer) = await DownloadedAsync(dialect, 9);
        await using var ___ = parts;
        await using var ____ = partsServer;
        var request = new EmbedRequest { CheckpointEvery = 4, BatchSize = 2 };

        var uninterrupted = await whole.Embeddings.EmbedAsync(whole.Owner, request, null, CancellationToken.None);
        Assert.Equal(12, uninterrupted.Embedded); // 9 cards, every third double-faced
        Assert.Equal(PretrainedEmbedders.ResNet18, uninterrupted.Embedder);
        Assert.Null(uninterrupted.Fallback);

        using var interrupt = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => parts.Embeddings.EmbedAsync(parts.Owner, request, (done, _) =>
        {
            interrupt.Cancel(); // after the first checkpoint: 4 vectors committed
            return Task.CompletedTask;
        }, interrupt.Token));
        var checkpoint = EmbedCheckpoint.PathFor(Path.GetDirectoryName(parts.Files.Folder(parts.Owner.OrgId))!, "normal");
        Assert.True(File.Exists(checkpoint));
        Assert.Equal(4, (await VectorsAsync(parts)).Count);

        var resumed = await parts.Embeddings.EmbedAsync(parts.Owner, request, null, CancellationToken.None);
        Assert.True(resumed.Resumed);
        Assert.Empty(resumed.Warnings);
        Assert.Equal(8, resumed.Embedded);
        Assert.Equal(4, resumed.Skipped);
        Assert.False(File.Exists(checkpoint));

        var expected = await VectorsAsync(whole);
        var actual = await VectorsAsync(parts);
        Assert.Equal(expected.Select(v => (v.CardId, v.Face)), actual.Select(v => (v.CardId, v.Face)));
        foreach (var (e, a) in expected.Zip(actual)) Assert.Equal(e.Vector, a.Vector);
        Assert.All(actual, v => Assert.True(CardsEmbeddingService.UnitNorm(v.Vector)));

        var wholeManifest = await whole.Index.BuildAsync(whole.Owner, new BuildRequest { M = 8, EfConstruction = 16 }, CancellationToken.None);
        var partsManifest = await parts.Index.BuildAsync(parts.Owner, new BuildRequest { M = 8, EfConstruction = 16 }, CancellationToken.None);
        Assert.Equal(wholeManifest.LabelsSha256, partsManifest.LabelsSha256);
        foreach (var (cardId, face, vector) in expected)
        {
            var wholeHits = await SearchAsync(whole, vector);
            var partsHits = await SearchAsync(parts, vector);
            Assert.Equal(wholeHits, partsHits);
        }
    }

    private static async Task<IReadOnlyList<(string, int)>> SearchAsync(CardsRig rig, float[] vector)
    {
        var partition = await rig.Index.PartitionAsync(rig.Owner.OrgId, null, CancellationToken.None);
        var found = await rig.Collection.SearchAsync(partition, vector, 3, [rig.Owner.OrgId], CancellationToken.None);
        await using var c = await rig.Scratch.Database.OpenConnectionAsync();
        var cards = await EmbeddingRows.CardsAsync(c, rig.Scratch.Database.Dialect, rig.Owner.OrgId, found.Hits.Select(h => h.Label), CancellationToken.None);
        return [.. found.Hits.Select(h => cards.Single(card => card.Label == h.Label)).Select(card => (card.CardId, card.Face))];
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_checkpoint_of_other_parameters_is_taken_over_with_a_warning_naming_them(string dialect)
    {
        var (rig, server) = await DownloadedAsync(dialect, 3);
        await using var _ = rig;
        await using var __ = server;
        var path = EmbedCheckpoint.PathFor(Path.GetDirectoryName(rig.Files.Folder(rig.Owner.OrgId))!, "normal");
        new EmbedCheckpoint(Guid.NewGuid(), PretrainedEmbedders.ResNet18, "0123456789abcdef", "normal", 64, 100, null, 2, DateTimeOffset.UtcNow).Save(path);

        var report = await rig.Embeddings.EmbedAsync(rig.Owner, new EmbedRequest(), null, CancellationToken.None);

        Assert.True(report.Resumed);
        Assert.Contains(report.Warnings, w => w.Contains("batch size 64", StringComparison.Ordinal) && w.Contains("uses 32", StringComparison.Ordinal));
        Assert.Contains(report.Warnings, w => w.Contains("checkpoint interval 100", StringComparison.Ordinal));
        Assert.Contains(report.Warnings, w => w.Contains("model hash", StringComparison.Ordinal));
        Assert.False(File.Exists(path));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Images_that_do_not_decode_are_left_out_with_their_reason_and_the_rest_are_embedded(string dialect)
    {
        var (rig, server) = await DownloadedAsync(dialect, 4);
        await using var _ = rig;
        await using var __ = server;
        var files = rig.FilesOnDisk().Order(StringComparer.Ordinal).ToArray();
        var whole = await File.ReadAllBytesAsync(files[0]);
        await File.WriteAllBytesAsync(files[0], whole[..(whole.Length / 2)]);
        await File.WriteAllTextAsync(files[1], "<html>not an image</html>");
        File.Delete(files[2]);

        var report = await rig.Embeddings.EmbedAsync(rig.Owner, new EmbedRequest(), null, CancellationToken.None);

        Assert.Equal(2, report.Embedded);
        Assert.Equal(["missing_file", "truncated", "wrong_type"], report.Failures.Select(f => f.Reason).Order(StringComparer.Ordinal));
        Assert.Equal(2, (await VectorsAsync(rig)).Count);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Embedding_before_any_download_and_building_before_any_embedding_fail_with_one_clear_error(string dialect)
    {
        await using var rig = await CardsRig.CreateAsync(dialect);
        var embed = await Assert.ThrowsAsync<TesseraException>(() => rig.Embeddings.EmbedAsync(rig.Owner, new EmbedRequest(), null, CancellationToken.None));
        Assert.Equal("CARDS_CACHE_EMPTY", embed.Code);
        Assert.Contains("cards download", embed.Message, StringComparison.Ordinal);
        var build = await Assert.ThrowsAsync<TesseraException>(() => rig.Index.BuildAsync(rig.Owner, new BuildRequest(), CancellationToken.None));
        Assert.Equal("CARDS_NO_EMBEDDINGS", build.Code);
        Assert.Equal(409, build.Status);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Without_the_model_files_the_classical_descriptor_embeds_and_every_report_says_so(string dialect)
    {
        var (rig, server) = await DownloadedAsync(dialect, 2);
        await using var _ = rig;
        await using var __ = server;
        var missing = new EmbedderRegistry(PretrainedEmbedders.All(new OnnxRuntimeOptions { ModelsDirectory = Path.Combine(rig.Scratch.DataDir, "no-models") }));
        var embeddings = new CardsEmbeddingService(
            rig.Scratch.Database, rig.Files, new CardsEmbedderChoice(missing), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<CardsEmbeddingService>.Instance);

        var report = await embeddings.EmbedAsync(rig.Owner, new EmbedRequest(), null, CancellationToken.None);

        Assert.Equal(ColourGradientHashImageEmbedder.ModelName, report.Embedder);
        Assert.Equal(2, report.Embedded);
        Assert.Contains("resnet18-imagenet is not installed", report.Fallback, StringComparison.Ordinal);
        Assert.Contains(ColourGradientHashImageEmbedder.ModelName, report.Fallback, StringComparison.Ordinal);
        // Asked for by name, a missing model is an error, not a quiet substitute.
        var named = await Assert.ThrowsAsync<TesseraException>(() => embeddings.EmbedAsync(rig.Owner, new EmbedRequest { Model = PretrainedEmbedders.ResNet18 }, null, CancellationToken.None));
        Assert.Equal("CARDS_MODEL_MISSING", named.Code);
    }

    [Theory]
    [InlineData(0, 200, "--hnsw-m")]
    [InlineData(129, 200, "--hnsw-m")]
    [InlineData(32, 16, "--hnsw-ef-construction")]
    public void Build_parameters_out_of_range_name_their_flag(int m, int efConstruction, string flag)
    {
        var error = Assert.Throws<TesseraException>(() => new BuildRequest { M = m, EfConstruction = efConstruction }.Validate());
        Assert.Contains(flag, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task The_manifest_records_the_build_and_a_card_removed_later_leaves_searches_and_the_alignment_check_says_so(string dialect)
    {
        var (rig, server) = await DownloadedAsync(dialect, 4);
        await using var _ = rig;
        await using var __ = server;
        var report = await rig.Embeddings.EmbedAsync(rig.Owner, new EmbedRequest(), null, CancellationToken.None);
        var manifest = await rig.Index.BuildAsync(rig.Owner, new BuildRequest { M = 12, EfConstruction = 40 }, CancellationToken.None);

        Assert.Equal((12, 40, "ip", 512), (manifest.M, manifest.EfConstruction, manifest.Metric, manifest.Dimension));
        Assert.Equal((5, 5, 4L), (manifest.IndexVectors, manifest.OrganizationVectors, manifest.CatalogCards));
        Assert.Equal(report.ModelHash, manifest.ModelHash);
        Assert.Equal("pretrained", manifest.ModelOrigin);
        Assert.Equal(5, manifest.EmbedImagesTotal);
        var partition = await rig.Index.PartitionAsync(rig.Owner.OrgId, null, CancellationToken.None);
        Assert.True((await rig.Index.AlignmentAsync(rig.Owner.OrgId, partition, CancellationToken.None))!.Aligned);

        var removed = (await VectorsAsync(rig)).Single(v => v.CardId == ScryfallBulk.IdOf(0));
        await rig.ImportJsonAsync(ScryfallBulk.Json(server.BaseUrl, [1, 2, 3]));

        Assert.False((await rig.Index.AlignmentAsync(rig.Owner.OrgId, partition, CancellationToken.None))!.Aligned);
        var hits = await SearchAsync(rig, removed.Vector);
        Assert.DoesNotContain(hits, h => h.Item1 == ScryfallBulk.IdOf(0));
        Assert.Equal(3, hits.Count);
    }
}
