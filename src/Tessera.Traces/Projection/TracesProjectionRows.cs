using System.Data.Common;
using Dapper;
using Tessera.Data;

namespace Tessera.Traces.Projection;

/// <summary>The SQL of the 2-D map: projection versions, the points, and the vectors a fit or transform reads. Every query filters by organization.</summary>
internal static class TracesProjectionRows
{
    /// <summary>The model a projection belongs to: the organization's newest embedder in use.</summary>
    // Property-bound rows (not positional records): SQLite reads every integer as Int64.
    internal sealed record EmbeddingModel
    {
        public required string Embedder { get; init; }
        public required string ModelHash { get; init; }
        public required int Dimension { get; init; }
    }

    internal sealed record ProjectionRow
    {
        public required int Version { get; init; }
        public required string Embedder { get; init; }
        public required string ModelHash { get; init; }
        public required int Dimension { get; init; }
        public required string Kind { get; init; }
        public required int FittedRecords { get; init; }
        public required byte[] Model { get; init; }
        public double? AlignmentResidual { get; init; }
        public required DateTimeOffset CreatedAt { get; init; }
    }

    internal sealed record VectorRow
    {
        public required long RecordSeq { get; init; }
        public required byte[] Vector { get; init; }
    }

    internal sealed record PointRow
    {
        public required long RecordSeq { get; init; }
        public required double X { get; init; }
        public required double Y { get; init; }
    }

    public static Task<EmbeddingModel?> NewestModelAsync(DbConnection c, DbTransaction? t, Guid orgId, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<EmbeddingModel?>(new CommandDefinition(
            "SELECT embedder AS Embedder, model_hash AS ModelHash, dimension AS Dimension FROM traces_embeddings WHERE org_id = @orgId ORDER BY label DESC LIMIT 1",
            new { orgId }, t, cancellationToken: ct));

    public static Task<ProjectionRow?> CurrentAsync(DbConnection c, DbTransaction? t, Guid orgId, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<ProjectionRow?>(new CommandDefinition(
            "SELECT version AS Version, embedder AS Embedder, model_hash AS ModelHash, dimension AS Dimension, kind AS Kind, fitted_records AS FittedRecords, " +
            "model AS Model, alignment_residual AS AlignmentResidual, created_at AS CreatedAt FROM traces_projections WHERE org_id = @orgId ORDER BY version DESC LIMIT 1",
            new { orgId }, t, cancellationToken: ct));

    public static Task<long> CountVectorsAsync(DbConnection c, DbTransaction? t, Guid orgId, EmbeddingModel model, CancellationToken ct) =>
        c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM traces_embeddings WHERE org_id = @orgId AND embedder = @Embedder AND model_hash = @ModelHash AND dimension = @Dimension",
            new { orgId, model.Embedder, model.ModelHash, model.Dimension }, t, cancellationToken: ct));

    /// <summary>Every vector of the model, in record order (a fit or refit).</summary>
    public static async Task<List<VectorRow>> AllVectorsAsync(DbConnection c, DbTransaction? t, Guid orgId, EmbeddingModel model, CancellationToken ct) =>
        (await c.QueryAsync<VectorRow>(new CommandDefinition(
            "SELECT record_seq AS RecordSeq, vector AS Vector FROM traces_embeddings " +
            "WHERE org_id = @orgId AND embedder = @Embedder AND model_hash = @ModelHash AND dimension = @Dimension ORDER BY record_seq",
            new { orgId, model.Embedder, model.ModelHash, model.Dimension }, t, cancellationToken: ct)).ConfigureAwait(false)).AsList();

    /// <summary>The model's vectors whose records have no point yet (a transform of new records).</summary>
    public static async Task<List<VectorRow>> UnmappedVectorsAsync(DbConnection c, DbTransaction? t, Guid orgId, EmbeddingModel model, CancellationToken ct) =>
        (await c.QueryAsync<VectorRow>(new CommandDefinition(
            "SELECT e.record_seq AS RecordSeq, e.vector AS Vector FROM traces_embeddings e LEFT JOIN traces_points p ON p.record_seq = e.record_seq " +
            "WHERE e.org_id = @orgId AND e.embedder = @Embedder AND e.model_hash = @ModelHash AND e.dimension = @Dimension AND p.record_seq IS NULL ORDER BY e.record_seq",
            new { orgId, model.Embedder, model.ModelHash, model.Dimension }, t, cancellationToken: ct)).ConfigureAwait(false)).AsList();

    public static async Task<List<PointRow>> PointsAsync(DbConnection c, DbTransaction? t, Guid orgId, CancellationToken ct) =>
        (await c.QueryAsync<PointRow>(new CommandDefinition(
            "SELECT record_seq AS RecordSeq, x AS X, y AS Y FROM traces_points WHERE org_id = @orgId ORDER BY record_seq",
            new { orgId }, t, cancellationToken: ct)).ConfigureAwait(false)).AsList();

    public static Task InsertProjectionAsync(DbConnection c, DbTransaction t, Guid orgId, ProjectionRow row, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO traces_projections (org_id, version, embedder, model_hash, dimension, kind, fitted_records, model, alignment_residual, created_at) " +
            "VALUES (@orgId, @Version, @Embedder, @ModelHash, @Dimension, @Kind, @FittedRecords, @Model, @AlignmentResidual, @CreatedAt)",
            new { orgId, row.Version, row.Embedder, row.ModelHash, row.Dimension, row.Kind, row.FittedRecords, row.Model, row.AlignmentResidual, row.CreatedAt },
            t, cancellationToken: ct));

    /// <summary>A new version replaces every point of the organization.</summary>
    public static Task DeletePointsAsync(DbConnection c, DbTransaction t, Guid orgId, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition("DELETE FROM traces_points WHERE org_id = @orgId", new { orgId }, t, cancellationToken: ct));

    private static readonly string[] PointColumns = ["record_seq", "org_id", "version", "x", "y"];

    public static Task InsertPointsAsync(DbConnection c, DbTransaction t, Guid orgId, int version, IEnumerable<PointRow> points, CancellationToken ct) =>
        BulkInsert.ExecuteAsync(c, t, "traces_points", PointColumns, points, p => [p.RecordSeq, orgId, version, p.X, p.Y], cancellationToken: ct);

    /// <summary>Organizations that have embedded records (the CLI maps each).</summary>
    public static async Task<List<Guid>> OrganizationsAsync(DbConnection c, CancellationToken ct) =>
        (await c.QueryAsync<Guid>(new CommandDefinition("SELECT DISTINCT org_id FROM traces_embeddings ORDER BY org_id", cancellationToken: ct)).ConfigureAwait(false)).AsList();
}
