using System.Data.Common;
using Dapper;
using Tessera.Core.Identity;
using Tessera.Data;

namespace Tessera.Omics.Storage;

/// <summary>The SQL of omics runs. Reads on behalf of a caller filter by the owner (user and organization) in SQL.</summary>
internal static class OmicsRepository
{
    private const string RunColumns =
        "id AS Id, user_id AS UserId, org_id AS OrgId, name AS Name, state AS State, file_name AS FileName, file_sha256 AS FileSha256, " +
        "file_bytes AS FileBytes, format AS Format, embedder AS Embedder, embedder_dimension AS EmbedderDimension, model_hash AS ModelHash, " +
        "pooling AS Pooling, truncation_policy AS TruncationPolicy, " +
        "record_count AS RecordCount, peptide_count AS PeptideCount, error_count AS ErrorCount, error_report AS ErrorReport, " +
        "failure AS Failure, job_id AS JobId, created_at AS CreatedAt, updated_at AS UpdatedAt";

    private const string PeptideColumns =
        "id AS Id, run_id AS RunId, ordinal AS Ordinal, sequence AS Sequence, length AS Length, molecular_weight AS MolecularWeight, " +
        "net_charge_ph7 AS NetChargePh7, isoelectric_point AS IsoelectricPoint, gravy AS Gravy, aromaticity AS Aromaticity, " +
        "instability_index AS InstabilityIndex, composition AS Composition";

    public static Task InsertRunAsync(DbConnection c, DbTransaction t, OmicsRun run, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO omics_runs (id, user_id, org_id, name, state, file_name, file_sha256, file_bytes, format, embedder, embedder_dimension, model_hash, " +
            "record_count, peptide_count, error_count, error_report, failure, job_id, created_at, updated_at) VALUES (@Id, @UserId, @OrgId, @Name, @State, " +
            "@FileName, @FileSha256, @FileBytes, @Format, @Embedder, @EmbedderDimension, @ModelHash, @RecordCount, @PeptideCount, @ErrorCount, @ErrorReport, " +
            "@Failure, @JobId, @CreatedAt, @UpdatedAt)", run, t, cancellationToken: ct));

    private static readonly string[] PeptideInsertColumns =
    [
        "id", "run_id", "ordinal", "sequence", "length", "molecular_weight", "net_charge_ph7", "isoelectric_point", "gravy", "aromaticity",
        "instability_index", "composition",
    ];

    private static readonly string[] RecordInsertColumns = ["run_id", "record_number", "record_id", "line", "peptide_id", "metadata"];

    public static Task InsertPeptidesAsync(DbConnection c, DbTransaction t, IEnumerable<OmicsPeptide> peptides, CancellationToken ct) =>
        BulkInsert.ExecuteAsync(c, t, "omics_peptides", PeptideInsertColumns, peptides, p =>
        [
            p.Id, p.RunId, p.Ordinal, p.Sequence, p.Length, p.MolecularWeight, p.NetChargePh7, p.IsoelectricPoint, p.Gravy, p.Aromaticity,
            p.InstabilityIndex, p.Composition,
        ], cancellationToken: ct);

    public static Task InsertRecordsAsync(DbConnection c, DbTransaction t, IEnumerable<OmicsRecord> records, CancellationToken ct) =>
        BulkInsert.ExecuteAsync(c, t, "omics_records", RecordInsertColumns, records,
            r => [r.RunId, r.RecordNumber, r.RecordId, r.Line, r.PeptideId, r.Metadata], cancellationToken: ct);

    /// <summary>A run whose rows are all stored becomes <c>parsed</c>, and visible (a run still <c>uploaded</c> is read as missing).</summary>
    public static Task<int> MarkParsedAsync(DbConnection c, DbTransaction t, Guid runId, DateTimeOffset now, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "UPDATE omics_runs SET state = 'parsed', updated_at = @now WHERE id = @runId AND state = 'uploaded'", new { runId, now }, t, cancellationToken: ct));

    /// <summary>
    /// Deletes a run and the rows stored for it (an upload that failed part-way, or a run its owner deletes), and
    /// records its embedding labels as deleted for the vector collection. Call <see cref="LockDeletionsAsync"/> first.
    /// </summary>
    public static async Task DeleteRunAsync(DbConnection c, DbTransaction t, Guid runId, CancellationToken ct)
    {
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO omics_deleted_labels (embedder, model_hash, label) SELECT embedder, model_hash, label FROM omics_embeddings WHERE run_id = @runId ORDER BY label",
            new { runId }, t, cancellationToken: ct)).ConfigureAwait(false);
        foreach (var table in (string[])["omics_embeddings", "omics_records", "omics_peptides"])
            await c.ExecuteAsync(new CommandDefinition($"DELETE FROM {table} WHERE run_id = @runId", new { runId }, t, cancellationToken: ct)).ConfigureAwait(false);
        await c.ExecuteAsync(new CommandDefinition("DELETE FROM omics_runs WHERE id = @runId", new { runId }, t, cancellationToken: ct)).ConfigureAwait(false);
    }

    /// <summary>
    /// Makes this transaction the only one deleting runs until it ends: PostgreSQL numbers deleted labels before
    /// commit, and the collection reads them by number, so they must commit in number order. SQLite has one writer.
    /// </summary>
    public static async Task LockDeletionsAsync(DbConnection c, DbTransaction t, SqlDialect dialect, CancellationToken ct)
    {
        if (dialect == SqlDialect.Postgres)
            await c.ExecuteAsync(new CommandDefinition("LOCK TABLE omics_deleted_labels IN SHARE ROW EXCLUSIVE MODE", transaction: t, cancellationToken: ct)).ConfigureAwait(false);
    }

    /// <summary>Whether the caller owns a visible run with this id, read inside a write transaction.</summary>
    public static Task<bool> OwnsRunAsync(DbConnection c, DbTransaction t, Principal owner, Guid id, CancellationToken ct) =>
        c.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT COUNT(*) > 0 FROM omics_runs WHERE id = @id AND user_id = @userId AND org_id = @orgId AND state <> 'uploaded'",
            new { id, userId = owner.UserId, orgId = owner.OrgId }, t, cancellationToken: ct));

    /// <summary>The caller's run, or null for a missing run and for someone else's alike.</summary>
    public static Task<OmicsRun?> FindOwnedRunAsync(DbConnection c, Principal owner, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<OmicsRun>(new CommandDefinition(
            $"SELECT {RunColumns} FROM omics_runs WHERE id = @id AND user_id = @userId AND org_id = @orgId AND state <> 'uploaded'",
            new { id, userId = owner.UserId, orgId = owner.OrgId }, cancellationToken: ct));

    public static async Task<IReadOnlyList<OmicsRun>> ListOwnedRunsAsync(DbConnection c, Principal owner, CancellationToken ct) =>
        (await c.QueryAsync<OmicsRun>(new CommandDefinition(
            $"SELECT {RunColumns} FROM omics_runs WHERE user_id = @userId AND org_id = @orgId AND state <> 'uploaded' ORDER BY created_at DESC",
            new { userId = owner.UserId, orgId = owner.OrgId }, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    public static async Task<IReadOnlyList<OmicsPeptide>> ListPeptidesAsync(DbConnection c, Guid runId, CancellationToken ct) =>
        (await c.QueryAsync<OmicsPeptide>(new CommandDefinition(
            $"SELECT {PeptideColumns} FROM omics_peptides WHERE run_id = @runId ORDER BY ordinal", new { runId }, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    public static async Task<IReadOnlyList<OmicsRecord>> ListRecordsAsync(DbConnection c, Guid runId, CancellationToken ct) =>
        (await c.QueryAsync<OmicsRecord>(new CommandDefinition(
            "SELECT run_id AS RunId, record_number AS RecordNumber, record_id AS RecordId, line AS Line, peptide_id AS PeptideId, metadata AS Metadata " +
            "FROM omics_records WHERE run_id = @runId ORDER BY record_number", new { runId }, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    /// <summary>Records which embedder produced the run's vectors and moves it to <c>embedded</c>.</summary>
    public static Task MarkEmbeddedAsync(DbConnection c, DbTransaction t, Guid runId, EmbedderIdentity embedder, DateTimeOffset now, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "UPDATE omics_runs SET state = 'embedded', embedder = @Name, embedder_dimension = @Dimension, model_hash = @ModelHash, " +
            "pooling = @Pooling, truncation_policy = @TruncationPolicy, updated_at = @now WHERE id = @runId",
            new { runId, embedder.Name, embedder.Dimension, embedder.ModelHash, embedder.Pooling, embedder.TruncationPolicy, now }, t, cancellationToken: ct));

    /// <summary>Marks a run failed with the reason a client reads; a run already embedded stays embedded.</summary>
    public static Task MarkFailedAsync(DbConnection c, Guid runId, string failure, DateTimeOffset now, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "UPDATE omics_runs SET state = 'failed', failure = @failure, updated_at = @now WHERE id = @runId AND state <> 'embedded'",
            new { runId, failure, now }, cancellationToken: ct));

    /// <summary>
    /// Every record of a run with its peptide and embedding, in file order, read row by row (unbuffered) so an
    /// export of a large run streams instead of loading whole.
    /// </summary>
    public static IAsyncEnumerable<ExportRow> StreamExportRowsAsync(DbConnection c, Guid runId, CancellationToken ct) =>
        c.QueryUnbufferedAsync<ExportRow>(
            "SELECT r.record_id AS RecordId, p.id AS Id, p.run_id AS RunId, p.ordinal AS Ordinal, p.sequence AS Sequence, p.length AS Length, " +
            "p.molecular_weight AS MolecularWeight, p.net_charge_ph7 AS NetChargePh7, p.isoelectric_point AS IsoelectricPoint, p.gravy AS Gravy, " +
            "p.aromaticity AS Aromaticity, p.instability_index AS InstabilityIndex, p.composition AS Composition, e.vector AS Vector " +
            "FROM omics_records r JOIN omics_peptides p ON p.id = r.peptide_id JOIN omics_embeddings e ON e.peptide_id = p.id " +
            "WHERE r.run_id = @runId ORDER BY r.record_number", new { runId });

    public static Task SetJobAsync(DbConnection c, DbTransaction t, Guid runId, Guid jobId, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition("UPDATE omics_runs SET job_id = @jobId WHERE id = @runId", new { runId, jobId }, t, cancellationToken: ct));
}
