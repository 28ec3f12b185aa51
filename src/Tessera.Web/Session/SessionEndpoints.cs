using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data.Identity;

namespace Tessera.Web.Session;

/// <summary>
/// The session's form posts: sign out (revokes the session token, and ends the identity provider's session when it
/// came from one) and switch organization (a new session token for
/// the chosen organization, the old one revoked in the same transaction). Both need the page's antiforgery token.
/// They are not part of the API and stay out of its OpenAPI document.
/// </summary>
internal static class SessionEndpoints
{
    public static IEndpointRouteBuilder MapSessionEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var session = endpoints.MapGroup("/session").ExcludeFromDescription().WithMetadata(new RequireAntiforgeryTokenAttribute());
        session.MapPost("/signout", SignOutAsync).AllowAnonymous();
        session.MapPost("/org", SwitchOrganizationAsync).RequireAuthorization();
        return endpoints;
    }

    /// <summary>Ends the Tessera session, then the provider's too when the session came from one that supports it.</summary>
    private static async Task<IResult> SignOutAsync(HttpContext context, TokenService tokens, ProviderSignOut providerSignOut, CancellationToken cancellationToken)
    {
        if (context.User.Identity?.IsAuthenticated == true && SessionCookie.Read(context) is not null)
        {
            var principal = Principal.FromClaims(context.User);
            if (principal.TokenId is { } tokenId)
                await tokens.RevokeOwnAsync(principal, tokenId, Actor(context, principal), cancellationToken).ConfigureAwait(false);
        }
        SessionCookie.Delete(context);
        return providerSignOut.TakeEndSessionRedirect(context) is { } endSession
            ? Results.Content(ProviderSignOut.ContinuePage(endSession), "text/html; charset=utf-8")
            : Results.Redirect(WebPaths.SignInPath);
    }

    private static async Task<IResult> SwitchOrganizationAsync(
        [FromForm(Name = "org_id")] string? orgId, [FromForm(Name = "return_url")] string? returnUrl,
        HttpContext context, TokenService tokens, CancellationToken cancellationToken)
    {
        if (SessionCookie.Read(context) is null)
            throw TesseraException.Validation("Switching organizations is for a signed-in browser session.");
        if (!Guid.TryParse(orgId, out var target)) throw TesseraException.NotFound("organization");
        var principal = Principal.FromClaims(context.User);
        var issued = await tokens.SwitchOrganizationAsync(principal, target, Actor(context, principal), cancellationToken).ConfigureAwait(false);
        SessionCookie.Write(context, issued);
        return Results.Redirect(WebPaths.LocalOrHome(returnUrl));
    }

    private static AuditActor Actor(HttpContext context, Principal principal) =>
        new(principal.UserId, principal.OrgId, context.Connection.RemoteIpAddress?.ToString());
}
