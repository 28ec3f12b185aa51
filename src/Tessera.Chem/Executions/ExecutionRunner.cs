using System.Text.Json.Nodes;
using Tessera.Chem.Services;
using Tessera.Chem.Storage;
using Tessera.Core.Errors;
using Tessera.Data;
using Tessera.Jobs;

namespace Tessera.Chem.Executions;

/// <summary>
/// Carries out one execution inside the job that runs it (<c>chem.execute</c>, or a pipeline step's job): a live task
/// service of the organization that runs the task version takes it (<see cref="TaskServiceClient"/>); otherwise the
/// runner in this process, and with neither it fails with <c>CHEM_NO_LIVE_SERVICE</c>. A failure the runner reports
/// (a <see cref="TesseraException"/>: unreadable input, a tool's error) fails the job at once with its code and message;
/// anything else is the engine's to classify.
/// </summary>
internal sealed class ExecutionRunner(TesseraDatabase database, IEnumerable<IChemTaskRunner> runners, TaskServiceClient services)
{
    public async Task<JsonNode?> RunAsync(Execution execution, JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execution);
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
