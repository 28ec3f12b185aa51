using System.Text.Json.Nodes;
using Tessera.Chem.Services;
using Tessera.Chem.Storage;
using Tessera.Core.Errors;
using Tessera.Data;
using Tessera.Jobs;

namespace Tessera.Chem.Executions;

/// <summary>
/// The <c>chem.execute</c> job: runs one execution of a system task with the runner for its name. A failure the
/// runner reports (a <see cref="TesseraException"/>: unreadable receptor, a tool's error) fails the job at once with its
/// code and message; anything else is the engine's to classify. A run that finds the result already recorded (it was
/// stored, then the lease was lost) returns it instead of running again. A task version that a live task service of the
/// organization runs goes to that service (<see cref="TaskServiceClient"/>); otherwise the runner in this process runs
/// it, and with neither the execution fails with <c>CHEM_NO_LIVE_SERVICE</c>.
/// </summary>
internal sealed class ChemExecuteJobHandler(TesseraDatabase database, IEnumerable<IChemTaskRunner> runners, TaskServiceClient services) : IJobHandler
{
    public const string JobKind = "chem.execute";

    public string Kind => JobKind;
    public int Version => 1;
    public bool Cacheable => false;

    public static JsonObject Input(Guid executionId) => new() { ["execution_id"] = executionId.ToString() };

    public async Task<JsonNode?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Input?["execution_id"]?.GetValue<string>() is not { } text || !Guid.TryParse(text, out var id))
            throw new PermanentJobException(ChemErrorCodes.ExecutionInputMissing, "The job input names no execution_id.");
        Execution? execution;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            execution = await ExecutionRows.FindForJobAsync(c, id, cancellationToken).ConfigureAwait(false);
        if (execution is null || execution.OrgId != context.Owner.OrgId)
            throw new PermanentJobException(ChemErrorCodes.ExecutionInputMissing, $"Execution {id} does not exist.");
        if (execution.Result is not null) return JsonNode.Parse(execution.Result);
        try
        {
            if (await services.TryRunAsync(execution, context, cancellationToken).ConfigureAwait(false) is { } served) return served;
            var runner = runners.FirstOrDefault(r => r.TaskName == execution.TaskName);
            if (runner is null)
                throw new PermanentJobException(ChemErrorCodes.NoLiveService, $"No live task service runs {execution.TaskName} v{execution.TaskVersion}, and no runner in the workers does.");
            if (execution.Service != Execution.InProcessService)
                await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
                    await ExecutionRows.SetServiceAsync(c, execution.Id, Execution.InProcessService, cancellationToken).ConfigureAwait(false);
            return await runner.RunAsync(execution, context, cancellationToken).ConfigureAwait(false);
        }
        catch (TesseraException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PermanentJobException(e.Code, e.Message);
        }
    }
}
