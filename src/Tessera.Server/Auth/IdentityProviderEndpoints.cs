using Microsoft.AspNetCore.Http.HttpResults;
using Tessera.Data.Identity;
using Tessera.Data.Identity.Providers;

namespace Tessera.Server.Auth;

/// <summary>An organization's OpenID Connect identity providers (needs members:manage); the client secret is write-only.</summary>
internal static class IdentityProviderEndpoints
{
    public static RouteGroupBuilder MapIdentityProviderEndpoints(this RouteGroupBuilder api)
    {
        var providers = api.MapGroup("/orgs/{orgId:guid}/identity-providers").WithTags("identity providers").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        providers.MapGet("/", ListAsync).WithName("ListIdentityProviders").WithSummary("The organization's identity providers, without secrets (needs members:manage).");
        providers.MapPost("/", AddAsync).WithName("AddIdentityProvider").ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Add an OpenID Connect provider whose tokens the API accepts for this organization (needs members:manage).");
        providers.MapDelete("/{providerId:guid}", RemoveAsync).WithName("RemoveIdentityProvider").WithSummary("Remove a provider; its tokens stop working (needs members:manage).");
        return api;
    }

    private static async Task<Ok<IReadOnlyList<IdentityProviderRecord>>> ListAsync(Guid orgId, Caller caller, IdentityProviderService providers, CancellationToken cancellationToken) =>
        TypedResults.Ok(await providers.ListAsync(caller.Principal, orgId, cancellationToken).ConfigureAwait(false));

    private static async Task<Created<IdentityProviderRecord>> AddAsync(
        Guid orgId, IdentityProviderInput request, Caller caller, IdentityProviderService providers, CancellationToken cancellationToken)
    {
        var provider = await providers.AddAsync(caller.Principal, orgId, request, caller.Actor, cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/api/v1/orgs/{orgId}/identity-providers/{provider.Id}", provider);
    }

    private static async Task<NoContent> RemoveAsync(Guid orgId, Guid providerId, Caller caller, IdentityProviderService providers, CancellationToken cancellationToken)
    {
        await providers.RemoveAsync(caller.Principal, orgId, providerId, caller.Actor, cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }
}
