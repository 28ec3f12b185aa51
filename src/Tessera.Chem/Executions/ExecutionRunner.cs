using System.Diagnostics;
using System.Globalization;
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
/// The job's own result is only a reference (<see cref="ExecutionResults.Reference"/>): the result is in the organization's store.
/// <para>
/// Each attempt is written to the execution's events (started, the service, the outcome with its timings) and charged
/// its CPU seconds (<see cref="CpuCharge"/>); the attempt that ends the execution records when it finished, which frees
/// its place in the organization's concurrency quota.
/// </para>
/// </summary>
internal sealed class ExecutionRunner(
    TesseraDatabase database, IEnumerable<IChemTaskRunner> runners, TaskServiceClient services, ExecutionJournal journal, TimeProvider time)
{
    public async Task<JsonNode?> RunAsync(Execution execution, JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execution);
        ArgumentNullException.ThrowIfNull(context);
        string resources;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            resources = (await TaskRows.FindByIdAsync(c, execution.TaskId, cancellationToken).ConfigureAwait(false))?.Resources ?? "{}";
        var clock = Stopwatch.StartNew();
        await journal.AppendAsync(execution, ExecutionEventTypes.Started, $"attempt {context.Attempt} started",
            new JsonObject { ["attempt"] = context.Attempt }, cancellationToken).ConfigureAwait(false);
        try
        {
            await RunOnceAsync(execution, context, cancellationToken).ConfigureAwait(false);
            await EndAttemptAsync(execution, resources, clock, ExecutionEventTypes.Succeeded, "succeeded", null, final: true).ConfigureAwait(false);
            return ExecutionResults.Reference(execution);
        }
        catch (TesseraException e) when (!cancellationToken.IsCancellationRequested)
        {
            await EndAttemptAsync(execution, resources, clock, ExecutionEventTypes.Failed, $"failed: {e.Code}", e, final: true).ConfigureAwait(false);
            throw new PermanentJobException(e.Code, e.Message);
        }
        catch (PermanentJobException e)
        {
            await EndAttemptAsync(execution, resources, clock, ExecutionEventTypes.Failed, $"failed: {e.Code}", e, final: true).ConfigureAwait(false);
            throw;
        }
        catch (Exception e) when (e is not (OperationCanceledException or JobLeaseLostException) && !cancellationToken.IsCancellationRequested)
        {
            // The engine retries it unless this was the last attempt.
            var final = context.Attempt >= ExecutionService.MaxAttempts;
            await EndAttemptAsync(execution, resources, clock, final ? ExecutionEventTypes.Failed : ExecutionEventTypes.AttemptFailed,
                final ? "failed: no attempts left" : $"attempt {context.Attempt} failed; it is retried", e, final).ConfigureAwait(false);
            throw;
        }
    }

    private async Task<JsonNode?> RunOnceAsync(Execution execution, JobContext context, CancellationToken cancellationToken)
    {
        if (await services.TryRunAsync(execution, context, cancellationToken).ConfigureAwait(false) is { } served) return served;
        var runner = runners.FirstOrDefault(r => r.TaskName == execution.TaskName)
            ?? throw new PermanentJobException(ChemErrorCodes.NoLiveService, $"No live task service runs {execution.TaskName} v{execution.TaskVersion}, and no runner in the workers does.");
        if (execution.Service != Execution.InProcessService)
            await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
                await ExecutionRows.SetServiceAsync(c, execution.Id, Execution.InProcessService, cancellationToken).ConfigureAwait(false);
        await journal.AppendAsync(execution, ExecutionEventTypes.Service, "running in-process (the job engine's worker)",
            new JsonObject { ["service"] = Execution.InProcessService }, cancellationToken).ConfigureAwait(false);
        return await runner.RunAsync(execution, context, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Charges the attempt's CPU seconds and writes its outcome; recorded even when the job's token was cancelled meanwhile.</summary>
    private async Task EndAttemptAsync(Execution execution, string resources, Stopwatch clock, string type, string message, Exception? error, bool final)
    {
        var seconds = Math.Round(clock.Elapsed.TotalSeconds, 3);
        var cpu = CpuCharge.Of(clock.Elapsed, resources, execution.Parameters);
        await using (var c = await database.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false))
            await ExecutionRows.ChargeAsync(c, execution.Id, cpu, final ? time.GetUtcNow() : null, CancellationToken.None).ConfigureAwait(false);
        var data = new JsonObject { ["seconds"] = seconds, ["cpu_seconds"] = cpu };
        if (error is not null)
        {
            data["code"] = error switch { TesseraException t => t.Code, PermanentJobException p => p.Code, _ => error.GetType().Name };
            data["error"] = error.Message;
        }
        await journal.AppendAsync(execution, type, string.Create(CultureInfo.InvariantCulture, $"{message} after {seconds} s"), data, CancellationToken.None).ConfigureAwait(false);
    }
}
