using System.Text.Json.Nodes;
using Tessera.Core.Errors;

namespace Tessera.Chem.Tasks;

/// <summary>
/// A task version's result-cache policy (the optional <c>cache</c> block of a definition): <see cref="Enabled"/> (default
/// true); <see cref="TtlSeconds"/>, how old a completed execution may be to serve a new one (null: no expiry, or the
/// deployment's <c>chem:cache_ttl_seconds</c>); <see cref="CompatibleVersions"/>, other versions of the same task whose
/// executions may serve this one when their normalised inputs and parameters are equal (the version is part of the
/// signature, so without this only the same version serves).
/// </summary>
internal sealed record TaskCachePolicy(bool Enabled, int? TtlSeconds, IReadOnlyList<int> CompatibleVersions)
{
    public static TaskCachePolicy Default { get; } = new(true, null, []);

    private static readonly HashSet<string> Keys = ["enabled", "ttl_seconds", "compatible_versions"];

    /// <summary>The stored text (null: the default policy).</summary>
    public static TaskCachePolicy Parse(string? text) => text is null ? Default : Read(JsonNode.Parse(text), 0);

    /// <summary>A registration's block as canonical text (null when absent), or a 400 naming what is wrong.</summary>
    public static string? RequireValid(JsonNode? block, int version)
    {
        if (block is null) return null;
        var policy = Read(block, version);
        return new JsonObject
        {
            ["enabled"] = policy.Enabled,
            ["ttl_seconds"] = policy.TtlSeconds,
            ["compatible_versions"] = new JsonArray([.. policy.CompatibleVersions.Select(v => (JsonNode)v)]),
        }.ToJsonString();
    }

    public JsonObject ToJson() => new()
    {
        ["enabled"] = Enabled, ["ttl_seconds"] = TtlSeconds, ["compatible_versions"] = new JsonArray([.. CompatibleVersions.Select(v => (JsonNode)v)]),
    };

    private static TaskCachePolicy Read(JsonNode? block, int version)
    {
        if (block is not JsonObject o) throw Invalid("cache must be an object: {\"ttl_seconds\": N, \"compatible_versions\": [..], \"enabled\": true}.");
        if (o.Select(p => p.Key).FirstOrDefault(k => !Keys.Contains(k)) is { } unknown)
            throw Invalid($"cache.{unknown} is not a cache setting (enabled, ttl_seconds, compatible_versions).");
        var enabled = true;
        if (o["enabled"] is { } e)
            enabled = e is JsonValue v && v.TryGetValue<bool>(out var b) ? b : throw Invalid("cache.enabled must be true or false.");
        int? ttl = null;
        if (o["ttl_seconds"] is { } t)
            ttl = t is JsonValue tv && tv.TryGetValue<int>(out var seconds) && seconds > 0 ? seconds : throw Invalid("cache.ttl_seconds must be a whole number of seconds, at least 1.");
        var compatible = new List<int>();
        if (o["compatible_versions"] is { } c)
        {
            if (c is not JsonArray array) throw Invalid("cache.compatible_versions must be an array of versions.");
            foreach (var item in array)
            {
                if (item is not JsonValue iv || !iv.TryGetValue<int>(out var other) || other < 1)
                    throw Invalid("cache.compatible_versions must list versions (whole numbers, at least 1).");
                if (other == version) throw Invalid($"cache.compatible_versions lists {other}, the version itself.");
                if (!compatible.Contains(other)) compatible.Add(other);
            }
        }
        compatible.Sort();
        return new TaskCachePolicy(enabled, ttl, compatible);
    }

    private static TesseraException Invalid(string message) => TesseraException.Validation(message);
}
