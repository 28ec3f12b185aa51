using Tessera.Vectors.Hnsw;

namespace Tessera.Vectors.Management;

/// <summary>Whether a collection's index can serve, for the server's <c>/readyz</c>.</summary>
public enum IndexHealth
{
    /// <summary>No index yet: none was loaded and no build has finished.</summary>
    Empty,

    /// <summary>The last build (or load) succeeded and its index is serving.</summary>
    Healthy,

    /// <summary>The last build or load failed; the last good index, if any, keeps serving.</summary>
    Degraded,
}

/// <summary>
/// A collection index's state: what serves, when it was built, and the last failure; <paramref name="Memory"/> is what
/// the serving index held when it was built, extended or loaded (null before the first).
/// </summary>
public sealed record IndexStatus(
    string Collection,
    IndexHealth Health,
    int Count,
    DateTimeOffset? BuiltAt,
    TimeSpan? LastBuildDuration,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    bool Rebuilding,
    IndexMemory? Memory = null);
