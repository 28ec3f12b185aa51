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
}
