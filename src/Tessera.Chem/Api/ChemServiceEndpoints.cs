using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Tessera.Chem.Services;
using Tessera.Data.Identity;

namespace Tessera.Chem.Api;

/// <summary>A registered task service as the API shows it.</summary>
internal sealed record ChemService(
    Guid Id, string Url, IReadOnlyList<ChemExecutionTask> Tasks, JsonNode? ToolVersions, DateTimeOffset RegisteredAt, DateTimeOffset HeartbeatAt,
    int HeartbeatSeconds, int HeartbeatTimeoutSeconds)
{
    public static ChemService From(TaskService s, TimeSpan timeout) => new(
        s.Id, s.Url, [.. s.Tasks.Select(t => new ChemExecutionTask(t.Name, t.Version))], JsonNode.Parse(s.ToolVersions), s.RegisteredAt, s.HeartbeatAt,
        Math.Max(1, (int)timeout.TotalSeconds / 3), (int)timeout.TotalSeconds);
}

/// <summary>Task services under <c>/api/v1/chem/services</c>: thin handlers over <see cref="TaskServiceRegistry"/>.</summary>
internal static class ChemServiceEndpoints
{
    public static RouteGroupBuilder MapChemServices(this RouteGroupBuilder chem)
    {
        ArgumentNullException.ThrowIfNull(chem);
        chem.MapPost("/services", RegisterAsync).WithName("ChemRegisterService").ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("A task service registers itself (an organization admin's token, tasks:define): the URL it serves, the task versions it runs, " +
                "its tools' versions; 201 with its id and how often to heartbeat. It runs that organization's executions only. See docs/chem-task-services.md.");
        chem.MapPost("/services/{id:guid}/heartbeat", HeartbeatAsync).WithName("ChemServiceHeartbeat").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The service is alive; 404 once it was dropped (register again).");
        chem.MapDelete("/services/{id:guid}", DeregisterAsync).WithName("ChemDeregisterService").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The service leaves (on shutdown); 204.");
        chem.MapGet("/services", ListAsync).WithName("ChemListServices")
            .WithSummary("Your organization's live task services and the task versions each runs.");
        return chem;
    }

    private static async Task<Created<ChemService>> RegisterAsync(
        TaskServiceRegistration request, Caller caller, TaskServiceRegistry registry, HttpRequest http, CancellationToken cancellationToken)
    {
        // The address the service reached this server at: signed input links sent to it are made absolute with it.
        var serverUrl = $"{http.Scheme}://{http.Host}{http.PathBase}";
        var service = await registry.RegisterAsync(caller.Principal, request, serverUrl, cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/api/v1/chem/services/{service.Id}", ChemService.From(service, registry.HeartbeatTimeout));
    }

    private static async Task<NoContent> HeartbeatAsync(Guid id, Caller caller, TaskServiceRegistry registry, CancellationToken cancellationToken)
    {
        await registry.HeartbeatAsync(caller.Principal, id, cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> DeregisterAsync(Guid id, Caller caller, TaskServiceRegistry registry, CancellationToken cancellationToken)
    {
        await registry.DeregisterAsync(caller.Principal, id, cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<List<ChemService>>> ListAsync(Caller caller, TaskServiceRegistry registry, CancellationToken cancellationToken) =>
        TypedResults.Ok((await registry.ListAsync(caller.Principal, cancellationToken).ConfigureAwait(false)).Select(s => ChemService.From(s, registry.HeartbeatTimeout)).ToList());
}
