using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Chem.Api;
using Tessera.Chem.Executions;
using Tessera.Chem.Molecules;
using Tessera.Core.Identity;
using Tessera.Jobs;

namespace Tessera.Chem.Cli;

/// <summary>
/// Submits an execution through <see cref="ExecutionService"/> (the API's path: schema check, row, job) and, to wait
/// for it without a server, runs a job worker in this process that claims that job alone until the execution has
/// ended (never another process's job, which it would drop on exit). A worker elsewhere (a server, <c>tessera
/// worker</c>) may take the job instead; either way the job engine runs it.
/// Ctrl+C cancels the execution's job.
/// </summary>
internal static class ExecutionWaiter
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    public static async Task<ChemExecution> SubmitAsync(
        IServiceProvider services, Principal principal, string task, int? version, JsonNode parameters, bool wait, bool useCache, CancellationToken cancellationToken)
    {
        var executions = services.GetRequiredService<ExecutionService>();
        var snapshot = await executions.SubmitAsync(principal, task, version, parameters, useCache, cancellationToken).ConfigureAwait(false);
        // A cache hit has no job and is done; a joined execution waits on the job of the one it joined.
        if (wait && snapshot.Job is not null)
        {
            using var stop = new CancellationTokenSource();
            var worker = JobsModule.RunJobsAsync(services, [snapshot.Job.Id], stop.Token);
            try
            {
                while (snapshot.Job is { } job && !job.State.IsTerminal())
                {
                    if (worker.IsCompleted) await worker.ConfigureAwait(false);
                    await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
                    snapshot = await executions.GetAsync(principal, snapshot.Execution.Id, CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Only this execution's own job: a joined one's job belongs to the execution it joined.
                if (snapshot.Execution.JobId is { } own)
                    await services.GetRequiredService<JobService>().CancelAsync(JobScope.Of(principal), own, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
            finally
            {
                await stop.CancelAsync().ConfigureAwait(false);
                await worker.ConfigureAwait(false);
            }
        }
        return await ChemExecution.FromAsync(snapshot, principal, services.GetRequiredService<MoleculeReader>(), cancellationToken).ConfigureAwait(false);
    }
}
