using Tessera.Core.Identity;

namespace Tessera.Jobs;

/// <summary>Who a job belongs to: the user who asked for it, within one organization.</summary>
public sealed record JobOwner(Guid UserId, Guid OrgId)
{
    public static JobOwner Of(Principal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return new JobOwner(principal.UserId, principal.OrgId);
    }
}
