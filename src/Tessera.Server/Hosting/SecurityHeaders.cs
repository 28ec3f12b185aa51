using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Net.Http.Headers;

namespace Tessera.Server.Hosting;

/// <summary>
/// Response headers every answer carries: <c>X-Content-Type-Options: nosniff</c> (a browser never guesses a blob
/// or error body into HTML), and <c>Cache-Control: no-store</c> on answers to authenticated requests and on every
/// JSON answer (login and token creation carry secrets; no proxy or browser cache may keep them). Kestrel's
/// <c>Server</c> header is switched off: it only tells a prober what to aim at.
/// </summary>
internal static class SecurityHeaders
{
    public static IServiceCollection AddSecurityHeaders(this IServiceCollection services) =>
        services.Configure<KestrelServerOptions>(kestrel => kestrel.AddServerHeader = false);

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                if (context.User.Identity?.IsAuthenticated == true || IsJson(context.Response.ContentType))
                    headers.CacheControl = "no-store";
                return Task.CompletedTask;
            });
            return next(context);
        });

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media) &&
        (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) ||
         media.MediaType.Value?.EndsWith("+json", StringComparison.OrdinalIgnoreCase) == true);
}
