using Tessera.Chem.Storage;
using Tessera.Chem.Tasks;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;
using Tessera.Data.Identity;

namespace Tessera.Chem.Access;

/// <summary>One grant of a task's execute permission: to a role (<c>member</c>) or to one user (their id).</summary>
internal sealed record TaskGrant(string Kind, string Grantee)
{
    public const string Role = "role";
    public const string User = "user";
}

/// <summary>Who may execute a task in the organization: the roles and users granted; none of either means every member may.</summary>
internal sealed record TaskAccess(string Task, bool Restricted, IReadOnlyList<string> Roles, IReadOnlyList<Guid> Users);

/// <summary>
/// Per-task execute permissions within an organization. A task the organization sees (its own, or a system task as
/// this organization uses it) may be restricted by an organization admin (<c>tasks:define</c>) to named roles and
/// users; without a restriction every member holding <c>tasks:execute</c> may run it. Admins may always run it (they
/// could lift the restriction anyway). A task the organization does not see is missing (404), never forbidden.
/// </summary>
internal sealed class TaskPermissions(TesseraDatabase database, TaskRegistry registry, OrganizationService organizations, TimeProvider time)
{
    public const int MaxGrants = 200;

    public async Task<TaskAccess> GetAsync(Principal caller, string task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.TasksDefine);
        var name = (await registry.GetAsync(caller, task, null, cancellationToken).ConfigureAwait(false)).Name;
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return Access(name, await TaskPermissionRows.ListAsync(c, null, caller.OrgId, name, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Replaces who may execute the task; empty lists lift the restriction. Users must be members of the organization.</summary>
    public async Task<TaskAccess> SetAsync(Principal caller, string task, IReadOnlyList<string>? roles, IReadOnlyList<Guid>? users, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.TasksDefine);
        var name = (await registry.GetAsync(caller, task, null, cancellationToken).ConfigureAwait(false)).Name;
        var grants = new List<TaskGrant>();
        foreach (var role in (roles ?? []).Distinct(StringComparer.Ordinal))
        {
            if (!Roles.IsKnown(role)) throw TesseraException.Validation($"'{role}' is no role; roles are {string.Join(", ", Roles.All)}.");
            grants.Add(new TaskGrant(TaskGrant.Role, role));
        }
        var distinctUsers = (users ?? []).Distinct().ToList();
        if (distinctUsers.Count > 0)
        {
            var members = (await organizations.ListMembersAsync(caller, caller.OrgId, cancellationToken).ConfigureAwait(false)).Select(m => m.UserId).ToHashSet();
            foreach (var user in distinctUsers)
            {
                if (!members.Contains(user)) throw TesseraException.Validation($"User {user} is not a member of your organization.");
                grants.Add(new TaskGrant(TaskGrant.User, user.ToString("D")));
            }
        }
        if (grants.Count > MaxGrants) throw TesseraException.Validation($"A task takes at most {MaxGrants} grants; grant a role instead of many users.");
        await database.InTransactionAsync(
            (c, t) => TaskPermissionRows.ReplaceAsync(c, t, caller.OrgId, name, grants, caller.UserId, time.GetUtcNow(), cancellationToken), cancellationToken).ConfigureAwait(false);
        return Access(name, grants);
    }

    /// <summary>403 naming the task unless the caller may execute it (the task is one the organization sees: the registry found it).</summary>
    public async Task RequireExecuteAsync(Principal caller, TaskDefinition task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(task);
        if (caller.Has(Permissions.TasksDefine)) return;
        IReadOnlyList<TaskGrant> grants;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            grants = await TaskPermissionRows.ListAsync(c, null, caller.OrgId, task.Name, cancellationToken).ConfigureAwait(false);
        if (grants.Count == 0 || grants.Contains(new TaskGrant(TaskGrant.User, caller.UserId.ToString("D")))) return;
        var role = (await organizations.ListMineAsync(caller, cancellationToken).ConfigureAwait(false)).FirstOrDefault(m => m.Id == caller.OrgId)?.Role;
        if (role is not null && grants.Contains(new TaskGrant(TaskGrant.Role, role))) return;
        var error = new TesseraException(ChemErrorCodes.TaskExecuteForbidden, 403,
            $"Your organization restricts who may execute {task.Name}, and you are not among them; ask an organization admin.");
        error.Extensions["task"] = task.Name;
        throw error;
    }

    private static TaskAccess Access(string task, IReadOnlyList<TaskGrant> grants) => new(
        task, grants.Count > 0,
        [.. grants.Where(g => g.Kind == TaskGrant.Role).Select(g => g.Grantee).Order(StringComparer.Ordinal)],
        [.. grants.Where(g => g.Kind == TaskGrant.User).Select(g => Guid.Parse(g.Grantee)).Order()]);
}
