namespace Tessera.Testing.Contracts;

/// <summary>
/// Routes whose contract test lives in a module's own test project rather than the server's RouteContractTests,
/// because calling them needs that module's fixtures. The module's test fails if it does not call every one.
/// </summary>
public static class ModuleContractRoutes
{
    /// <summary>Traces' sources, records, search and health (Tessera.Traces.Tests' TracesApiTests); the map's routes stay with the server's test.</summary>
    public static bool IsTracesIngest(string operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return operation.Contains(" /api/v1/traces/", StringComparison.Ordinal)
            && !operation.Contains("/traces/map/", StringComparison.Ordinal)
            && !operation.EndsWith("/projection", StringComparison.Ordinal)
            && !operation.EndsWith("/recompute-projection", StringComparison.Ordinal);
    }

    /// <summary>Every Cards route (Tessera.Cards.Tests' CardsApiTests: its jobs need a loopback image server).</summary>
    public static bool IsCards(string operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return operation.Contains(" /api/v1/cards/", StringComparison.Ordinal);
    }

    /// <summary>All of Chem's routes (Tessera.Chem.Tests' ChemApiTests): calling them needs Open Babel and structure files.</summary>
    public static bool IsChem(string operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return operation.Contains(" /api/v1/chem/", StringComparison.Ordinal);
    }

    /// <summary>All of Guides' routes (Tessera.Guides.Tests: its worker needs ffmpeg and generated videos, its contract is its own spec).</summary>
    public static bool IsGuides(string operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return operation.Contains(" /api/v1/guides/", StringComparison.Ordinal);
    }
}
