using System.Data.Common;
using System.Runtime.InteropServices;
using Dapper;
using Tessera.Core.Identity;
using Tessera.Data;

namespace Tessera.Omics.Storage;

/// <summary>The reads a peptide search makes: the query's stored vector, the runs the caller may search, and the hits' details.</summary>
internal static class SearchRows
{
    /// <summary>A stored peptide's vector and the embedder it came from, when the peptide is in one of the owner's runs.</summary>
    public static async Task<(float[] Vector, EmbedderIdentity Embedder)?> FindOwnedVectorAsync(DbConnection c, Principal owner, Guid peptideId, CancellationToken ct)
    {
        var row = await c.QuerySingleOrDefaultAsync<StoredVector>(new CommandDefinition(
            "SELECT e.vector AS Vector, e.embedder AS Embedder, e.model_hash AS ModelHash, e.dimension AS Dimension FROM omics_embeddings e " +
            "JOIN omics_runs r ON r.id = e.run_id WHERE e.peptide_id = @peptideId AND r.user_id = @UserId AND r.org_id = @OrgId",
            new { peptideId, owner.UserId, owner.OrgId }, cancellationToken: ct)).ConfigureAwait(false);
        return row is null ? null : (MemoryMarshal.Cast<byte, float>(row.Vector).ToArray(), new EmbedderIdentity(row.Embedder, row.Dimension, row.ModelHash));
    }

    /// <summary>The owner's runs embedded with <paramref name="embedder"/> (optionally narrowed to <paramref name="runIds"/>): the owner filter, in SQL.</summary>
    public static async Task<IReadOnlyList<VisibleRun>> ListVisibleRunsAsync(
        DbConnection c, SqlDialect dialect, Principal owner, EmbedderIdentity embedder, IReadOnlyList<Guid>? runIds, CancellationToken ct)
    {
        var sql = "SELECT id AS Id, peptide_count AS PeptideCount FROM omics_runs WHERE user_id = @UserId AND org_id = @OrgId " +
                  "AND state = 'embedded' AND embedder = @Name AND model_hash = @ModelHash";
        if (runIds is { Count: > 0 }) sql += " AND " + dialect.InList("id", "runIds");
        return (await c.QueryAsync<VisibleRun>(new CommandDefinition(sql,
            new { owner.UserId, owner.OrgId, embedder.Name, embedder.ModelHash, runIds = runIds is null ? null : dialect.ListValue(runIds) },
            cancellationToken: ct)).ConfigureAwait(false)).ToList();
    }

    /// <summary>The peptide and run behind each label, by label.</summary>
    public static async Task<Dictionary<long, HitRow>> DescribeAsync(DbConnection c, SqlDialect dialect, IReadOnlyList<long> labels, CancellationToken ct)
    {
        if (labels.Count == 0) return [];
        var rows = await c.QueryAsync<HitRow>(new CommandDefinition(
            "SELECT e.label AS Label, p.id AS PeptideId, p.sequence AS Sequence, r.id AS RunId, r.name AS RunName FROM omics_embeddings e " +
            "JOIN omics_peptides p ON p.id = e.peptide_id JOIN omics_runs r ON r.id = e.run_id WHERE " + dialect.InList("e.label", "labels"),
            new { labels = dialect.ListValue(labels) }, cancellationToken: ct)).ConfigureAwait(false);
        return rows.ToDictionary(r => r.Label);
    }

    internal sealed record VisibleRun
    {
        public Guid Id { get; init; }
        public int PeptideCount { get; init; }
    }

    internal sealed record HitRow
    {
        public long Label { get; init; }
        public Guid PeptideId { get; init; }
        public string Sequence { get; init; } = "";
        public Guid RunId { get; init; }
        public string RunName { get; init; } = "";
    }

    private sealed record StoredVector
    {
        public byte[] Vector { get; init; } = [];
        public string Embedder { get; init; } = "";
        public string ModelHash { get; init; } = "";
        public int Dimension { get; init; }
    }
}
