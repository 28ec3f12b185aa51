using System.Text.Json.Nodes;

namespace Tessera.Chem.Pipelines;

/// <summary>The JSON Schema <c>type</c>s of a value, and whether a produced value's types fit a consuming parameter's.</summary>
internal static class PipelineTypes
{
    /// <summary>The schema's <c>type</c> as a set; null when it names none (anything goes).</summary>
    public static IReadOnlySet<string>? Of(JsonObject? schema) => schema?["type"] switch
    {
        JsonValue v when v.TryGetValue<string>(out var one) => new HashSet<string>(StringComparer.Ordinal) { one },
        JsonArray many => new HashSet<string>(many.Select(t => t?.GetValue<string>() ?? ""), StringComparer.Ordinal),
        _ => null,
    };

    /// <summary>
    /// Whether every type the producer may give is one the consumer takes (an integer is a number). A producer's
    /// <c>null</c> beside other types is left to the run (a docking always has a best score); unknown types fit.
    /// </summary>
    public static bool Fits(IReadOnlySet<string>? produced, IReadOnlySet<string>? consumed)
    {
        if (produced is null || consumed is null) return true;
        var values = produced.Count > 1 ? produced.Where(t => t != "null") : produced;
        return values.All(t => consumed.Contains(t) || (t == "integer" && consumed.Contains("number")));
    }

    public static string Describe(IReadOnlySet<string>? types) => types is null ? "any type" : string.Join(" or ", types.Order(StringComparer.Ordinal));
}
