namespace Tessera.Traces.Sources;

/// <summary>The bounds a source's settings are validated against at the edge.</summary>
internal static class SourceLimits
{
    public const int MinPollSeconds = 1;
    public const int MaxPollSeconds = 86_400;
    public const int DefaultPollSeconds = 30;
    public const int MaxDebounceMs = 600_000;
    public const int DefaultDebounceMs = 2_000;
    public const int MaxNameLength = 100;
    public const int MaxGlobLength = 500;
}
