using System.Globalization;
using System.Text.Json.Nodes;
using Tessera.Chem.Executions;
using Tessera.Core.Errors;
using Tessera.Jobs;

namespace Tessera.Chem.Docking;

/// <summary>
/// <c>docking.summarise</c>: a docking's poses (each with its score, as <c>vina.dock</c> v2 lists them) and confidence
/// as one line of figures: how many poses, the best, mean and spread of the scores, and whether the best reaches the
/// threshold (kcal/mol; lower is better). No tool runs, so the signature is the parameters alone.
/// </summary>
internal sealed class DockingSummaryRunner(ExecutionResults results) : IChemTaskRunner
{
    public const string Name = "docking.summarise";
    public const double DefaultThreshold = -7.0;

    public string TaskName => Name;

    public Task<IReadOnlyDictionary<string, string>> ToolVersionsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>());

    public Task<JsonObject> InputsAsync(Guid orgId, JsonObject parameters, CancellationToken cancellationToken) => Task.FromResult(new JsonObject());

    public async Task<JsonObject> RunAsync(Execution execution, JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execution);
        var parameters = JsonNode.Parse(execution.Parameters) as JsonObject ?? throw TesseraException.Validation("The parameters are not a JSON object.");
        return await results.RecordAsync(execution, Summarise(parameters), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The summary of parameters already valid against the task's input schema.</summary>
    public static JsonObject Summarise(JsonObject parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var scores = parameters["poses"]!.AsArray().Select(p => p!["score"]!.GetValue<double>()).Order().ToList();
        var threshold = parameters["threshold"]?.GetValue<double>() ?? DefaultThreshold;
        double? best = scores.Count > 0 ? scores[0] : null;
        var passes = best <= threshold;
        return new JsonObject
        {
            ["label"] = parameters["label"]?.GetValue<string>(),
            ["pose_count"] = scores.Count,
            ["best_score"] = best,
            ["mean_score"] = scores.Count > 0 ? Math.Round(scores.Average(), 3) : null,
            ["score_spread"] = scores.Count > 0 ? Math.Round(scores[^1] - scores[0], 3) : null,
            ["confidence"] = parameters["confidence"]?.GetValue<double>(),
            ["threshold"] = threshold,
            ["passes"] = passes,
            ["verdict"] = best is null ? "no poses" : string.Create(CultureInfo.InvariantCulture, $"best pose {best:0.###} kcal/mol {(passes ? "reaches" : "misses")} the threshold {threshold:0.###}"),
        };
    }
}
