using System.Data.Common;
using Dapper;
using Tessera.Data;

namespace Tessera.Jobs.Storage;

/// <summary>The changes to job rows that are not state transitions: the row lock taken before a change, pipeline dependencies and the cancel flag.</summary>
internal static class JobRowChanges
{
    /// <summary>Locks the job (PostgreSQL) when <paramref name="scope"/> may see it; false when it does not exist or is outside the scope.</summary>
    public static async Task<bool> LockAsync(DbConnection connection, DbTransaction transaction, SqlDialect dialect, JobScope scope, Guid id, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters(new { id });
        scope.Bind(parameters);
        var state = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            Sql.LockJob(dialect, scope.Sql()), parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return state is not null;
    }

    /// <summary>Makes <paramref name="jobId"/> wait for <paramref name="dependsOnId"/>.</summary>
    public static Task AddDependencyAsync(DbConnection connection, DbTransaction transaction, Guid jobId, Guid dependsOnId, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO job_dependencies (job_id, depends_on_id) VALUES (@jobId, @dependsOnId)",
            new { jobId, dependsOnId }, transaction, cancellationToken: cancellationToken));

    /// <summary>Flags a running job for cancellation and, on PostgreSQL, wakes every worker at commit so its own worker sees the flag.</summary>
    public static async Task RequestCancelAsync(
        DbConnection connection, DbTransaction transaction, SqlDialect dialect, Guid id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE jobs SET cancel_requested = 1, updated_at = @now WHERE id = @id",
            new { id, now }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (dialect == SqlDialect.Postgres)
            await connection.ExecuteAsync(new CommandDefinition(Sql.Notify(dialect, JobChannels.CancelPayload), transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }
}
