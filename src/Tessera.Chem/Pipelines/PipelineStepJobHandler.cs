using System.Text.Json.Nodes;
using Tessera.Chem.Executions;
using Tessera.Chem.Storage;
using Tessera.Chem.Tasks;
using Tessera.Core.Errors;
using Tessera.Data;
using Tessera.Jobs;

namespace Tessera.Chem.Pipelines;

/// <summary>
/// The <c>chem.pipeline.step</c> job: one step of a pipeline instance, queued by the engine once every step it needs
/// has succeeded. It fills the parameters bound to upstream results in from those steps' executions, checks them
/// against the task's input schema, and binds its execution (<see cref="ExecutionCache.BindAsync"/>): a completed
/// execution with the same signature serves it from the cache; otherwise it runs like any execution
/// (<see cref="ExecutionRunner"/>). The job's result refers to the execution's, which stays in the organization's store.
/// </summary>
internal sealed class PipelineStepJobHandler(TesseraDatabase database, ExecutionCache cache, ExecutionRunner runner, ExecutionResults results) : IJobHandler
{
    public const string JobKind = "chem.pipeline.step";

    public string Kind => JobKind;
    public int Version => 1;
    public bool Cacheable => false;

    public static JsonObject Input(Guid instanceId, string stepId, Guid executionId) => new()
    {
        ["instance_id"] = instanceId.ToString(), ["step_id"] = stepId, ["execution_id"] = executionId.ToString(),
    };

    public async Task<JsonNode?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Guid.TryParse(context.Input?["execution_id"]?.GetValue<string>(), out var executionId) ||
            !Guid.TryParse(context.Input?["instance_id"]?.GetValue<string>(), out var instanceId) || context.Input?["step_id"]?.GetValue<string>() is not { } stepId)
            throw new PermanentJobException(ChemErrorCodes.ExecutionInputMissing, "The job input names no instance_id, step_id and execution_id.");
        Execution? execution;
        PipelineInstance? instance;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            execution = await ExecutionRows.FindForJobAsync(c, executionId, cancellationToken).ConfigureAwait(false);
            instance = await PipelineRows.FindInstanceForJobAsync(c, instanceId, cancellationToken).ConfigureAwait(false);
        }
        if (execution is null || instance is null || execution.OrgId != context.Owner.OrgId || instance.OrgId != context.Owner.OrgId)
            throw new PermanentJobException(ChemErrorCodes.ExecutionInputMissing, $"Pipeline instance {instanceId} or its execution {executionId} does not exist.");
        if (execution.ResultId is not null) return ExecutionResults.Reference(execution);
        if (execution.InputSignature is null)
        {
            try
            {
                execution = await BindAsync(instance, stepId, execution, cancellationToken).ConfigureAwait(false);
            }
            catch (TesseraException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new PermanentJobException(e.Code, e.Message);
            }
            if (execution.ResultId is not null)
            {
                await context.ReportProgressAsync(1, 1, $"served from the cache (execution {execution.CachedFrom})", cancellationToken).ConfigureAwait(false);
                return ExecutionResults.Reference(execution);
            }
        }
        return await runner.RunAsync(execution, context, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Execution> BindAsync(PipelineInstance instance, string stepId, Execution execution, CancellationToken cancellationToken)
    {
        var parameters = (JsonObject)JsonNode.Parse(execution.Parameters)!;
        TaskDefinition definition;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            var template = await PipelineRows.FindTemplateForJobAsync(c, instance.TemplateId, cancellationToken).ConfigureAwait(false);
            var step = template?.ReadSteps().FirstOrDefault(s => s.Id == stepId)
                ?? throw new TesseraException(ChemErrorCodes.ExecutionInputMissing, 422, $"The pipeline template has no step '{stepId}'.");
            var upstream = (await PipelineRows.StepsAsync(c, instance.Id, cancellationToken).ConfigureAwait(false)).ToDictionary(s => s.StepId, s => s.ExecutionId, StringComparer.Ordinal);
            foreach (var (parameter, expression) in step.Bind)
            {
                if (!PipelineBinding.TryParse(expression, out var binding) || binding.Step is not { } from) continue;
                var source = await ExecutionRows.FindForJobAsync(c, upstream[from], cancellationToken).ConfigureAwait(false);
                var result = source is null ? null : await results.ReadAsync(source.OrgId, source.ResultId, cancellationToken).ConfigureAwait(false);
                if (result is null || !binding.TryResolve(JsonNode.Parse(result), out var value))
                    throw new TesseraException(ChemErrorCodes.PipelineStepParametersInvalid, 422, $"'{parameter}' is bound to {expression}, and step '{from}''s result has nothing there.");
                parameters[parameter] = value;
            }
            definition = await TaskRows.FindByIdAsync(c, execution.TaskId, cancellationToken).ConfigureAwait(false)
                ?? throw new TesseraException(ChemErrorCodes.ExecutionInputMissing, 422, $"Task version {execution.TaskName} v{execution.TaskVersion} does not exist.");
        }
        var errors = TaskSchemas.Validate(definition.InputSchema, parameters);
        if (errors.Count > 0)
            throw new TesseraException(ChemErrorCodes.PipelineStepParametersInvalid, 422,
                $"With its upstream results bound, step '{stepId}''s parameters do not match {definition.Name} v{definition.Version}'s input schema: " +
                string.Join("; ", errors.Select(e => $"{(e.InstancePath.Length == 0 ? "/" : e.InstancePath)} {e.Message}")));
        return await cache.BindAsync(execution, definition, parameters, cancellationToken).ConfigureAwait(false);
    }
}
