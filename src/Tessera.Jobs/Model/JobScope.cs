using Tessera.Core.Identity;

namespace Tessera.Jobs;

/// <summary>
/// Which jobs a caller may see: its own (API callers) or every job of the deployment (operator commands such
/// as <c>tessera jobs list</c>). The filter is applied in SQL, so a foreign job reads exactly like a missing one.
/// </summary>
public sealed record JobScope
{
    private JobScope(JobOwner? owner) => Owner = owner;

    /// <summary>Null for the operator scope.</summary>
    public JobOwner? Owner { get; }

    public static JobScope Operator { get; } = new((JobOwner?)null);

    public static JobScope Of(JobOwner owner) => new(owner);

    public static JobScope Of(Principal principal) => new(JobOwner.Of(principal));

    internal string Sql(string alias = "") => Owner is null
        ? ""
        : $"AND {alias}owner_user_id = @scopeUserId AND {alias}owner_org_id = @scopeOrgId";

    internal void Bind(Dapper.DynamicParameters parameters)
    {
        if (Owner is null) return;
        parameters.Add("scopeUserId", Owner.UserId);
        parameters.Add("scopeOrgId", Owner.OrgId);
    }
}
