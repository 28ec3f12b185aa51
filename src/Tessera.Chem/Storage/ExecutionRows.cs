using System.Data.Common;
using Dapper;
using Tessera.Chem.Executions;

namespace Tessera.Chem.Storage;

/// <summary>The SQL of task executions. A caller's reads filter by organization in SQL; the job handler reads by id.</summary>
internal static class ExecutionRows
{
    private const string Columns =
        "id AS Id, org_id AS OrgId, user_id AS UserId, task_id AS TaskId, task_name AS TaskName, task_version AS TaskVersion, service AS Service, " +
        "parameters AS Parameters, job_id AS JobId, result AS Result, created_at AS CreatedAt, completed_at AS CompletedAt";

    public static Task InsertAsync(DbConnection c, DbTransaction t, Execution e, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO chem_executions (id, org_id, user_id, task_id, task_name, task_version, service, parameters, job_id, result, created_at, completed_at) " +
            "VALUES (@Id, @OrgId, @UserId, @TaskId, @TaskName, @TaskVersion, @Service, @Parameters, @JobId, @Result, @CreatedAt, @CompletedAt)",
            e, t, cancellationToken: ct));

    /// <summary>The organization's execution, or null for a missing one and for another organization's alike.</summary>
    public static Task<Execution?> FindAsync(DbConnection c, Guid orgId, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Execution>(new CommandDefinition(
            $"SELECT {Columns} FROM chem_executions WHERE id = @id AND org_id = @orgId", new { id, orgId }, cancellationToken: ct));

    /// <summary>For the job that runs it, which carries the owner itself.</summary>
    public static Task<Execution?> FindForJobAsync(DbConnection c, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Execution>(new CommandDefinition($"SELECT {Columns} FROM chem_executions WHERE id = @id", new { id }, cancellationToken: ct));

    /// <summary>Records the result once; false when an earlier run of the job already did.</summary>
    public static async Task<bool> CompleteAsync(DbConnection c, DbTransaction t, Guid id, string result, DateTimeOffset completedAt, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE chem_executions SET result = @result, completed_at = @completedAt WHERE id = @id AND result IS NULL",
            new { id, result, completedAt }, t, cancellationToken: ct)).ConfigureAwait(false) == 1;

    /// <summary>Records the service that carries out (this attempt of) the execution: a task service's URL, or in-process.</summary>
    public static Task SetServiceAsync(DbConnection c, Guid id, string service, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "UPDATE chem_executions SET service = @service WHERE id = @id AND result IS NULL", new { id, service }, cancellationToken: ct));
}
