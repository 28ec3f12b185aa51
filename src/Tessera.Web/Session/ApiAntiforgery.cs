using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Core.Errors;

namespace Tessera.Web.Session;

/// <summary>
/// A browser sends the session cookie with any request to this site, including one a foreign page makes it send.
/// So an unsafe API request that authenticates by cookie (no Authorization header) must also carry the page's
/// antiforgery token in <see cref="HeaderName"/>; bearer callers are unaffected.
/// </summary>
public static class ApiAntiforgery
{
    public const string HeaderName = "X-CSRF-TOKEN";

    public const string InvalidCode = "CSRF_TOKEN_INVALID";

    public static IApplicationBuilder UseApiAntiforgery(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (NeedsToken(context.Request) && !await HasValidTokenAsync(context).ConfigureAwait(false))
                throw new TesseraException(InvalidCode, StatusCodes.Status403Forbidden,
                    $"A request authenticated by the session cookie must carry the page's antiforgery token in the {HeaderName} header.");
            await next(context).ConfigureAwait(false);
        });

    private static bool NeedsToken(HttpRequest request) =>
        WebPaths.IsApi(request.Path)
        && !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method))
        && request.Headers.Authorization.Count == 0
        && SessionCookie.Read(request.HttpContext) is not null
        && request.HttpContext.User.Identity?.IsAuthenticated == true;

    // The header alone counts: a form field would mean reading (and buffering) the whole upload first.
    private static async Task<bool> HasValidTokenAsync(HttpContext context) =>
        context.Request.Headers[HeaderName].Count > 0
        && await context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context).ConfigureAwait(false);
}
