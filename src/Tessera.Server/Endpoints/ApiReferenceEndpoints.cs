using Scalar.AspNetCore;

namespace Tessera.Server.Endpoints;

/// <summary>
/// An interactive reference for the OpenAPI document at <c>/api/reference</c>. Scalar's script is embedded in its
/// package and served from here; what would reach Scalar's servers (CDN fonts, telemetry, the AI chat that uploads
/// the document, MCP) is turned off, so the page works offline and the API description stays on this machine.
/// </summary>
internal static class ApiReferenceEndpoints
{
    public const string Prefix = "/api/reference";

    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapScalarApiReference(Prefix, options => options
            .WithTitle("Tessera API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .AddDocument("v1")
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp());
        return endpoints;
    }
}
