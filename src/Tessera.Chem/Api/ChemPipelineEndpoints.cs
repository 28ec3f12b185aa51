using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Tessera.Chem.Pipelines;
using Tessera.Data.Identity;

namespace Tessera.Chem.Api;

/// <summary>Pipeline templates and instances under <c>/api/v1/chem</c>: thin handlers over <see cref="PipelineService"/>.</summary>
internal static class ChemPipelineEndpoints
{
    public static RouteGroupBuilder MapChemPipelines(this RouteGroupBuilder chem)
    {
        ArgumentNullException.ThrowIfNull(chem);
        chem.MapGet("/pipeline-templates", ListAsync).WithName("ChemListPipelineTemplates")
            .WithSummary("Your organization's pipeline templates, by name, newest version first.");
        chem.MapPost("/pipeline-templates", RegisterAsync).WithName("ChemRegisterPipelineTemplate").ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Save a pipeline template (a new version when the name exists): a DAG of task steps whose parameters are fixed or bound to " +
                "$inputs.NAME or $steps.ID.result.PATH. It is checked first (acyclic, tasks you can use, bound outputs in the producer's output schema " +
                "with a type the parameter takes, fixed parameters valid); 422 lists each problem with its path. The README's Chem section describes templates and bindings.");
        chem.MapGet("/pipeline-templates/{id:guid}", GetAsync).WithName("ChemGetPipelineTemplate").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One pipeline template with its steps and the schema of its inputs.");
        chem.MapPost("/pipeline-templates/{id:guid}/instantiate", InstantiateAsync).WithName("ChemInstantiatePipeline")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Run the template with its inputs ({\"parameters\": {…}}); 202 with the instance: one execution per step, each step's job " +
                "waiting on the steps it needs; a step whose upstream step did not succeed is skipped.");
        chem.MapGet("/pipeline-instances", ListInstancesAsync).WithName("ChemListPipelineInstances").ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Your organization's newest pipeline instances first, each as GET /pipeline-instances/{id} gives it; template_id keeps one " +
                "template version's, limit (1–100, default 20) how many.");
        chem.MapGet("/pipeline-instances/{id:guid}", GetInstanceAsync).WithName("ChemGetPipelineInstance").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One pipeline instance: its state and each step's state, execution, job, cache use, result or error, and timings.");
        chem.MapPost("/pipeline-instances/{id:guid}/rerun", RerunAsync).WithName("ChemRerunPipeline").ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Run the instance's template again with the same inputs; 202 with the new instance. Steps that finished before are served " +
                "by the result cache (cached: true); the rest run.");
        return chem;
    }

    private static async Task<Ok<List<ChemPipelineTemplate>>> ListAsync(Caller caller, PipelineService pipelines, CancellationToken cancellationToken) =>
        TypedResults.Ok((await pipelines.ListAsync(caller.Principal, cancellationToken).ConfigureAwait(false)).Select(ChemPipelineTemplate.From).ToList());

    private static async Task<Created<ChemPipelineTemplate>> RegisterAsync(PipelineTemplateRequest request, Caller caller, PipelineService pipelines, CancellationToken cancellationToken)
    {
        var template = await pipelines.RegisterAsync(caller.Principal, request, cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/api/v1/chem/pipeline-templates/{template.Id}", ChemPipelineTemplate.From(template));
    }

    private static async Task<Ok<ChemPipelineTemplate>> GetAsync(Guid id, Caller caller, PipelineService pipelines, CancellationToken cancellationToken) =>
        TypedResults.Ok(ChemPipelineTemplate.From(await pipelines.GetAsync(caller.Principal, id, cancellationToken).ConfigureAwait(false)));

    private static async Task<Accepted<ChemPipelineInstance>> InstantiateAsync(
        Guid id, ChemPipelineInstantiation request, Caller caller, PipelineService pipelines, CancellationToken cancellationToken)
    {
        var instance = await pipelines.InstantiateAsync(caller.Principal, id, request.Parameters, cancellationToken).ConfigureAwait(false);
        return TypedResults.Accepted($"/api/v1/chem/pipeline-instances/{instance.Instance.Id}", ChemPipelineInstance.From(instance));
    }

    private static async Task<Ok<List<ChemPipelineInstance>>> ListInstancesAsync(
        Caller caller, PipelineService pipelines, [FromQuery(Name = "template_id")] Guid? templateId, int? limit, CancellationToken cancellationToken) =>
        TypedResults.Ok((await pipelines.ListInstancesAsync(caller.Principal, templateId, limit, cancellationToken).ConfigureAwait(false)).Select(ChemPipelineInstance.From).ToList());

    private static async Task<Ok<ChemPipelineInstance>> GetInstanceAsync(Guid id, Caller caller, PipelineService pipelines, CancellationToken cancellationToken) =>
        TypedResults.Ok(ChemPipelineInstance.From(await pipelines.GetInstanceAsync(caller.Principal, id, cancellationToken).ConfigureAwait(false)));

    private static async Task<Accepted<ChemPipelineInstance>> RerunAsync(Guid id, Caller caller, PipelineService pipelines, CancellationToken cancellationToken)
    {
        var instance = await pipelines.RerunAsync(caller.Principal, id, cancellationToken).ConfigureAwait(false);
        return TypedResults.Accepted($"/api/v1/chem/pipeline-instances/{instance.Instance.Id}", ChemPipelineInstance.From(instance));
    }
}
