using System.Threading.Channels;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Tessera.Data;

namespace Tessera.Platform.Collections;

/// <summary>
/// On PostgreSQL, LISTENs for snapshots other nodes publish and loads each one that covers more than what serves
/// here; at start it loads what was published while this node was down. Without PostgreSQL it does nothing.
/// </summary>
internal sealed partial class SnapshotListener(
    TesseraDatabase database, SnapshotExchange exchange, VectorCollections collections, ILogger<SnapshotListener> logger) : BackgroundService
{
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (database.Dialect != SqlDialect.Postgres) return;
        // Announcements queue here and are adopted one at a time; a burst for one partition collapses to its newest row.
        var announced = Channel.CreateBounded<string>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });
        var adopting = AdoptAsync(announced.Reader, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = (NpgsqlConnection)await database.OpenConnectionAsync(stoppingToken).ConfigureAwait(false);
                connection.Notification += (_, e) => announced.Writer.TryWrite(e.Payload);
                await connection.ExecuteAsync(new CommandDefinition($"LISTEN {SnapshotRecords.Channel}", cancellationToken: stoppingToken)).ConfigureAwait(false);
                // What was published before LISTEN took effect (or while this node was down).
                foreach (var (collection, partition) in await exchange.PublishedAsync(stoppingToken).ConfigureAwait(false))
                    announced.Writer.TryWrite($"{collection}|{partition}");
                while (true) await connection.WaitAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (NpgsqlException e)
            {
                ListenerLost(logger, e);
                try { await Task.Delay(ReconnectDelay, stoppingToken).ConfigureAwait(false); }
                catch (OperationCanceledException) { break; }
            }
        }
        announced.Writer.TryComplete();
        await adopting.ConfigureAwait(false);
    }

    private async Task AdoptAsync(ChannelReader<string> announced, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var payload in announced.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                var separator = payload.IndexOf('|', StringComparison.Ordinal);
                if (separator <= 0) continue;
                try
                {
                    await exchange.AdoptAsync(collections, payload[..separator], payload[(separator + 1)..], stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // One snapshot that cannot be loaded must not stop the others; this node still builds its own.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    AdoptionFailed(logger, payload, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "The snapshot listener lost its connection; reconnecting.")]
    private static partial void ListenerLost(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Warning, Message = "The snapshot {Payload} another node published could not be loaded; this node keeps its own index.")]
    private static partial void AdoptionFailed(ILogger logger, string payload, Exception exception);
}
