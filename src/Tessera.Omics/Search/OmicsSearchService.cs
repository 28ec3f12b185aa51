using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Core.Json;
using Tessera.Data;
using Tessera.Omics.Chemistry;
using Tessera.Omics.Embedding;
using Tessera.Omics.Storage;
using Tessera.Platform.Collections;
using Tessera.Vectors.Collections;

namespace Tessera.Omics.Search;

/// <summary>
/// Similarity search over the caller's peptides: the query (a sequence embedded on the fly with the same embedder,
/// or a stored peptide's vector) searches the embedder's partition of the omics vector collection with a filter that
/// admits only vectors of runs the caller owns — applied inside the index search, so k hits are found among visible
/// peptides only. Vectors stored since the index was last updated are compared exactly, so results are complete.
/// </summary>
internal sealed class OmicsSearchService(TesseraDatabase database, VectorCollections collections, OmicsEmbedderChoice embedders)
{
    public const int MaxK = 100;

    /// <summary>The vector collection of peptide embeddings.</summary>
    public const string CollectionName = "omics";

    [ExactlyOneOf(nameof(Sequence), nameof(PeptideId))]
    public sealed record Request(string? Sequence = null, Guid? PeptideId = null, int K = 10, IReadOnlyList<Guid>? RunIds = null, string? Embedder = null);

    public sealed record Hit(double Score, Guid PeptideId, string Sequence, Guid RunId, string RunName);

    public sealed record Response(string Embedder, string ModelHash, int Searched, IReadOnlyList<Hit> Hits);

    public static VectorPartition PartitionOf(EmbedderIdentity embedder)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        return new VectorPartition(embedder.Name, embedder.ModelHash, embedder.Dimension);
    }

    public async Task<Response> SearchAsync(Principal owner, Request request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(request);
        owner.Require(Permissions.RunsRead);
        if (request.K is < 1 or > MaxK) throw TesseraException.Validation($"k must be from 1 to {MaxK}.");
        if ((request.Sequence is null) == (request.PeptideId is null)) throw TesseraException.Validation("Give exactly one of 'sequence' and 'peptide_id'.");

        var (query, embedder) = request.PeptideId is { } peptideId
            ? await StoredQueryAsync(owner, peptideId, cancellationToken).ConfigureAwait(false)
            : await EmbeddedQueryAsync(request.Sequence!, request.Embedder, cancellationToken).ConfigureAwait(false);

        IReadOnlyList<SearchRows.VisibleRun> visible;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            visible = await SearchRows.ListVisibleRunsAsync(c, database.Dialect, owner, embedder, request.RunIds, cancellationToken).ConfigureAwait(false);
        }
        var searched = visible.Sum(r => r.PeptideCount);
        if (visible.Count == 0) return new Response(embedder.Name, embedder.ModelHash, searched, []);

        var found = await collections.Get(CollectionName).SearchAsync(
            PartitionOf(embedder), query, request.K, visible.Select(r => r.Id).ToHashSet(), cancellationToken).ConfigureAwait(false);
        var details = await DescribeAsync(found.Hits.Select(h => h.Label).ToList(), cancellationToken).ConfigureAwait(false);
        return new Response(embedder.Name, embedder.ModelHash, searched, found.Hits
            .Where(h => details.ContainsKey(h.Label))
            .Select(h =>
            {
                var d = details[h.Label];
                return new Hit(Math.Round(1 - h.Distance, 6), d.PeptideId, d.Sequence, d.RunId, d.RunName);
            }).ToList());
    }

    private async Task<(float[] Query, EmbedderIdentity Embedder)> StoredQueryAsync(Principal owner, Guid peptideId, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await SearchRows.FindOwnedVectorAsync(c, owner, peptideId, cancellationToken).ConfigureAwait(false)
            ?? throw TesseraException.NotFound("peptide");
    }

    private async Task<(float[] Query, EmbedderIdentity Embedder)> EmbeddedQueryAsync(string sequence, string? requestedEmbedder, CancellationToken cancellationToken)
    {
        var clean = PeptideResidues.Clean(sequence);
        if (clean.Length == 0) throw TesseraException.Validation("The query sequence is empty.");
        var invalid = PeptideResidues.FirstInvalid(clean);
        if (invalid >= 0) throw TesseraException.Validation($"The query sequence has the invalid character '{clean[invalid]}' at position {invalid + 1}.");
        var embedder = await embedders.GetAsync(embedders.Resolve(requestedEmbedder), cancellationToken).ConfigureAwait(false);
        var vectors = await embedder.GenerateAsync([clean], cancellationToken: cancellationToken).ConfigureAwait(false);
        return (vectors[0].Vector.ToArray(), OmicsEmbeddingService.Identity(embedder.Descriptor));
    }

    private async Task<Dictionary<long, SearchRows.HitRow>> DescribeAsync(List<long> labels, CancellationToken cancellationToken)
    {
        if (labels.Count == 0) return [];
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await SearchRows.DescribeAsync(c, database.Dialect, labels, cancellationToken).ConfigureAwait(false);
    }
}
