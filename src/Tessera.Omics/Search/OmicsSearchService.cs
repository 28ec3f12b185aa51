using System.Runtime.InteropServices;
using Dapper;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;
using Tessera.Omics.Embedding;
using Tessera.Omics.Parsing;
using Tessera.Omics.Storage;
using Tessera.Vectors;

namespace Tessera.Omics.Search;

/// <summary>
/// Similarity search over the caller's peptides: the query (a sequence embedded on the fly with the same embedder,
/// or a stored peptide's vector) searches the embedder's HNSW index with a filter that admits only vectors of runs the
/// caller owns — the filter is applied inside the index search, so k hits are found among visible peptides only.
/// </summary>
public sealed class OmicsSearchService(TesseraDatabase database, OmicsIndex index, OmicsEmbedderChoice embedders)
{
    public const int MaxK = 100;

    public sealed record Request(string? Sequence, Guid? PeptideId, int K = 10, IReadOnlyList<Guid>? RunIds = null, string? Embedder = null);

    public sealed record Hit(double Score, Guid PeptideId, string Sequence, Guid RunId, string RunName);

    public sealed record Response(string Embedder, string ModelHash, int Searched, IReadOnlyList<Hit> Hits);

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

        var allowed = await VisibleLabelsAsync(owner, embedder, request.RunIds, cancellationToken).ConfigureAwait(false);
        var manager = index.For(embedder);
        var current = manager.Current;
        var stored = await index.StoredCountAsync(embedder, cancellationToken).ConfigureAwait(false);
        if (current is null) await manager.RequestRebuild().ConfigureAwait(false);
        else if (current.Count < stored) _ = manager.RequestRebuild(); // serve what we have; the rebuild catches up
        current = manager.Current;
        if (current is null || allowed.Count == 0) return new Response(embedder.Name, embedder.ModelHash, allowed.Count, []);

        var hits = current.Search(query, request.K, SearchFilters.In(allowed));
        var details = await DescribeAsync(hits.Select(h => h.Id).ToList(), cancellationToken).ConfigureAwait(false);
        return new Response(embedder.Name, embedder.ModelHash, allowed.Count, hits
            .Where(h => details.ContainsKey(h.Id))
            .Select(h =>
            {
                var d = details[h.Id];
                return new Hit(Math.Round(1 - h.Distance, 6), d.PeptideId, d.Sequence, d.RunId, d.RunName);
            }).ToList());
    }

    private async Task<(float[] Query, EmbedderIdentity Embedder)> StoredQueryAsync(Principal owner, Guid peptideId, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var row = await c.QuerySingleOrDefaultAsync<StoredVector>(new CommandDefinition(
            "SELECT e.vector AS Vector, e.embedder AS Embedder, e.model_hash AS ModelHash, e.dimension AS Dimension FROM omics_embeddings e " +
            "JOIN omics_runs r ON r.id = e.run_id WHERE e.peptide_id = @peptideId AND r.user_id = @UserId AND r.org_id = @OrgId",
            new { peptideId, owner.UserId, owner.OrgId }, cancellationToken: cancellationToken)).ConfigureAwait(false)
            ?? throw TesseraException.NotFound("peptide");
        return (MemoryMarshal.Cast<byte, float>(row.Vector).ToArray(), new EmbedderIdentity(row.Embedder, row.Dimension, row.ModelHash));
    }

    private async Task<(float[] Query, EmbedderIdentity Embedder)> EmbeddedQueryAsync(string sequence, string? requestedEmbedder, CancellationToken cancellationToken)
    {
        var clean = PeptideAlphabet.Clean(sequence);
        if (clean.Length == 0) throw TesseraException.Validation("The query sequence is empty.");
        var invalid = PeptideAlphabet.FirstInvalid(clean);
        if (invalid >= 0) throw TesseraException.Validation($"The query sequence has the invalid character '{clean[invalid]}' at position {invalid + 1}.");
        var embedder = await embedders.GetAsync(embedders.Resolve(requestedEmbedder), cancellationToken).ConfigureAwait(false);
        var vectors = await embedder.GenerateAsync([clean], cancellationToken: cancellationToken).ConfigureAwait(false);
        return (vectors[0].Vector.ToArray(), OmicsEmbeddingService.Identity(embedder.Descriptor));
    }

    private async Task<HashSet<long>> VisibleLabelsAsync(Principal owner, EmbedderIdentity embedder, IReadOnlyList<Guid>? runIds, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var sql = "SELECT e.label FROM omics_embeddings e JOIN omics_runs r ON r.id = e.run_id " +
                  "WHERE r.user_id = @UserId AND r.org_id = @OrgId AND e.embedder = @Name AND e.model_hash = @ModelHash";
        if (runIds is { Count: > 0 }) sql += " AND " + database.Dialect.InList("e.run_id", "runIds");
        var labels = await c.QueryAsync<long>(new CommandDefinition(sql,
            new { owner.UserId, owner.OrgId, embedder.Name, embedder.ModelHash, runIds }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return labels.ToHashSet();
    }

    private async Task<Dictionary<long, HitRow>> DescribeAsync(List<long> labels, CancellationToken cancellationToken)
    {
        if (labels.Count == 0) return [];
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await c.QueryAsync<HitRow>(new CommandDefinition(
            "SELECT e.label AS Label, p.id AS PeptideId, p.sequence AS Sequence, r.id AS RunId, r.name AS RunName FROM omics_embeddings e " +
            "JOIN omics_peptides p ON p.id = e.peptide_id JOIN omics_runs r ON r.id = e.run_id WHERE " + database.Dialect.InList("e.label", "labels"),
            new { labels }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.ToDictionary(r => r.Label);
    }

    private sealed record StoredVector
    {
        public byte[] Vector { get; init; } = [];
        public string Embedder { get; init; } = "";
        public string ModelHash { get; init; } = "";
        public int Dimension { get; init; }
    }

    private sealed record HitRow
    {
        public long Label { get; init; }
        public Guid PeptideId { get; init; }
        public string Sequence { get; init; } = "";
        public Guid RunId { get; init; }
        public string RunName { get; init; } = "";
    }
}
