using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tessera.Web.Shell;

namespace Tessera.Web;

/// <summary>
/// Serves the stylesheets and scripts the pages load from the assemblies that embed them (<c>assets/NAME</c>
/// resources): the shell's at <c>/assets/shell/</c>, a module's at <c>/assets/&lt;module&gt;/</c>. Nothing needs
/// to be installed or copied beside the binaries.
/// </summary>
internal static class WebAssets
{
    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
    };

    public static IEndpointRouteBuilder MapWebAssets(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/assets/{owner}/{file}", Serve).ExcludeFromDescription().AllowAnonymous();
        return endpoints;
    }

    private static IResult Serve(string owner, string file, WebModules modules)
    {
        var extension = Path.GetExtension(file);
        if (!ContentTypes.TryGetValue(extension, out var contentType) || modules.AssetsOf(owner) is not { } assembly) return Results.NotFound();
        var stream = assembly.GetManifestResourceStream("assets/" + file);
        return stream is null ? Results.NotFound() : Results.Stream(stream, contentType);
    }
}
