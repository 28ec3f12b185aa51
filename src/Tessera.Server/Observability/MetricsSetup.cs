using Microsoft.AspNetCore.Diagnostics;
using Prometheus;

namespace Tessera.Server.Observability;

/// <summary>
/// Metrics in Prometheus text format at <c>GET /metrics</c>: HTTP requests per route template, method and status
/// code; the job queue per kind; vector index sizes and build times. The registry belongs to this application, not
/// to prometheus-net's process-wide default, so two applications in one process (tests) keep their own counts.
/// </summary>
internal static class MetricsSetup
{
    public const string Path = "/metrics";

    public static IServiceCollection AddTesseraMetrics(this IServiceCollection services)
    {
        services.AddSingleton(sp => MetricsOptions.From(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton(_ => Metrics.NewCustomRegistry());
        services.AddSingleton<JobQueueMetrics>();
        services.AddSingleton<VectorIndexMetrics>();
        return services;
    }

    /// <summary>
    /// Measures every request that passes this point (call it first, so rejected and failed requests count too)
    /// and serves <c>/metrics</c>, exempt from the request budget and open unless <c>metrics:token</c> is set.
    /// </summary>
    public static WebApplication UseTesseraMetrics(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var registry = app.Services.GetRequiredService<CollectorRegistry>();
        app.UseHttpMetrics(options => options.SetMetricFactory(Metrics.WithCustomRegistry(registry)));
        app.Use(RestoreFailedEndpointAsync);
        IEndpointRouteBuilder endpoints = app;
        var scrape = endpoints.CreateApplicationBuilder()
            .Use(MetricsTokenCheck.InvokeAsync)
            .Use(RefreshAsync)
            .UseMetricServer(settings => settings.Registry = registry, url: null)
            .Build();
        endpoints.Map(Path, scrape).DisableRateLimiting().ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// Reads the job queue and the indexes for this scrape. Done here rather than in a registry callback, whose
    /// failures prometheus-net swallows: an unreachable database then answers 503 instead of stale numbers.
    /// </summary>
    private static async Task RefreshAsync(HttpContext context, RequestDelegate next)
    {
        await context.RequestServices.GetRequiredService<JobQueueMetrics>().RefreshAsync(context.RequestAborted).ConfigureAwait(false);
        context.RequestServices.GetRequiredService<VectorIndexMetrics>().Refresh();
        await next(context).ConfigureAwait(false);
    }

    /// <summary>
    /// The exception handler forgets the endpoint before it writes its problem; putting it back lets a request that
    /// failed with an exception count against its route instead of against no route.
    /// </summary>
    private static async Task RestoreFailedEndpointAsync(HttpContext context, RequestDelegate next)
    {
        await next(context).ConfigureAwait(false);
        if (context.GetEndpoint() is null && context.Features.Get<IExceptionHandlerFeature>()?.Endpoint is { } failed) context.SetEndpoint(failed);
    }
}
