using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tessera.Data;
using Tessera.Web.Session;
using Tessera.Web.Shell;

namespace Tessera.Web;

/// <summary>The web UI in the server's process: Razor components, the browser session, antiforgery and assets.</summary>
public static class WebSetup
{
    public const string KeysFolder = "keys";

    public static IServiceCollection AddTesseraWeb(this IServiceCollection services)
    {
        services.AddRazorComponents();
        services.AddAntiforgery(options =>
        {
            options.HeaderName = ApiAntiforgery.HeaderName;
            options.Cookie.Name = "tessera_antiforgery";
        });
        // Keys in the data dir: antiforgery tokens survive a restart. Nodes that share a data dir share the keys.
        services.AddOptions<KeyManagementOptions>().Configure<DataPaths, ILoggerFactory>((options, paths, logs) =>
            options.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(Path.Combine(paths.DataDir, KeysFolder)), logs));
        services.AddSingleton<WebModules>();
        services.AddSingleton<WebSignIn>();
        services.AddSingleton<ProviderSignOut>();
        return services;
    }

    /// <summary>Before authentication: page headers. After it (<see cref="UseTesseraWebSecurity"/>): antiforgery.</summary>
    public static IApplicationBuilder UseTesseraWebHeaders(this IApplicationBuilder app) => app.UsePageHeaders();

    public static IApplicationBuilder UseTesseraWebSecurity(this IApplicationBuilder app) =>
        app.UseApiAntiforgery().UseAntiforgery();

    /// <summary>The shell's and the modules' pages, the session's form posts and the assets.</summary>
    public static IEndpointRouteBuilder MapTesseraWeb(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var modules = endpoints.ServiceProvider.GetRequiredService<WebModules>();
        endpoints.MapRazorComponents<App>().AddAdditionalAssemblies([.. modules.Assemblies]);
        // Any other address renders the shell, whose router answers the "not found" page with a 404. A fallback (not a
        // catch-all page, which the page router always ranks first) so the API's own fallback keeps /api/v1/….
        endpoints.MapFallback(() => new RazorComponentResult<App> { StatusCode = StatusCodes.Status404NotFound }).ExcludeFromDescription().AllowAnonymous();
        endpoints.MapSessionEndpoints();
        endpoints.MapWebAssets();
        return endpoints;
    }
}
