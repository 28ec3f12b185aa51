using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Tessera.Chem.Access;
using Tessera.Chem.Tasks;
using Tessera.Data.Identity;

namespace Tessera.Chem.Api;

/// <summary>The task registry under <c>/api/v1/chem/task-registry</c>. Thin handlers over <see cref="TaskRegistry"/>.</summary>
internal static class ChemTaskEndpoints
{
    public static RouteGroupBuilder MapChemTasks(this RouteGroupBuilder chem)
    {
        ArgumentNullException.ThrowIfNull(chem);
        chem.MapGet("/task-registry/tasks", ListAsync).WithName("ChemListTasks")
            .WithSummary("Every task version you can use: the system tasks and your organization's, by name, newest version first.");
        chem.MapPost("/task-registry/tasks", RegisterAsync).WithName("ChemRegisterTask").ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Register a task or a new version of one (organization admins); the schemas must be JSON Schema 2020-12; 201 with the definition.");
        chem.MapGet("/task-registry/tasks/{name}", GetAsync).WithName("ChemGetTask").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One task: the newest version, or ?version=N.");
        chem.MapPost("/task-registry/tasks/{name}/validate", ValidateAsync).WithName("ChemValidateTaskParameters")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Check parameters (the body) against the task's input schema (newest version, or ?version=N); 422 lists each error with its instance path.");
        chem.MapGet("/task-registry/tasks/{name}/permissions", GetPermissionsAsync).WithName("ChemGetTaskPermissions")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Who in your organization may execute the task (organization admins): the roles and users it is restricted to, or everyone.");
        chem.MapPut("/task-registry/tasks/{name}/permissions", SetPermissionsAsync).WithName("ChemSetTaskPermissions")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Restrict who in your organization may execute the task (yours, or a system task) to roles and users (organization admins); " +
                "empty lists let every member execute it again. Others get 403 CHEM_TASK_EXECUTE_FORBIDDEN.");
        return chem;
    }

    private static async Task<Ok<ChemTaskPermissions>> GetPermissionsAsync(string name, Caller caller, TaskPermissions permissions, CancellationToken cancellationToken) =>
        TypedResults.Ok(ChemTaskPermissions.From(await permissions.GetAsync(caller.Principal, name, cancellationToken).ConfigureAwait(false)));

    private static async Task<Ok<ChemTaskPermissions>> SetPermissionsAsync(
        string name, ChemTaskPermissionsUpdate request, Caller caller, TaskPermissions permissions, CancellationToken cancellationToken) =>
        TypedResults.Ok(ChemTaskPermissions.From(await permissions.SetAsync(caller.Principal, name, request.Roles, request.Users, cancellationToken).ConfigureAwait(false)));

    private static async Task<Ok<List<ChemTask>>> ListAsync(Caller caller, TaskRegistry registry, CancellationToken cancellationToken) =>
        TypedResults.Ok((await registry.ListAsync(caller.Principal, cancellationToken).ConfigureAwait(false)).Select(ChemTask.From).ToList());

    private static async Task<Created<ChemTask>> RegisterAsync(ChemTaskRegistration request, Caller caller, TaskRegistry registry, CancellationToken cancellationToken)
    {
        var task = await registry.RegisterAsync(caller.Principal, request, cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/api/v1/chem/task-registry/tasks/{task.Name}?version={task.Version}", ChemTask.From(task));
    }

    private static async Task<Ok<ChemTask>> GetAsync(string name, int? version, Caller caller, TaskRegistry registry, CancellationToken cancellationToken) =>
        TypedResults.Ok(ChemTask.From(await registry.GetAsync(caller.Principal, name, version, cancellationToken).ConfigureAwait(false)));

    private static async Task<Ok<ChemValidation>> ValidateAsync(
        string name, int? version, JsonNode parameters, Caller caller, TaskRegistry registry, CancellationToken cancellationToken)
    {
        var task = await registry.RequireValidAsync(caller.Principal, name, version, parameters, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new ChemValidation(task.Name, task.Version, true));
    }
}
