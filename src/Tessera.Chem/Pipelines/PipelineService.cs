using System.Data.Common;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tessera.Chem.Access;
using Tessera.Chem.Executions;
using Tessera.Chem.Quotas;
using Tessera.Chem.Storage;
using Tessera.Chem.Tasks;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;
using Tessera.Jobs;

namespace Tessera.Chem.Pipelines;

/// <summary>
/// Pipeline templates and their instances, for the API and the CLI alike. A template is checked whole before it is
/// saved (<see cref="PipelineValidator"/>; 422 listing each problem by path). Instantiating writes, in one transaction,
/// the instance, one execution per step (parameters bound to inputs filled in, those bound to upstream results left to
/// the run) and the engine's pipeline of jobs (<c>chem.pipeline.step</c>), each waiting on the jobs of the steps it needs;
/// a step whose upstream step did not succeed ends skipped. A rerun is a new instance with the same inputs: steps whose
/// signature matches a completed execution are served by the result cache. Another organization's templates and
/// instances are missing (404). The caller must be allowed to execute every step's task (403 naming it), and the
/// organization must have room in its quotas (429 or 403 naming the quota).
/// </summary>
internal sealed partial class PipelineService(
    TesseraDatabase database, ExecutionService executions, ExecutionResults results, TaskPermissions permissions, QuotaService quotas, JobService jobs, TimeProvider time)
{
    public const int MaxNameLength = 100;
    public const int MaxDescriptionLength = 2000;
    public const int DefaultInstancePage = 20;

    /// <summary>Each listed instance reads its steps and their jobs, so a page stays small.</summary>
    public const int MaxInstancePage = 100;

    /// <summary>An instance with its template and each step's execution and job.</summary>
    public sealed record InstanceView(PipelineInstance Instance, PipelineTemplateDefinition Template, IReadOnlyList<StepView> Steps);

    /// <summary>A step of an instance; <paramref name="Job"/> is the step's job (it runs the execution).</summary>
    public sealed record StepView(PipelineInstanceStep Step, Execution Execution, JobInfo Job);

    public async Task<PipelineTemplateDefinition> RegisterAsync(Principal caller, PipelineTemplateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        caller.Require(Permissions.TasksExecute);
        var name = request.Name?.Trim() ?? "";
        if (!NamePattern().IsMatch(name))
            throw TesseraException.Validation($"name must be 1 to {MaxNameLength} characters: lower-case letters, digits, '.', '_' or '-', starting with a letter.");
        var description = request.Description?.Trim() ?? "";
        if (description.Length > MaxDescriptionLength) throw TesseraException.Validation($"description must be at most {MaxDescriptionLength} characters.");
        var tasks = new Dictionary<(string, int?), TaskDefinition?>();
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            foreach (var step in (request.Steps ?? []).Where(s => !string.IsNullOrWhiteSpace(s?.Task)))
                if (!tasks.ContainsKey((step.Task!, step.Version)))
                    tasks[(step.Task!, step.Version)] = await TaskRows.FindAsync(c, null, caller.OrgId, step.Task!, step.Version, cancellationToken).ConfigureAwait(false);
        var check = PipelineValidator.Check(request, (task, version) => tasks.GetValueOrDefault((task, version)));
        if (check.Errors.Count > 0)
            throw Problem(ChemErrorCodes.PipelineInvalid, $"The pipeline template is not valid ({check.Errors.Count} problem(s); see 'errors').", check.Errors);
        var now = time.GetUtcNow();
        try
        {
            return await database.InTransactionAsync(async (c, t) =>
            {
                var template = new PipelineTemplateDefinition
                {
                    Id = Guid.CreateVersion7(now), OrgId = caller.OrgId, Name = name,
                    Version = await PipelineRows.LatestVersionAsync(c, t, caller.OrgId, name, cancellationToken).ConfigureAwait(false) + 1,
                    Description = description, Steps = new JsonArray([.. check.Steps.Select(s => (JsonNode)s.ToJson())]).ToJsonString(),
                    Inputs = check.Inputs.ToJsonString(), CreatedBy = caller.UserId, CreatedAt = now,
                };
                await PipelineRows.InsertTemplateAsync(c, t, template, cancellationToken).ConfigureAwait(false);
                return template;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e) when (UniqueViolation.Is(e))
        {
            throw TesseraException.Conflict(ChemErrorCodes.TaskVersionExists, $"Another version of {name} was saved at the same moment; send it again.");
        }
    }

    public async Task<IReadOnlyList<PipelineTemplateDefinition>> ListAsync(Principal caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsRead);
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await PipelineRows.ListTemplatesAsync(c, caller.OrgId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<PipelineTemplateDefinition> GetAsync(Principal caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsRead);
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await PipelineRows.FindTemplateAsync(c, null, caller.OrgId, id, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound("pipeline template");
    }

    /// <summary>Starts an instance of the template with the inputs in <paramref name="parameters"/> (422 listing each error by path).</summary>
    public async Task<InstanceView> InstantiateAsync(Principal caller, Guid templateId, JsonNode? parameters, CancellationToken cancellationToken) =>
        await StartAsync(caller, await GetAsync(caller, templateId, cancellationToken).ConfigureAwait(false), parameters, null, cancellationToken).ConfigureAwait(false);

    /// <summary>A new instance of the same template with the same inputs; finished steps are served by the result cache.</summary>
    public async Task<InstanceView> RerunAsync(Principal caller, Guid instanceId, CancellationToken cancellationToken)
    {
        var earlier = await GetInstanceAsync(caller, instanceId, cancellationToken).ConfigureAwait(false);
        return await StartAsync(caller, earlier.Template, JsonNode.Parse(earlier.Instance.Parameters), earlier.Instance.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The organization's newest instances, of one template version when <paramref name="templateId"/> is given.</summary>
    public async Task<IReadOnlyList<InstanceView>> ListInstancesAsync(Principal caller, Guid? templateId, int? limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsRead);
        var size = limit ?? DefaultInstancePage;
        if (size is < 1 or > MaxInstancePage) throw TesseraException.Validation($"limit must be from 1 to {MaxInstancePage}.");
        var rows = new List<InstanceRows>();
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var instance in await PipelineRows.ListInstancesAsync(c, caller.OrgId, templateId, size, cancellationToken).ConfigureAwait(false))
                rows.Add(await ReadInstanceAsync(c, caller.OrgId, instance, cancellationToken).ConfigureAwait(false));
        }
        var views = new List<InstanceView>(rows.Count);
        foreach (var row in rows) views.Add(await ViewAsync(row, cancellationToken).ConfigureAwait(false));
        return views;
    }

    public async Task<InstanceView> GetInstanceAsync(Principal caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsRead);
        InstanceRows row;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            var instance = await PipelineRows.FindInstanceAsync(c, caller.OrgId, id, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound("pipeline instance");
            row = await ReadInstanceAsync(c, caller.OrgId, instance, cancellationToken).ConfigureAwait(false);
        }
        return await ViewAsync(row, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An instance's template and its steps with their jobs' ids, read on one connection.</summary>
    private static async Task<InstanceRows> ReadInstanceAsync(
        DbConnection c, Guid orgId, PipelineInstance instance, CancellationToken cancellationToken)
    {
        var template = (await PipelineRows.FindTemplateAsync(c, null, orgId, instance.TemplateId, cancellationToken).ConfigureAwait(false))!;
        var steps = new List<(PipelineInstanceStep Step, Guid JobId)>();
        foreach (var step in await PipelineRows.StepsAsync(c, instance.Id, cancellationToken).ConfigureAwait(false))
            steps.Add((step, (await ExecutionRows.FindAsync(c, orgId, step.ExecutionId, cancellationToken).ConfigureAwait(false))!.JobId!.Value));
        return new InstanceRows(instance, template, steps);
    }

    /// <summary>
    /// The steps' jobs, then their executions and results. In that order: a step's execution is complete before its job
    /// ends, so executions read after the jobs are never older than them (read before, a step could show succeeded
    /// with the unbound execution it had a moment earlier). The job engine and the organization's store have their
    /// own connections.
    /// </summary>
    private async Task<InstanceView> ViewAsync(InstanceRows rows, CancellationToken cancellationToken)
    {
        var found = new List<JobInfo>(rows.Steps.Count);
        // The instance's organization filter decided visibility; the step jobs belong to whoever in it started the instance.
        foreach (var (_, jobId) in rows.Steps)
            found.Add(await jobs.GetAsync(JobScope.Operator, jobId, cancellationToken).ConfigureAwait(false));
        var executions = new List<Execution>(rows.Steps.Count);
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var (step, _) in rows.Steps)
                executions.Add((await ExecutionRows.FindAsync(c, rows.Instance.OrgId, step.ExecutionId, cancellationToken).ConfigureAwait(false))!);
        }
        var steps = new List<StepView>(rows.Steps.Count);
        for (var i = 0; i < rows.Steps.Count; i++)
            steps.Add(new StepView(rows.Steps[i].Step, await results.WithResultAsync(executions[i], cancellationToken).ConfigureAwait(false), found[i]));
        return new InstanceView(rows.Instance, rows.Template, steps);
    }

    private sealed record InstanceRows(PipelineInstance Instance, PipelineTemplateDefinition Template, List<(PipelineInstanceStep Step, Guid JobId)> Steps);

    private async Task<InstanceView> StartAsync(Principal caller, PipelineTemplateDefinition template, JsonNode? parameters, Guid? rerunOf, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.TasksExecute);
        var inputs = parameters ?? new JsonObject();
        var inputErrors = TaskSchemas.Validate(template.Inputs, inputs);
        if (inputErrors.Count > 0)
            throw Problem(ChemErrorCodes.PipelineParametersInvalid, $"The parameters do not match the inputs of {template.Name} v{template.Version} ({inputErrors.Count} error(s); see 'errors').", inputErrors);
        var steps = template.ReadSteps();
        var planned = new List<(PipelineStepDefinition Step, TaskDefinition Task, JsonObject Parameters)>();
        var errors = new List<SchemaError>();
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            for (var i = 0; i < steps.Count; i++)
            {
                var step = steps[i];
                var task = await TaskRows.FindAsync(c, null, caller.OrgId, step.Task, step.Version, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound("task");
                await permissions.RequireExecuteAsync(caller, task, cancellationToken).ConfigureAwait(false);
                await executions.RequireExecutableAsync(caller.OrgId, task, cancellationToken).ConfigureAwait(false);
                var given = (JsonObject)step.Parameters.DeepClone();
                foreach (var (parameter, expression) in step.Bind)
                    if (PipelineBinding.TryParse(expression, out var binding) && binding.Input is { } input) given[parameter] = inputs[input]?.DeepClone();
                var open = step.Bind.Where(b => PipelineBinding.TryParse(b.Value, out var p) && p.Step is not null).Select(b => b.Key);
                var schema = PipelineValidator.WithoutRequired(JsonNode.Parse(task.InputSchema)!.AsObject(), open);
                errors.AddRange(TaskSchemas.Validate(schema.ToJsonString(), given).Select(e => e with { InstancePath = $"/steps/{i}/parameters{e.InstancePath}" }));
                planned.Add((step, task, given));
            }
        }
        if (errors.Count > 0)
            throw Problem(ChemErrorCodes.PipelineParametersInvalid, $"With these parameters the steps' parameters do not match their tasks' input schemas ({errors.Count} error(s); see 'errors').", errors);
        var now = time.GetUtcNow();
        var instance = new PipelineInstance
        {
            Id = Guid.CreateVersion7(now), OrgId = caller.OrgId, UserId = caller.UserId, TemplateId = template.Id, Parameters = inputs.ToJsonString(), RerunOf = rerunOf, CreatedAt = now,
        };
        var executionIds = planned.ToDictionary(p => p.Step.Id, _ => Guid.CreateVersion7(now), StringComparer.Ordinal);
        await database.InTransactionAsync(async (c, t) =>
        {
            // An instance is admitted like one submission: its steps then count against the quotas as they run.
            await quotas.RequireExecutionRoomAsync(c, t, caller.OrgId, cancellationToken).ConfigureAwait(false);
            await PipelineRows.InsertInstanceAsync(c, t, instance, cancellationToken).ConfigureAwait(false);
            var dag = new Tessera.Jobs.PipelineTemplate([.. planned.Select(p => new Tessera.Jobs.PipelineStep(
                p.Step.Id, PipelineStepJobHandler.JobKind, PipelineStepJobHandler.Input(instance.Id, p.Step.Id, executionIds[p.Step.Id]))
            {
                DependsOn = p.Step.Needs, MaxAttempts = ExecutionService.MaxAttempts,
            })]) { OnDependencyFailure = PipelinePolicies.Skip };
            var created = await jobs.InstantiatePipelineAsync(JobOwner.Of(caller), dag, c, t, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < planned.Count; i++)
            {
                var (step, task, given) = planned[i];
                await ExecutionRows.InsertAsync(c, t, new Execution
                {
                    Id = executionIds[step.Id], OrgId = caller.OrgId, UserId = caller.UserId, TaskId = task.Id, TaskName = task.Name, TaskVersion = task.Version,
                    Service = Execution.InProcessService, Parameters = given.ToJsonString(), JobId = created.Jobs[step.Id].Id, CreatedAt = now,
                }, cancellationToken).ConfigureAwait(false);
                await PipelineRows.InsertStepAsync(c, t, new PipelineInstanceStep
                {
                    InstanceId = instance.Id, StepId = step.Id, Position = i, TaskName = task.Name, TaskVersion = task.Version,
                    DependsOn = new JsonArray([.. step.Needs.Select(n => (JsonNode)n)]).ToJsonString(), ExecutionId = executionIds[step.Id],
                }, cancellationToken).ConfigureAwait(false);
            }
            return true;
        }, cancellationToken).ConfigureAwait(false);
        jobs.WakeWorkers();
        return await GetInstanceAsync(caller, instance.Id, cancellationToken).ConfigureAwait(false);
    }

    private static TesseraException Problem(string code, string message, IReadOnlyList<SchemaError> errors)
    {
        var error = new TesseraException(code, 422, message);
        error.Extensions["errors"] = errors;
        return error;
    }

    [GeneratedRegex("^[a-z][a-z0-9._-]{0,99}$")]
    private static partial Regex NamePattern();
}
