using System.Data.Common;
using Dapper;
using Tessera.Chem.Tasks;

namespace Tessera.Chem.Storage;

/// <summary>The SQL of the task registry. A caller sees the system tasks (no owner) and its own organization's, filtered in SQL.</summary>
internal static class TaskRows
{
    private const string Columns =
        "id AS Id, org_id AS OrgId, name AS Name, version AS Version, description AS Description, input_schema AS InputSchema, " +
        "output_schema AS OutputSchema, resources AS Resources, cache AS Cache, created_by AS CreatedBy, created_at AS CreatedAt";

    private const string Visible = "(org_id IS NULL OR org_id = @orgId)";

    public static Task InsertAsync(DbConnection c, DbTransaction t, TaskDefinition d, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO chem_tasks (id, org_id, name, version, description, input_schema, output_schema, resources, cache, created_by, created_at) " +
            "VALUES (@Id, @OrgId, @Name, @Version, @Description, @InputSchema, @OutputSchema, @Resources, @Cache, @CreatedBy, @CreatedAt)",
            d, t, cancellationToken: ct));

    /// <summary>Every version the organization sees, by name then newest version first.</summary>
    public static async Task<IReadOnlyList<TaskDefinition>> ListAsync(DbConnection c, Guid orgId, CancellationToken ct) =>
        (await c.QueryAsync<TaskDefinition>(new CommandDefinition(
            $"SELECT {Columns} FROM chem_tasks WHERE {Visible} ORDER BY name, version DESC", new { orgId }, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    /// <summary>The version asked for, or the newest when <paramref name="version"/> is null; null when the organization sees none.</summary>
    public static Task<TaskDefinition?> FindAsync(DbConnection c, DbTransaction? t, Guid orgId, string name, int? version, CancellationToken ct) =>
        c.QueryFirstOrDefaultAsync<TaskDefinition>(new CommandDefinition(
            $"SELECT {Columns} FROM chem_tasks WHERE {Visible} AND name = @name" + (version is null ? "" : " AND version = @version") + " ORDER BY version DESC LIMIT 1",
            new { orgId, name, version }, t, cancellationToken: ct));

    /// <summary>A version by its id, for the job that runs it (the execution carries the owner).</summary>
    public static Task<TaskDefinition?> FindByIdAsync(DbConnection c, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<TaskDefinition>(new CommandDefinition($"SELECT {Columns} FROM chem_tasks WHERE id = @id", new { id }, cancellationToken: ct));

    /// <summary>Whether a system task has this name (an organization may not shadow one).</summary>
    public static Task<bool> IsSystemNameAsync(DbConnection c, DbTransaction t, string name, CancellationToken ct) =>
        c.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT COUNT(*) > 0 FROM chem_tasks WHERE org_id IS NULL AND name = @name", new { name }, t, cancellationToken: ct));
}
