using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Tessera.Chem.Quotas;
using Tessera.Data.Identity;

namespace Tessera.Chem.Api;

/// <summary>The organization's quotas under <c>/api/v1/chem/quotas</c>: thin handlers over <see cref="QuotaService"/>.</summary>
internal static class ChemQuotaEndpoints
{
    public static RouteGroupBuilder MapChemQuotas(this RouteGroupBuilder chem)
    {
        ArgumentNullException.ThrowIfNull(chem);
        chem.MapGet("/quotas", GetAsync).WithName("ChemGetQuotas")
            .WithSummary("Your organization's quotas (concurrent executions, CPU seconds per UTC day, stored bytes): each limit (null: none), " +
                "whether the organization set it or it is the deployment's default, and the current use.");
        chem.MapPut("/quotas", SetAsync).WithName("ChemSetQuotas").ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Set your organization's quotas (organization admins): each null takes the deployment's default, 0 is no limit.");
        return chem;
    }

    private static async Task<Ok<ChemQuotas>> GetAsync(Caller caller, QuotaService quotas, CancellationToken cancellationToken) =>
        TypedResults.Ok(ChemQuotas.From(await quotas.GetAsync(caller.Principal, cancellationToken).ConfigureAwait(false)));

    private static async Task<Ok<ChemQuotas>> SetAsync(ChemQuotaSettings request, Caller caller, QuotaService quotas, CancellationToken cancellationToken) =>
        TypedResults.Ok(ChemQuotas.From(await quotas.SetAsync(caller.Principal, request.ToLimits(), cancellationToken).ConfigureAwait(false)));
}
