using System.Buffers.Binary;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Tessera.Chem.Quotas;
using Tessera.Data;

namespace Tessera.Chem.Storage;

/// <summary>The SQL of organization quotas and of the use they limit. Every statement filters by organization.</summary>
internal static class QuotaRows
{
    /// <summary>
    /// Serialises the quota checks and the writes they guard of one organization until the transaction ends: on
    /// PostgreSQL a transaction-scoped advisory lock keyed by the organization (it needs no row to exist); SQLite's
    /// write transactions (BEGIN IMMEDIATE) are serial already.
    /// </summary>
    public static async Task LockAsync(DbConnection c, DbTransaction t, SqlDialect dialect, Guid orgId, CancellationToken ct)
    {
        if (dialect != SqlDialect.Postgres) return;
        var key = BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes("chem.quota:" + orgId)));
        await c.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@key)", new { key }, t, cancellationToken: ct)).ConfigureAwait(false);
    }

    public static Task<QuotaLimits?> FindAsync(DbConnection c, DbTransaction? t, Guid orgId, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<QuotaLimits>(new CommandDefinition(
            "SELECT max_concurrent_executions AS MaxConcurrentExecutions, cpu_seconds_per_day AS CpuSecondsPerDay, max_stored_bytes AS MaxStoredBytes " +
            "FROM chem_quotas WHERE org_id = @orgId", new { orgId }, t, cancellationToken: ct));

    public static Task UpsertAsync(DbConnection c, DbTransaction t, Guid orgId, QuotaLimits limits, Guid updatedBy, DateTimeOffset now, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO chem_quotas (org_id, max_concurrent_executions, cpu_seconds_per_day, max_stored_bytes, updated_by, updated_at) " +
            "VALUES (@orgId, @MaxConcurrentExecutions, @CpuSecondsPerDay, @MaxStoredBytes, @updatedBy, @now) " +
            "ON CONFLICT (org_id) DO UPDATE SET max_concurrent_executions = excluded.max_concurrent_executions, " +
            "cpu_seconds_per_day = excluded.cpu_seconds_per_day, max_stored_bytes = excluded.max_stored_bytes, " +
            "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            new { orgId, limits.MaxConcurrentExecutions, limits.CpuSecondsPerDay, limits.MaxStoredBytes, updatedBy, now }, t, cancellationToken: ct));

    /// <summary>The organization's executions with a job of their own that have not finished as far as Chem knows: (execution, job).</summary>
    public static async Task<IReadOnlyList<(Guid Id, Guid JobId)>> OpenExecutionsAsync(DbConnection c, DbTransaction? t, Guid orgId, CancellationToken ct) =>
        (await c.QueryAsync<(Guid, Guid)>(new CommandDefinition(
            "SELECT id, job_id FROM chem_executions WHERE org_id = @orgId AND job_id IS NOT NULL AND finished_at IS NULL ORDER BY id",
            new { orgId }, t, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    /// <summary>The CPU seconds charged to executions of the organization that finished (or, still open, were submitted) since <paramref name="since"/>.</summary>
    public static Task<double> CpuSecondsSinceAsync(DbConnection c, DbTransaction? t, Guid orgId, DateTimeOffset since, CancellationToken ct) =>
        c.ExecuteScalarAsync<double>(new CommandDefinition(
            "SELECT CAST(COALESCE(SUM(cpu_seconds), 0) AS double precision) FROM chem_executions " +
            "WHERE org_id = @orgId AND cpu_seconds IS NOT NULL AND COALESCE(finished_at, created_at) >= @since",
            new { orgId, since }, t, cancellationToken: ct));

    /// <summary>The bytes the organization keeps: its artifacts (uploads and outputs) and its executions' tool logs.</summary>
    public static Task<long> StoredBytesAsync(DbConnection c, DbTransaction? t, Guid orgId, CancellationToken ct) =>
        c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT CAST((SELECT COALESCE(SUM(size_bytes), 0) FROM chem_artifacts WHERE org_id = @orgId) + " +
            "(SELECT COALESCE(SUM(size_bytes), 0) FROM chem_execution_logs WHERE org_id = @orgId) AS bigint)",
            new { orgId }, t, cancellationToken: ct));
}
