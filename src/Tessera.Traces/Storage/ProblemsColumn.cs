using System.Text.Json;
using Tessera.Traces.Formats;

namespace Tessera.Traces.Storage;

/// <summary>The <c>traces_files.problems</c> column: a JSON list of <c>{line, reason}</c>, null when there are none.</summary>
internal static class ProblemsColumn
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static string? Write(IReadOnlyCollection<TraceProblem> problems) =>
        problems.Count == 0 ? null : JsonSerializer.Serialize(problems, Json);

    public static IReadOnlyList<TraceProblem> Read(string? column) =>
        column is null ? [] : JsonSerializer.Deserialize<List<TraceProblem>>(column, Json) ?? [];
}
