using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Tessera.Cards.Download;
using Tessera.Cards.Storage;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;
using Tessera.Inference.Embeddings;
using Tessera.Platform.Collections;
using Tessera.Vectors;
using Tessera.Vectors.Collections;
using Tessera.Vectors.Hnsw;
using Tessera.Vectors.Management;

namespace Tessera.Cards.Index;

/// <summary>
/// The cards vector collection (inner product over unit vectors, one partition per image model, searched with the
/// organization as the owner filter): builds its index with chosen HNSW parameters and writes the build manifest.
/// </summary>
internal sealed class CardsIndexService(
    TesseraDatabase database, VectorCollection vectors, ImageFiles files, EmbedderRegistry registry, TimeProvider time, ILogger<CardsIndexService> logger)
{
    public const string CollectionName = "cards";

    public static readonly VectorCollectionDefinition Collection = new(
        CollectionName, DistanceMetric.InnerProduct, new HnswOptions { M = BuildRequest.DefaultM, EfConstruction = BuildRequest.DefaultEfConstruction, EfSearch = 64 });

    /// <summary>The collection (the platform's <see cref="VectorCollections"/> entry named <see cref="CollectionName"/>).</summary>
    public VectorCollection Vectors => vectors;

    /// <summary>
    /// Rebuilds the partition of the organization's chosen model from every stored vector with the request's
    /// parameters and writes the manifest. Later updates add new vectors to this index; an automatic full rebuild in
    /// another process uses the collection's defaults (M 32, efConstruction 200) until the next build.
    /// </summary>
    public Task<BuildManifest> BuildAsync(Principal owner, BuildRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        owner.Require(Permissions.RunsWrite);
        return BuildAsync(owner.OrgId, request, cancellationToken);
    }

    /// <summary>The organization's build, for a job whose owner was authorized when it was enqueued.</summary>
    internal async Task<BuildManifest> BuildAsync(Guid orgId, BuildRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var partition = await PartitionAsync(orgId, request.Model, cancellationToken).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        var options = Vectors.Definition.Options with { M = request.M, EfConstruction = request.EfConstruction };
        var status = await Vectors.UpdateAsync(partition, full: true, options).WaitAsync(cancellationToken).ConfigureAwait(false);
        var serving = Vectors.ManagerOf(partition).Serving;
        if (status.Health != IndexHealth.Healthy || serving is null)
            throw new TesseraException(ErrorCodes.InternalError, 500, $"The index build failed: {status.LastError ?? "no index is serving"}.");
        var seconds = clock.Elapsed.TotalSeconds;
        CardsLog.IndexBuilt(logger, partition.Key, request.M, request.EfConstruction, serving.Index.Count, seconds);

        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var labels = await EmbeddingRows.LabelsAsync(c, orgId, partition.Embedder, partition.ModelHash, serving.Through, cancellationToken).ConfigureAwait(false);
        var run = await EmbedRunRows.LatestCompletedAsync(c, orgId, partition.Embedder, partition.ModelHash, cancellationToken).ConfigureAwait(false);
        var downloads = await DownloadRows.CountsAsync(c, orgId, cancellationToken).ConfigureAwait(false);
        var named = registry.Named.FirstOrDefault(n => n.Name == partition.Embedder);
        var model = named is null ? null : await registry.GetModelAsync(named.Name, cancellationToken).ConfigureAwait(false);
        var manifest = new BuildManifest(
            "tessera",
            typeof(CardsIndexService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
            partition.Embedder,
            partition.ModelHash,
            model?.Descriptor.Origin.ToString().ToLowerInvariant() ?? "unknown",
            model?.Descriptor.Sources ?? [],
            Collection.Metric.ToName(),
            partition.Dimension,
            serving.Index.Options.M,
            serving.Index.Options.EfConstruction,
            serving.Index.Options.EfSearch,
            serving.Index.Count,
            labels.Count,
            await CardRows.CountAsync(c, orgId, cancellationToken).ConfigureAwait(false),
            serving.Through,
            LabelsSha256(labels),
            Math.Round(seconds, 3),
            run?.Seconds,
            run?.Total,
            run is null ? [] : EmbedRunRows.Failures(run),
            downloads.Where(d => d.State == "failed").ToDictionary(d => d.Reason ?? "unknown", d => d.Urls),
            time.GetUtcNow());
        manifest.Save(ManifestPath(orgId, partition));
        return manifest;
    }

    /// <summary>
    /// The partition the organization's searches use: the given model's vectors, or (without one) those of the model
    /// it stored vectors with most recently.
    /// </summary>
    public async Task<VectorPartition> PartitionAsync(Guid orgId, string? model, CancellationToken cancellationToken)
    {
        IReadOnlyList<EmbeddingRows.ModelVectors> models;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            models = await EmbeddingRows.ModelsAsync(c, orgId, cancellationToken).ConfigureAwait(false);
        var chosen = string.IsNullOrWhiteSpace(model) ? (models.Count > 0 ? models[0] : null) : models.FirstOrDefault(m => m.Embedder == model.Trim());
        if (chosen is null)
            throw new TesseraException(CardsErrorCodes.NoEmbeddings, 409, model is null
                ? "No card images are embedded yet: run 'tessera cards embed' first."
                : $"No card images are embedded with {model} yet: run 'tessera cards embed --model {model}' first.");
        return new VectorPartition(chosen.Embedder, chosen.ModelHash, chosen.Dimension);
    }

    /// <summary>
    /// Whether the organization's stored vectors still match the manifest of the last build: the same (label, card,
    /// face) rows up to the labels it covered. Null when the partition has no manifest (never built here).
    /// </summary>
    public async Task<IndexAlignment?> AlignmentAsync(Guid orgId, VectorPartition partition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partition);
        if (BuildManifest.TryLoad(ManifestPath(orgId, partition)) is not { } manifest) return null;
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var labels = await EmbeddingRows.LabelsAsync(c, orgId, partition.Embedder, partition.ModelHash, manifest.Through, cancellationToken).ConfigureAwait(false);
        var total = (await EmbeddingRows.ModelsAsync(c, orgId, cancellationToken).ConfigureAwait(false))
            .FirstOrDefault(m => m.Embedder == partition.Embedder && m.ModelHash == partition.ModelHash)?.Vectors ?? 0;
        return new IndexAlignment(manifest, LabelsSha256(labels) == manifest.LabelsSha256, total - labels.Count);
    }

    private string ManifestPath(Guid orgId, VectorPartition partition) =>
        BuildManifest.PathFor(Path.GetDirectoryName(files.Folder(orgId))!, partition.Key);

    private static string LabelsSha256(IReadOnlyList<(long Label, string CardId, int Face)> labels)
    {
        var text = new StringBuilder();
        foreach (var (label, card, face) in labels) text.Append(CultureInfo.InvariantCulture, $"{label}\t{card}\t{face}\n");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}

/// <param name="Manifest">The last build's manifest.</param>
/// <param name="Aligned">Whether the rows the build covered are still the same (no card removed or re-embedded since).</param>
/// <param name="NewSinceBuild">Vectors stored since the build (searched exactly until the index takes them in).</param>
internal sealed record IndexAlignment(BuildManifest Manifest, bool Aligned, long NewSinceBuild);
