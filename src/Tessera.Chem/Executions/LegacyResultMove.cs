using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tessera.Chem.Storage;
using Tessera.Data;

namespace Tessera.Chem.Executions;

/// <summary>
/// Before a process serves, moves the results that earlier versions kept in the shared <c>chem_executions.result</c>
/// column into their organizations' stores, each under its execution's own id, and empties the column. Moving a
/// result twice (two processes starting at once, or a crash between the two writes) writes the same row again,
/// which the store ignores.
/// </summary>
internal sealed partial class LegacyResultMove(TesseraDatabase database, OrganizationStores stores, ILogger<LegacyResultMove> logger) : IHostedService
{
    private const int Batch = 500;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var moved = 0;
        while (true)
        {
            IReadOnlyList<Execution> legacy;
            await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
                legacy = await ExecutionRows.LegacyResultsAsync(c, Batch, cancellationToken).ConfigureAwait(false);
            if (legacy.Count == 0) break;
            foreach (var execution in legacy)
            {
                var store = await stores.ForAsync(execution.OrgId, cancellationToken).ConfigureAwait(false);
                await using (var oc = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
                    await StoredResultRows.InsertAsync(oc, new StoredResult(execution.Id, execution.Id, execution.TaskName, execution.TaskVersion, execution.Result!,
                        execution.CompletedAt ?? execution.CreatedAt), cancellationToken).ConfigureAwait(false);
                await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await ExecutionRows.MoveResultAsync(c, execution.Id, cancellationToken).ConfigureAwait(false);
            }
            moved += legacy.Count;
        }
        if (moved > 0) LogMoved(moved);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Moved {Count} Chem execution result(s) from the shared table into their organizations' stores.")]
    private partial void LogMoved(int count);
}
