using System.Buffers.Binary;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Tessera.Chem.Executions;
using Tessera.Data;

namespace Tessera.Chem.Storage;

/// <summary>The SQL of task executions. A caller's reads filter by organization in SQL; the job handler reads by id.</summary>
internal static class ExecutionRows
{
    private const string Columns =
        "id AS Id, org_id AS OrgId, user_id AS UserId, task_id AS TaskId, task_name AS TaskName, task_version AS TaskVersion, service AS Service, " +
        "parameters AS Parameters, job_id AS JobId, result_id AS ResultId, created_at AS CreatedAt, completed_at AS CompletedAt, " +
        "input_signature AS InputSignature, signature_components AS SignatureComponents, cached_from AS CachedFrom, cache_outcome AS CacheOutcome, " +
        "finished_at AS FinishedAt, cpu_seconds AS CpuSeconds";

    public static Task InsertAsync(DbConnection c, DbTransaction t, Execution e, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO chem_executions (id, org_id, user_id, task_id, task_name, task_version, service, parameters, job_id, result_id, created_at, completed_at, " +
            "input_signature, signature_components, cached_from, cache_outcome, finished_at, cpu_seconds) " +
            "VALUES (@Id, @OrgId, @UserId, @TaskId, @TaskName, @TaskVersion, @Service, @Parameters, @JobId, @ResultId, @CreatedAt, @CompletedAt, " +
            "@InputSignature, @SignatureComponents, @CachedFrom, @CacheOutcome, @FinishedAt, @CpuSeconds)",
            e, t, cancellationToken: ct));

    /// <summary>The organization's execution, or null for a missing one and for another organization's alike.</summary>
    public static Task<Execution?> FindAsync(DbConnection c, Guid orgId, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Execution>(new CommandDefinition(
            $"SELECT {Columns} FROM chem_executions WHERE id = @id AND org_id = @orgId", new { id, orgId }, cancellationToken: ct));

    /// <summary>For the job that runs it, which carries the owner itself.</summary>
    public static Task<Execution?> FindForJobAsync(DbConnection c, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Execution>(new CommandDefinition($"SELECT {Columns} FROM chem_executions WHERE id = @id", new { id }, cancellationToken: ct));

    /// <summary>Gives an unbound pipeline step its parameters, signature and cache decision (a hit's result too) once; false when a run already did.</summary>
    public static async Task<bool> BindAsync(DbConnection c, DbTransaction t, Execution e, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE chem_executions SET parameters = @Parameters, input_signature = @InputSignature, signature_components = @SignatureComponents, " +
            "cache_outcome = @CacheOutcome, cached_from = @CachedFrom, result_id = @ResultId, completed_at = @CompletedAt WHERE id = @Id AND input_signature IS NULL",
            e, t, cancellationToken: ct)).ConfigureAwait(false) == 1;

    /// <summary>Names the result (in the organization's store) that stands, once; false when an earlier run of the job already did.</summary>
    public static async Task<bool> CompleteAsync(DbConnection c, DbTransaction t, Guid id, Guid resultId, DateTimeOffset completedAt, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE chem_executions SET result_id = @resultId, completed_at = @completedAt WHERE id = @id AND completed_at IS NULL",
            new { id, resultId, completedAt }, t, cancellationToken: ct)).ConfigureAwait(false) == 1;

    /// <summary>
    /// The newest completed execution of the organization with one of these signatures that completed at or after
    /// <paramref name="since"/> (null: any time), run by a job of its own (not itself served from the cache).
    /// </summary>
    public static Task<Execution?> FindHitAsync(
        DbConnection c, DbTransaction t, Guid orgId, IReadOnlyList<string> signatures, DateTimeOffset? since, CancellationToken ct) =>
        c.QueryFirstOrDefaultAsync<Execution>(new CommandDefinition(
            $"SELECT {Columns} FROM chem_executions WHERE org_id = @orgId AND input_signature IN ({In(signatures)}) AND result_id IS NOT NULL AND cached_from IS NULL " +
            (since is null ? "" : "AND completed_at >= @since ") + "ORDER BY completed_at DESC LIMIT 1",
            Parameters(signatures, new { orgId, since }), t, cancellationToken: ct));

    /// <summary>The organization's executions with one of these signatures that have a job and no result yet, newest first: perhaps in flight.</summary>
    public static async Task<IReadOnlyList<Execution>> PendingAsync(
        DbConnection c, DbTransaction t, Guid orgId, IReadOnlyList<string> signatures, int limit, CancellationToken ct) =>
        (await c.QueryAsync<Execution>(new CommandDefinition(
            $"SELECT {Columns} FROM chem_executions WHERE org_id = @orgId AND input_signature IN ({In(signatures)}) AND completed_at IS NULL AND job_id IS NOT NULL " +
            "ORDER BY created_at DESC LIMIT @limit",
            Parameters(signatures, new { orgId, limit }), t, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    /// <summary>The organization's executions of a task submitted before <paramref name="before"/> that recorded a signature, newest first.</summary>
    public static async Task<IReadOnlyList<Execution>> EarlierAsync(
        DbConnection c, Guid orgId, string taskName, Guid excluding, DateTimeOffset before, int limit, CancellationToken ct) =>
        (await c.QueryAsync<Execution>(new CommandDefinition(
            $"SELECT {Columns} FROM chem_executions WHERE org_id = @orgId AND task_name = @taskName AND id <> @excluding AND created_at <= @before " +
            "AND signature_components IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT @limit",
            new { orgId, taskName, excluding, before, limit }, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    // One named parameter per signature (a handful: the version's own and its compatible versions'), the same SQL on
    // both dialects; Dapper would send a list to Npgsql as one array parameter, which IN cannot take.
    private static string In(IReadOnlyList<string> signatures) => string.Join(", ", signatures.Select((_, i) => "@s" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static DynamicParameters Parameters(IReadOnlyList<string> signatures, object rest)
    {
        var parameters = new DynamicParameters(rest);
        for (var i = 0; i < signatures.Count; i++) parameters.Add("s" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), signatures[i]);
        return parameters;
    }
    /// <summary>Records the service that carries out (this attempt of) the execution: a task service's URL, or in-process.</summary>
    public static Task SetServiceAsync(DbConnection c, Guid id, string service, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "UPDATE chem_executions SET service = @service WHERE id = @id AND completed_at IS NULL", new { id, service }, cancellationToken: ct));

    /// <summary>Charges one attempt's CPU seconds; with <paramref name="finishedAt"/>, also records (once) that the execution ended.</summary>
    public static Task ChargeAsync(DbConnection c, Guid id, double cpuSeconds, DateTimeOffset? finishedAt, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "UPDATE chem_executions SET cpu_seconds = COALESCE(cpu_seconds, 0) + @cpuSeconds, finished_at = COALESCE(finished_at, @finishedAt) WHERE id = @id",
            new { id, cpuSeconds, finishedAt }, cancellationToken: ct));

    /// <summary>Records that the organization's execution ended, for one whose job ended without its handler saying so (cancelled, or its last lease expired).</summary>
    public static Task MarkFinishedAsync(DbConnection c, DbTransaction t, Guid orgId, Guid id, DateTimeOffset finishedAt, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "UPDATE chem_executions SET finished_at = @finishedAt WHERE id = @id AND org_id = @orgId AND finished_at IS NULL",
            new { id, orgId, finishedAt }, t, cancellationToken: ct));

    /// <summary>Executions whose result an earlier version kept in the shared table (<c>result</c>), that many at most.</summary>
    public static async Task<IReadOnlyList<Execution>> LegacyResultsAsync(DbConnection c, int limit, CancellationToken ct) =>
        (await c.QueryAsync<Execution>(new CommandDefinition(
            $"SELECT {Columns}, result AS Result FROM chem_executions WHERE result IS NOT NULL ORDER BY id LIMIT @limit",
            new { limit }, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    /// <summary>Points an execution at its moved result (stored under the execution's own id) and empties the shared column.</summary>
    public static Task MoveResultAsync(DbConnection c, Guid id, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "UPDATE chem_executions SET result_id = @id, result = NULL WHERE id = @id AND result IS NOT NULL", new { id }, cancellationToken: ct));

    /// <summary>
    /// Serialises submissions with the same organization and signature until the transaction ends: on PostgreSQL a
    /// transaction-scoped advisory lock keyed by both; SQLite's write transactions (BEGIN IMMEDIATE) are serial already.
    /// </summary>
    public static async Task LockSignatureAsync(DbConnection c, DbTransaction t, SqlDialect dialect, Guid orgId, string signature, CancellationToken ct)
    {
        if (dialect != SqlDialect.Postgres) return;
        var key = BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes("chem.cache:" + orgId + ":" + signature)));
        await c.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@key)", new { key }, t, cancellationToken: ct)).ConfigureAwait(false);
    }
}
