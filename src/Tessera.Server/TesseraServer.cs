using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Json;
using Tessera.Jobs;
using Tessera.Platform;
using Tessera.Platform.Embedders;
using Tessera.Platform.Modules;
using Tessera.Server.Auth;
using Tessera.Server.Endpoints;
using Tessera.Server.Health;
using Tessera.Server.Hosting;
using Tessera.Server.Observability;
using Tessera.Server.OpenApi;
using Tessera.Server.Problems;
using Tessera.Web;

namespace Tessera.Server;

/// <summary>Composes the modules into one ASP.NET Core application. Endpoints live with their modules.</summary>
public static class TesseraServer
{
    /// <param name="args">Command-line arguments (configuration keys).</param>
    /// <param name="flags">Configuration set by the CLI's flags: the top layer.</param>
    /// <param name="modules">The systems to run (default: <see cref="InstalledModules.All"/>).</param>
    public static WebApplicationBuilder CreateBuilder(string[] args, IReadOnlyDictionary<string, string?>? flags = null, TesseraModules? modules = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        TesseraConfiguration.Apply(builder.Configuration, flags);
        var settings = TesseraSettings.From(builder.Configuration);

        ConfigureLogging(builder.Logging, settings);
        ThreadPoolFloor.Apply(settings.MinWorkerThreads);
        builder.WebHost.UseUrls($"http://{settings.Host}:{settings.Port}");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = settings.MaxRequestBytes);

        builder.Services.AddTesseraCore(modules);
        builder.Services.AddModuleHosting();
        builder.Services.AddHostedService<StartupMigrations>();
        builder.Services.AddHostedService<DataDirPermissionCheck>();
        builder.Services.AddTesseraProblems();
        builder.Services.AddTesseraAuth();
        builder.Services.AddSecurityHeaders();
        builder.Services.AddTesseraWeb();
        builder.Services.Configure<JsonOptions>(options =>
        {
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            options.SerializerOptions.Converters.Add(new Tessera.Core.Json.UtcTimestampJsonConverter());
            options.SerializerOptions.AllowDuplicateProperties = false;
            // ASP.NET reads numbers from strings by default; the API takes JSON numbers only (and its schema says so).
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        builder.Services.AddTesseraOpenApi();
        builder.Services.AddTesseraMetrics();
        builder.Services.AddHealthChecks().AddCheck<DatabaseReadinessCheck>("database", tags: [ModuleServices.ReadyTag]);
        if (settings.Workers > 0) builder.Services.AddJobWorkers(settings.Workers);
        return builder;
    }

    public static WebApplication Build(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var app = builder.Build();
        app.UseSecurityHeaders();
        app.UseTesseraWebHeaders();
        app.UseTesseraMetrics();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseTesseraWebSecurity();
        app.MapHealthEndpoints();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapApiReference();
        var api = app.MapGroup("/api/v1");
        api.MapBlobEndpoints();
        api.MapAuthEndpoints();
        api.MapTokenEndpoints();
        api.MapOrganizationEndpoints();
        api.MapIdentityProviderEndpoints();
        api.MapJobs();
        api.MapEmbeddings();
        app.MapOpenAiCompatibleEmbeddings();
        foreach (var module in app.Services.GetRequiredService<TesseraModules>())
            module.MapEndpoints(api.MapGroup("/" + module.Name).WithTags(module.Name).RequireAuthorization().ProducesUnauthorizedUnlessAnonymous());
        api.MapApiFallback();
        app.MapTesseraWeb();
        app.MapProviderSignInEndpoints();
        return app;
    }

    /// <summary>
    /// A module's endpoints answer 401 without a valid token, except those that allow anonymous callers (a signed
    /// download URL, a signed worker callback), which document what they answer themselves. Applied last, once the
    /// endpoint's own conventions (<c>AllowAnonymous()</c>) are in its metadata.
    /// </summary>
    private static RouteGroupBuilder ProducesUnauthorizedUnlessAnonymous(this RouteGroupBuilder group)
    {
        ((IEndpointConventionBuilder)group).Finally(endpoint =>
        {
            if (!endpoint.Metadata.OfType<IAllowAnonymous>().Any())
                endpoint.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]));
        });
        return group;
    }

    private static void ConfigureLogging(ILoggingBuilder logging, TesseraSettings settings)
    {
        logging.ClearProviders();
        if (string.Equals(settings.LogFormat, "json", StringComparison.OrdinalIgnoreCase))
            logging.AddJsonConsole(o => o.UseUtcTimestamp = true);
        else
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
                o.UseUtcTimestamp = true;
            });
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        // The key ring (session antiforgery) sits unencrypted in the data dir, which is guarded like the database.
        logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
    }
}
