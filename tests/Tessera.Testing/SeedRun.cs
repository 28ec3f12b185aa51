using System.Text;
using System.Text.Json;

namespace Tessera.Testing;

/// <summary>Runs written in the seed's JSONL (read by the real seed adapter): the last line carries the final answer when finished.</summary>
public static class SeedRun
{
    /// <summary>A run of <paramref name="steps"/> entries, three per iteration.</summary>
    public static string Of(int steps, bool finished = true, string prefix = "step")
    {
        var text = new StringBuilder();
        for (var i = 0; i < steps; i++) text.Append(Line(i / 3, i % 3, $"{prefix} {i} of the run", finished && i == steps - 1 ? "done" : null));
        return text.ToString();
    }

    public static string Line(int iteration, int idx, string text, string? finalAnswer = null) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["iteration"] = iteration, ["idx_in_iteration"] = idx, ["type"] = finalAnswer is null ? "thought" : "final_answer", ["text"] = text, ["final_answer"] = finalAnswer,
        }) + "\n";
}
