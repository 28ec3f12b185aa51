using System.Data.Common;
using Dapper;
using Tessera.Chem.Access;

namespace Tessera.Chem.Storage;

/// <summary>The SQL of per-task execute permissions. Every statement filters by organization.</summary>
internal static class TaskPermissionRows
{
    public static async Task<IReadOnlyList<TaskGrant>> ListAsync(DbConnection c, DbTransaction? t, Guid orgId, string taskName, CancellationToken ct) =>
        (await c.QueryAsync<TaskGrant>(new CommandDefinition(
            "SELECT kind AS Kind, grantee AS Grantee FROM chem_task_permissions WHERE org_id = @orgId AND task_name = @taskName ORDER BY kind, grantee",
            new { orgId, taskName }, t, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    /// <summary>Replaces the task's grants with <paramref name="grants"/> (none: every member may execute it again).</summary>
    public static async Task ReplaceAsync(
        DbConnection c, DbTransaction t, Guid orgId, string taskName, IReadOnlyList<TaskGrant> grants, Guid createdBy, DateTimeOffset now, CancellationToken ct)
    {
        await c.ExecuteAsync(new CommandDefinition(
            "DELETE FROM chem_task_permissions WHERE org_id = @orgId AND task_name = @taskName", new { orgId, taskName }, t, cancellationToken: ct)).ConfigureAwait(false);
        foreach (var grant in grants)
            await c.ExecuteAsync(new CommandDefinition(
                "INSERT INTO chem_task_permissions (org_id, task_name, kind, grantee, created_by, created_at) VALUES (@orgId, @taskName, @kind, @grantee, @createdBy, @now)",
                new { orgId, taskName, kind = grant.Kind, grantee = grant.Grantee, createdBy, now }, t, cancellationToken: ct)).ConfigureAwait(false);
    }
}
