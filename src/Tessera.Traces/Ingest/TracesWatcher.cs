using Microsoft.Extensions.Hosting;
using Tessera.Data;
using Tessera.Traces.Sources;
using Tessera.Traces.Storage;

namespace Tessera.Traces.Ingest;

/// <summary>
/// The server's watcher: every enabled source of every organization, on its poll interval and on file events
/// (<c>traces:watch</c> turns it off). Sources added, changed or disabled through the API are picked up within
/// a few seconds.
/// </summary>
internal sealed class TracesWatcher(TracesWatchLoop loop, TesseraDatabase database, TracesSettings settings, TracesPipelineState state) : BackgroundService
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(3);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!settings.Watch) return;
        state.Set(true);
        try
        {
            await loop.RunAsync(EnabledAsync, Refresh, null, stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            state.Set(false);
        }
    }

    private async Task<IReadOnlyList<TraceSource>> EnabledAsync(CancellationToken cancellationToken)
    {
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await TraceSourceRows.ListEnabledAsync(c, cancellationToken).ConfigureAwait(false);
    }
}
