using System.Text;
using System.Text.Json;
using Tessera.Traces.Formats;

namespace Tessera.Traces.Tests.Ingest;

/// <summary>
/// A minimal stand-in for the seed JSONL adapter (owned by the formats part): one JSON object per line with
/// iteration, idx_in_iteration, type, text; complete when the last non-empty line has a non-null final_answer.
/// Reads to the last complete line ('\n'-terminated), as adapters must.
/// </summary>
internal sealed class TestSeedFormat : ITraceFormat
{
    public string Name => "seed";

    public bool Claims(string relativePath) => relativePath.EndsWith(".jsonl", StringComparison.Ordinal);

    public async Task<TraceFileRead> ReadAsync(Stream content, string relativePath, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.ToArray();
        var end = Array.LastIndexOf(bytes, (byte)'\n') + 1;
        var lines = Encoding.UTF8.GetString(bytes, 0, end).Split('\n')[..^1];
        var entries = new List<TraceEntry>();
        var problems = new List<TraceProblem>();
        var complete = false;
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0) continue;
            try
            {
                using var doc = JsonDocument.Parse(lines[i]);
                var root = doc.RootElement;
                entries.Add(new TraceEntry(i + 1, root.GetProperty("iteration").GetInt32(), root.GetProperty("idx_in_iteration").GetInt32(),
                    root.GetProperty("type").GetString()!, root.GetProperty("text").GetString()!, null));
                complete = root.TryGetProperty("final_answer", out var answer) && answer.ValueKind != JsonValueKind.Null;
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                problems.Add(new TraceProblem(i + 1, e.Message));
                complete = false;
            }
        }
        return new TraceFileRead(entries, problems, complete, end, lines.Length);
    }

    /// <summary>A run of <paramref name="steps"/> entries; the last carries the final answer when <paramref name="finished"/>.</summary>
    public static string Run(int steps, bool finished = true, string prefix = "step")
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
