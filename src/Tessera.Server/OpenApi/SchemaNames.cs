using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;

namespace Tessera.Server.OpenApi;

/// <summary>
/// Component names that stay unique as modules are added: a Tessera type is named after its module (the namespace's
/// second part, or for the platform's own projects its area, e.g. <c>Auth</c>), then its declaring type without a
/// <c>Service</c>/<c>Endpoints</c> suffix, then its own name, each part left out where the name already holds it.
/// <c>OmicsSearchService.Request</c> becomes <c>OmicsSearchRequest</c>, <c>AuthEndpoints.LoginRequest</c> becomes
/// <c>AuthLoginRequest</c>.
/// </summary>
internal static class SchemaNames
{
    private static readonly string[] PlatformProjects = ["Core", "Data", "Server", "Platform"];
    private static readonly string[] DeclaringSuffixes = ["Service", "Endpoints"];

    public static string? ReferenceId(JsonTypeInfo type)
    {
        var defaultId = OpenApiOptions.CreateDefaultSchemaReferenceId(type);
        if (defaultId is null) return null;
        var clrType = type.Type;
        var parts = clrType.Namespace?.Split('.') ?? [];
        if (parts.Length < 2 || parts[0] != "Tessera" || clrType.IsGenericType) return defaultId;

        var name = clrType.Name;
        if (clrType.DeclaringType is { } declaring)
        {
            var outer = DeclaringSuffixes.Aggregate(declaring.Name, (n, suffix) => n.EndsWith(suffix, StringComparison.Ordinal) ? n[..^suffix.Length] : n);
            if (!name.Contains(outer, StringComparison.Ordinal)) name = outer + name;
        }
        var module = Array.IndexOf(PlatformProjects, parts[1]) >= 0 && parts.Length > 2 ? parts[2] : parts[1];
        return name.StartsWith(module.TrimEnd('s'), StringComparison.Ordinal) ? name : module + name;
    }
}
