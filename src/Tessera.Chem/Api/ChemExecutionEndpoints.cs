using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Tessera.Chem.Executions;
using Tessera.Chem.Molecules;
using Tessera.Data.Identity;

namespace Tessera.Chem.Api;

/// <summary>Task executions under <c>/api/v1/chem</c>: thin handlers over <see cref="ExecutionService"/>.</summary>
internal static class ChemExecutionEndpoints
{
    public static RouteGroupBuilder MapChemExecutions(this RouteGroupBuilder chem)
    {
        ArgumentNullException.ThrowIfNull(chem);
        chem.MapPost("/tasks/{task}/execute", ExecuteAsync).WithName("ChemExecuteTask").ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithSummary("Run a task (by name; newest version, or ?version=N) with the parameters in the body, checked against its input schema first " +
                "(422 lists each error with its path); 202 with the execution, which runs as a job, or is already succeeded when an identical " +
                "earlier execution served it from the result cache (cached: true). ?cache=false runs it regardless. 403 CHEM_TASK_EXECUTE_FORBIDDEN when the " +
                "organization restricts the task; 429 (Retry-After) or 403 naming the quota when the organization's quotas are used up.");
        chem.MapGet("/executions/{id:guid}", GetAsync).WithName("ChemGetExecution").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One execution: its state, and once it succeeded its result with signed links to the artifacts it made; or its error.");
        chem.MapGet("/executions/{id:guid}/cache", ExplainCacheAsync).WithName("ChemExplainExecutionCache").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Why the execution was or was not served from the result cache: the execution that served it, or the nearest earlier " +
                "execution of the same task in the organization and each signature field that differed.");
        chem.MapGet("/executions/{id:guid}/events", EventsAsync).WithName("ChemExecutionEvents").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("What happened to the execution, in order: the cache's decision, queued, started, the service, each tool started and finished, " +
                "and succeeded or failed, with timings.");
        chem.MapGet("/executions/{id:guid}/logs", LogsAsync).WithName("ChemExecutionLogs").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The output (stdout, stderr) of each tool the execution ran, each with a signed download link valid for an hour.");
        return chem;
    }

    private static async Task<Ok<List<ChemExecutionEvent>>> EventsAsync(Guid id, Caller caller, ExecutionService executions, CancellationToken cancellationToken) =>
        TypedResults.Ok((await executions.EventsAsync(caller.Principal, id, cancellationToken).ConfigureAwait(false)).Select(ChemExecutionEvent.From).ToList());

    private static async Task<Ok<List<ChemExecutionLog>>> LogsAsync(Guid id, Caller caller, ExecutionService executions, CancellationToken cancellationToken) =>
        TypedResults.Ok((await executions.LogsAsync(caller.Principal, id, cancellationToken).ConfigureAwait(false)).Select(l => ChemExecutionLog.From(l.Log, l.Link)).ToList());

    private static async Task<Accepted<ChemExecution>> ExecuteAsync(
        string task, int? version, bool? cache, JsonNode parameters, Caller caller, ExecutionService executions, MoleculeReader reader, CancellationToken cancellationToken)
    {
        var snapshot = await executions.SubmitAsync(caller.Principal, task, version, parameters, cache ?? true, cancellationToken).ConfigureAwait(false);
        return TypedResults.Accepted($"/api/v1/chem/executions/{snapshot.Execution.Id}",
            await ChemExecution.FromAsync(snapshot, caller.Principal, reader, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<Ok<ChemExecution>> GetAsync(Guid id, Caller caller, ExecutionService executions, MoleculeReader reader, CancellationToken cancellationToken)
    {
        var snapshot = await executions.GetAsync(caller.Principal, id, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(await ChemExecution.FromAsync(snapshot, caller.Principal, reader, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<Ok<ChemCacheExplanation>> ExplainCacheAsync(Guid id, Caller caller, ExecutionService executions, CancellationToken cancellationToken) =>
        TypedResults.Ok(ChemCacheExplanation.From(await executions.ExplainAsync(caller.Principal, id, cancellationToken).ConfigureAwait(false)));
}
