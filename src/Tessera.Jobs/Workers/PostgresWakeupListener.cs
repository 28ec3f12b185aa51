using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;
using Tessera.Data;
using Tessera.Jobs.Storage;

namespace Tessera.Jobs.Workers;

/// <summary>
/// Holds one dedicated connection that LISTENs on <c>tessera_jobs</c> and turns NOTIFYs into in-process
/// wake-ups (new work, or a cancellation to pick up at once). If the connection drops it reconnects; workers
/// still poll meanwhile.
/// </summary>
internal static class PostgresWakeupListener
{
    public static async Task RunAsync(TesseraDatabase database, JobWakeups wakeups, JobsOptions options, ILogger logger, CancellationToken stop)
    {
        var outage = new OutageBackoff(options.PollInterval, options.PollInterval * 16);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = (NpgsqlConnection)await database.OpenConnectionAsync(stop).ConfigureAwait(false);
                connection.Notification += (_, e) =>
                {
                    if (e.Payload == JobChannels.CancelPayload) wakeups.PulseCancel();
                    else wakeups.PulseWork();
                };
                await connection.ExecuteAsync(new CommandDefinition($"LISTEN {JobChannels.Name}", cancellationToken: stop)).ConfigureAwait(false);
                // Work may have arrived before LISTEN took effect.
                wakeups.PulseWork();
                var failures = outage.Succeeded();
                if (failures > 0) JobsLog.WakeupListenerRestored(logger, failures);
                while (true) await connection.WaitAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                var (started, wait) = outage.Failed();
                if (started) JobsLog.WakeupListenerLost(logger, e);
                try { await Task.Delay(wait, stop).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
            }
        }
    }
}
