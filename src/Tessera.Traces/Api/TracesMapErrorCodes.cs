namespace Tessera.Traces.Api;

/// <summary>Problem codes of the map's routes (folded into the module's error codes at merge).</summary>
internal static class TracesMapErrorCodes
{
    public const string NoProjection = "TRACES_NO_PROJECTION";
}
