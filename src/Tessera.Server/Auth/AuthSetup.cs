using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Tessera.Core.Identity;
using Tessera.Data.Identity.Providers;
using Tessera.Server.Auth.External;
using Tessera.Server.Hosting;
using Tessera.Web.Session;

namespace Tessera.Server.Auth;

internal static class AuthSetup
{
    /// <summary>
    /// Probes a load balancer or monitor polls on its own schedule: limiting them would turn a busy client address
    /// into a failed health check. They read no tenant data.
    /// </summary>
    private static readonly string[] UnlimitedPaths = ["/healthz", "/readyz", "/metrics"];

    /// <summary>The default scheme: bearer when an Authorization header is present, else the browser's session cookie.</summary>
    private const string BearerOrSession = "TesseraBearerOrSession";

    /// <summary>
    /// Bearer-token (Tessera's own, or an identity provider's JWT) and session-cookie authentication (both through the token service), an authenticated-user default policy, a request budget per token, and the client
    /// address from trusted proxies (<see cref="TrustedProxies"/>).
    /// </summary>
    public static IServiceCollection AddTesseraAuth(this IServiceCollection services)
    {
        services.AddAuthentication(BearerOrSession)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(Principal.AuthenticationScheme, _ => { })
            .AddScheme<AuthenticationSchemeOptions, SessionAuthenticationHandler>(SessionAuthenticationHandler.SchemeName, _ => { })
            .AddPolicyScheme(BearerOrSession, null, options => options.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.Count > 0 ? Principal.AuthenticationScheme : SessionAuthenticationHandler.SchemeName);
        services.AddAuthorization();
        services.AddHttpClient(ProviderMetadata.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(provider => ProviderNetwork.Handler(provider.GetRequiredService<TesseraSettings>().AllowPrivateNetworkProviders));
        services.AddSingleton<ProviderMetadata>();
        services.AddSingleton<RejectedTokenAudit>();
        services.AddSingleton<ExternalTokenValidator>();
        services.AddSingleton<ProviderSignInFlow>();
        services.AddSingleton<PendingSignInCookie>();
        services.AddTransient<IStartupFilter, TrustedProxies>();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (IsUnlimited(context.Request.Path)) return RateLimitPartition.GetNoLimiter("probes");
                // One budget per token; unauthenticated requests share one per client address.
                var key = context.User.FindFirst(Principal.TokenClaim)?.Value ?? "ip:" + context.Connection.RemoteIpAddress;
                var perMinute = context.RequestServices.GetRequiredService<TesseraSettings>().RequestsPerMinute;
                return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = perMinute,
                    TokensPerPeriod = perMinute,
                    ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
                var perMinute = context.HttpContext.RequestServices.GetRequiredService<TesseraSettings>().RequestsPerMinute;
                var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails
                {
                    Status = 429,
                    Detail = $"Too many requests: the limit is {perMinute} per minute per token (setting limits:requests_per_minute).",
                };
                await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context.HttpContext, ProblemDetails = problem }).ConfigureAwait(false);
            };
        });
        return services;
    }

    private static bool IsUnlimited(PathString path) =>
        UnlimitedPaths.Any(p => path.Equals(p, StringComparison.OrdinalIgnoreCase));
}
