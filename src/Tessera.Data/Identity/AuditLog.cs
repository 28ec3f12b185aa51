using System.Data.Common;
using Dapper;

namespace Tessera.Data.Identity;

/// <summary>
/// Records writes: who, what, which resource, when and from where. Callers write the entry in the same
/// transaction as the change, so the log never claims a write that rolled back.
/// </summary>
internal static class AuditLog
{
    public static Task RecordAsync(
        DbConnection connection, DbTransaction transaction, AuditActor actor, DateTimeOffset at,
        string action, string resourceType, string? resourceId, string? detail = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO audit_log (id, occurred_at, user_id, org_id, action, resource_type, resource_id, remote_address, detail) " +
            "VALUES (@id, @at, @userId, @orgId, @action, @resourceType, @resourceId, @remote, @detail)",
            new { id = Guid.CreateVersion7(), at, userId = actor.UserId, orgId = actor.OrgId, action, resourceType, resourceId, remote = actor.RemoteAddress, detail },
            transaction, cancellationToken: cancellationToken));
    }
}
