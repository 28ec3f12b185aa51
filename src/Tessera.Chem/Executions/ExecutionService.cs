using System.Text.Json.Nodes;
using Tessera.Chem.Services;
using Tessera.Chem.Storage;
using Tessera.Chem.Tasks;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;
using Tessera.Jobs;

namespace Tessera.Chem.Executions;

/// <summary>
/// Task executions, for the API and the CLI alike: parameters are checked against the stored schema of the task version
/// (422 with each error's path), then the execution row and its job (<c>chem.execute</c>) are written in one transaction.
/// The job engine runs it (durable, leased, retried, cancellable); reads join the row with its job. Another
/// organization's execution is missing (404).
/// </summary>
internal sealed class ExecutionService(TesseraDatabase database, TaskRegistry registry, JobService jobs, IEnumerable<IChemTaskRunner> runners, TaskServiceRegistry services, TimeProvider time)
{
    /// <summary>Attempts before a transient failure (a lost worker, a database outage) fails the execution.</summary>
    public const int MaxAttempts = 3;

    public sealed record Snapshot(Execution Execution, JobInfo Job);

    public IReadOnlyCollection<string> Executable { get; } = runners.Select(r => r.TaskName).Order(StringComparer.Ordinal).ToList();

    public async Task<Snapshot> SubmitAsync(Principal caller, string task, int? version, JsonNode? parameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.TasksExecute);
        var definition = await registry.RequireValidAsync(caller, task, version, parameters, cancellationToken).ConfigureAwait(false);
        if ((definition.OrgId is not null || !Executable.Contains(definition.Name))
            && !await services.IsServedAsync(caller.OrgId, definition.Name, definition.Version, cancellationToken).ConfigureAwait(false))
            throw new TesseraException(ChemErrorCodes.NoLiveService, 422,
                $"No live task service runs {definition.Name} v{definition.Version}; start one (see docs/chem-task-services.md). The system tasks the workers run themselves are: {string.Join(", ", Executable)}.");
        var now = time.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var snapshot = await database.InTransactionAsync(async (c, t) =>
        {
            var job = (await jobs.EnqueueAsync(JobOwner.Of(caller), new JobRequest(ChemExecuteJobHandler.JobKind, ChemExecuteJobHandler.Input(id))
            {
                IdempotencyKey = "chem.execution:" + id, MaxAttempts = MaxAttempts,
            }, c, t, cancellationToken).ConfigureAwait(false)).Job;
            var execution = new Execution
            {
                Id = id, OrgId = caller.OrgId, UserId = caller.UserId, TaskId = definition.Id, TaskName = definition.Name, TaskVersion = definition.Version,
                Service = Execution.InProcessService, Parameters = parameters!.ToJsonString(), JobId = job.Id, CreatedAt = now,
            };
            await ExecutionRows.InsertAsync(c, t, execution, cancellationToken).ConfigureAwait(false);
            return new Snapshot(execution, job);
        }, cancellationToken).ConfigureAwait(false);
        jobs.WakeWorkers();
        return snapshot;
    }

    public async Task<Snapshot> GetAsync(Principal caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsRead);
        Execution execution;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            execution = await ExecutionRows.FindAsync(c, caller.OrgId, id, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound("execution");
        // The row's organization filter decided visibility; the job belongs to whoever in it submitted the execution.
        var job = await jobs.GetAsync(JobScope.Operator, execution.JobId, cancellationToken).ConfigureAwait(false);
        return new Snapshot(execution, job);
    }
}
