using Microsoft.AspNetCore.Builder;
using Tessera.Web.Session;

namespace Tessera.Web;

/// <summary>
/// Headers on the web pages: a Content-Security-Policy that admits only this site's own scripts, styles and forms
/// (no inline script, no framing; images may also be blob: URLs, so a page can show a photo the person picked before
/// it is sent), and a Referrer-Policy that keeps page addresses (which hold run ids) on the site.
/// API routes keep their own headers (the API reference page loads its bundled script inline).
/// </summary>
public static class PageHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public const string ReferrerPolicy = "same-origin";

    public static IApplicationBuilder UsePageHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (!WebPaths.IsApi(context.Request.Path))
            {
                context.Response.OnStarting(() =>
                {
                    context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
                    context.Response.Headers["Referrer-Policy"] = ReferrerPolicy;
                    return Task.CompletedTask;
                });
            }
            return next(context);
        });
}
