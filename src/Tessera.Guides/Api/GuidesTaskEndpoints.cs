using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Tessera.Data.Identity;
using Tessera.Guides.Regeneration;

namespace Tessera.Guides.Api;

/// <summary>Regenerate: request it (202 new, 200 a replay of the same client_request_id) and follow its task.</summary>
internal static class GuidesTaskEndpoints
{
    public static RouteGroupBuilder MapGuidesTasks(this RouteGroupBuilder guides)
    {
        guides.MapPost("/instructions/{instructionId:guid}/regenerate", RegenerateAsync).WithName("GuidesRegenerate")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Write the steps again from the transcript (all, or the selected blocks) as the next version: 202 a queued task, 200 the same task on a replay.");
        guides.MapGet("/tasks/{taskId:guid}", GetAsync).WithName("GuidesGetTask").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A regenerate task: QUEUED, RUNNING, SUCCEEDED (with the version it made and its provenance) or FAILED (with the reason).");
        return guides;
    }

    private static async Task<Results<Accepted<GuidesTask>, Ok<GuidesTask>>> RegenerateAsync(
        Guid instructionId, GuidesRegenerateRequest request, Caller caller, RegenerateService regenerate, CancellationToken cancellationToken)
    {
        var (task, queued) = await regenerate.RequestAsync(caller.Principal, instructionId, request.ClientRequestId, request.BaseVersion, request.BlockIds, cancellationToken)
            .ConfigureAwait(false);
        return queued ? TypedResults.Accepted($"/api/v1/guides/tasks/{task.Id}", GuidesTask.From(task)) : TypedResults.Ok(GuidesTask.From(task));
    }

    private static async Task<Ok<GuidesTask>> GetAsync(Guid taskId, Caller caller, RegenerateService regenerate, CancellationToken cancellationToken) =>
        TypedResults.Ok(GuidesTask.From(await regenerate.GetAsync(caller.Principal, taskId, cancellationToken).ConfigureAwait(false)));
}

/// <summary>
/// A regenerate request: <paramref name="ClientRequestId"/> names this intended request (a replay reuses it);
/// <paramref name="BaseVersion"/> is the version it starts from; <paramref name="BlockIds"/> the steps to write again,
/// left out for every step.
/// </summary>
internal sealed record GuidesRegenerateRequest(string? ClientRequestId, int? BaseVersion, IReadOnlyList<string>? BlockIds = null);

/// <summary>
/// A regenerate task. <paramref name="Status"/>: QUEUED, RUNNING, SUCCEEDED (<paramref name="ResultVersion"/> is the
/// version it made, <paramref name="Provenance"/> frozen) or FAILED (<paramref name="Failure"/>).
/// </summary>
internal sealed record GuidesTask(
    Guid Id, string Kind, Guid InstructionId, Guid JobId, string ClientRequestId, int BaseVersion, IReadOnlyList<string>? BlockIds, string Status,
    Guid? EngineJobId, int? ResultVersion, JsonNode? Provenance, GuidesFailure? Failure, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? CompletedAt)
{
    public const string RegenerateKind = "regenerate";

    public static GuidesTask From(RegenerateTask t) => new(
        t.Id, RegenerateKind, t.InstructionId, t.JobId, t.ClientRequestId, t.BaseVersion, t.BlockIds is { } ids ? JsonSerializer.Deserialize<List<string>>(ids) : null,
        t.Status, t.EngineJobId, t.ResultVersion, t.Provenance is { } p ? JsonNode.Parse(p) : null,
        t.FailureCode is { } code ? new GuidesFailure(code, t.FailureMessage ?? code) : null, t.CreatedAt, t.UpdatedAt, t.CompletedAt);
}
