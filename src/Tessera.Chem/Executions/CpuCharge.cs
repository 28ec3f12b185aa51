using System.Text.Json.Nodes;

namespace Tessera.Chem.Executions;

/// <summary>
/// The CPU seconds an attempt is charged: its wall time (the job handler's, tools and all) times the threads it was
/// given: the parameters' <c>cpu</c> when the task takes one (vina.dock), else the task version's <c>resources.cpu</c>
/// hint, else 1. An estimate from the hint, not a measurement of the processes' CPU time.
/// </summary>
internal static class CpuCharge
{
    public static double Of(TimeSpan wall, string resources, string parameters) =>
        Math.Round(wall.TotalSeconds * Threads(resources, parameters), 3);

    public static int Threads(string resources, string parameters) =>
        Math.Max(1, Count(JsonNode.Parse(parameters)?["cpu"]) ?? Count(JsonNode.Parse(resources)?["cpu"]) ?? 1);

    private static int? Count(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<double>(out var number) && number >= 1 ? (int)Math.Min(number, 1024) : null;
}
