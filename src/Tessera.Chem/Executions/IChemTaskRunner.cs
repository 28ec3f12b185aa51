using System.Text.Json.Nodes;
using Tessera.Jobs;

namespace Tessera.Chem.Executions;

/// <summary>Carries out one system task in the job's process; parameters arrive already checked against the task version's schema.</summary>
internal interface IChemTaskRunner
{
    /// <summary>The system task it runs (any version: a runner reads each version's parameters).</summary>
    string TaskName { get; }

    /// <summary>Runs the execution and returns its result; throw a <c>TesseraException</c> for a failure the caller should read.</summary>
    Task<JsonObject> RunAsync(Execution execution, JobContext context, CancellationToken cancellationToken);

    /// <summary>The tools it runs, each with its version line (read once per process): part of the cache signature.</summary>
    Task<IReadOnlyDictionary<string, string>> ToolVersionsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The parameters that name files or molecules, each as what it stands for in the organization (a content hash, a
    /// canonical SMILES), for the cache signature; the parameters not listed are compared as given (defaults applied).
    /// A reference that resolves to nothing keeps its text (the execution will fail on it, and failures serve no one).
    /// </summary>
    Task<JsonObject> InputsAsync(Guid orgId, JsonObject parameters, CancellationToken cancellationToken);
}
