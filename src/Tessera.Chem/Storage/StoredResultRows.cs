using System.Data.Common;
using Dapper;

namespace Tessera.Chem.Storage;

/// <summary>A result as one organization's store keeps it (<see cref="OrganizationStores"/>).</summary>
internal sealed record StoredResult(Guid Id, Guid ExecutionId, string TaskName, int TaskVersion, string Result, DateTimeOffset CreatedAt);

/// <summary>
/// The SQL of results in an organization's own store. The store is the organization's alone, so no query filters by
/// organization: choosing the store did.
/// </summary>
internal static class StoredResultRows
{
    /// <summary>Writes a result; a row with its id already there (a move of an earlier version's result, done twice) is left as it is.</summary>
    public static Task InsertAsync(DbConnection c, StoredResult r, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO execution_results (id, execution_id, task_name, task_version, result, created_at) " +
            "VALUES (@Id, @ExecutionId, @TaskName, @TaskVersion, @Result, @CreatedAt) ON CONFLICT (id) DO NOTHING",
            r, cancellationToken: ct));

    public static Task<string?> FindAsync(DbConnection c, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<string?>(new CommandDefinition("SELECT result FROM execution_results WHERE id = @id", new { id }, cancellationToken: ct));

    public static Task DeleteAsync(DbConnection c, Guid id, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition("DELETE FROM execution_results WHERE id = @id", new { id }, cancellationToken: ct));
}
