using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tessera.Core.Blobs;

namespace Tessera.Platform.Blobs;

/// <summary>
/// Deletes blobs that no module references once they are older than the grace period: what a crashed or killed
/// upload left behind between storing its file and recording its row.
/// </summary>
public sealed partial class BlobSweeper(IBlobStore blobs, BlobReferences references, BlobSweepOptions options, TimeProvider time, ILogger<BlobSweeper> logger)
    : BackgroundService
{
    private const int Batch = 500;

    /// <summary>One pass; returns how many blobs it deleted.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken = default)
    {
        var cutoff = time.GetUtcNow() - options.Grace;
        var deleted = 0;
        var candidates = new List<string>(Batch);
        await foreach (var blob in blobs.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (blob.LastWritten >= cutoff) continue;
            candidates.Add(blob.Sha256);
            if (candidates.Count == Batch) deleted += await DeleteUnreferencedAsync(candidates, cancellationToken).ConfigureAwait(false);
        }
        deleted += await DeleteUnreferencedAsync(candidates, cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var deleted = await SweepOnceAsync(stoppingToken).ConfigureAwait(false);
                if (deleted > 0) LogSwept(deleted);
                await Task.Delay(options.Interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A failed pass (database away) is retried at the next interval; the blobs keep until then.
                LogFailed(e);
                await Task.Delay(options.Interval, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<int> DeleteUnreferencedAsync(List<string> candidates, CancellationToken cancellationToken)
    {
        var referenced = await references.FindReferencedAsync(candidates, cancellationToken).ConfigureAwait(false);
        var deleted = 0;
        foreach (var sha256 in candidates.Where(c => !referenced.Contains(c)))
        {
            if (await blobs.DeleteAsync(sha256, cancellationToken).ConfigureAwait(false)) deleted++;
        }
        candidates.Clear();
        return deleted;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Blob sweeper deleted {Count} unreferenced blob(s)")]
    private partial void LogSwept(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Blob sweep failed; retrying at the next interval")]
    private partial void LogFailed(Exception exception);
}
