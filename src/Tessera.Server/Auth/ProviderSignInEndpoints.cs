using Tessera.Data.Identity;
using Tessera.Server.Auth.External;
using Tessera.Web.Session;

namespace Tessera.Server.Auth;

/// <summary>
/// The browser's sign-in through an organization's identity provider: start (redirect to the provider) and callback
/// (back from it, into a Tessera session). Pages, not API: outside the OpenAPI document, and every refusal lands on the
/// sign-in page with a code it explains.
/// </summary>
internal static class ProviderSignInEndpoints
{
    public const string CallbackPath = "/signin/provider/callback";

    public static IEndpointRouteBuilder MapProviderSignInEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var signIn = endpoints.MapGroup("/signin/provider").ExcludeFromDescription().AllowAnonymous();
        signIn.MapGet("/{providerId:guid}", StartAsync);
        signIn.MapGet("/callback", CompleteAsync);
        return endpoints;
    }

    /// <summary>The address the provider sends the browser back to; register it at the provider as a redirect URI.</summary>
    public static Uri CallbackUri(HttpRequest request) => new($"{request.Scheme}://{request.Host}{request.PathBase}{CallbackPath}");

    private static async Task<IResult> StartAsync(
        Guid providerId, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "return_url")] string? returnUrl,
        HttpContext context, ProviderSignInFlow flow, PendingSignInCookie pendingCookie, CancellationToken cancellationToken)
    {
        var (authorizationUrl, pending, error) = await flow.StartAsync(providerId, CallbackUri(context.Request), WebPaths.LocalOrHome(returnUrl), cancellationToken).ConfigureAwait(false);
        if (error is not null) return Results.Redirect(SignInWithError(error));
        pendingCookie.Write(context, pending!);
        return Results.Redirect(authorizationUrl!.AbsoluteUri);
    }

    private static async Task<IResult> CompleteAsync(
        string? code, string? state, string? error, HttpContext context, ProviderSignInFlow flow, PendingSignInCookie pendingCookie,
        ProviderSignOut providerSignOut, CancellationToken cancellationToken)
    {
        var actor = new AuditActor(null, null, context.Connection.RemoteIpAddress?.ToString());
        var (completed, refusal) = await flow.CompleteAsync(
            pendingCookie.Take(context), new ProviderCallback(code, state, error), CallbackUri(context.Request), SessionCookie.TokenName, actor, cancellationToken).ConfigureAwait(false);
        if (completed is null) return Results.Redirect(SignInWithError(refusal!));
        SessionCookie.Write(context, completed.Session);
        if (completed.EndSessionEndpoint is { } endSession)
            providerSignOut.Write(context, endSession, completed.IdToken, completed.ClientId, completed.Session.Record.ExpiresAt);
        else
            ProviderSignOut.Delete(context);
        return Results.Redirect(completed.ReturnUrl);
    }

    private static string SignInWithError(string code) => WebPaths.SignInPath + "?error=" + Uri.EscapeDataString(code);
}
