namespace Tessera.Traces.Sources;

/// <summary>What a caller sends to create or replace a source; null fields take their defaults (glob <c>**/*</c>, format <c>auto</c>, the default embedder, 30 s polls, 2 s debounce, events on, enabled).</summary>
internal sealed record TracesSourceSettings(
    string? Name, string? Path, string? Glob = null, string? Format = null, string? Embedder = null, int? PollSeconds = null,
    int? DebounceMs = null, bool? WatchEvents = null, bool? Enabled = null);
