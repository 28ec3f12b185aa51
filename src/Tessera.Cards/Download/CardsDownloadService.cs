using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Tessera.Cards.Storage;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;

namespace Tessera.Cards.Download;

/// <summary>
/// Downloads an organization's catalog images of one size into its image folder. A pipeline of bounded channels:
/// one reader pages the URLs out of the catalog, N workers fetch (per-host rate limit, retries, <c>.part</c> files),
/// one recorder stores each URL's result in batches and reports progress. Bounded, so a catalog of millions of URLs
/// never sits in memory and a slow disk or database holds the workers back instead of piling up results.
/// Resumable: an image already on disk is skipped (or revalidated); a cancelled run records what its workers finished
/// and loses only the images in flight.
/// </summary>
internal sealed class CardsDownloadService(TesseraDatabase database, ImageFiles files, CardsSettings settings, TimeProvider time, ILogger<CardsDownloadService> logger)
{
    private const int PageSize = 1000;
    private const int RecordBatch = 200;
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    public Task<DownloadReport> DownloadAsync(Principal owner, DownloadRequest request, Func<DownloadReport, Task>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        owner.Require(Permissions.RunsWrite);
        return DownloadAsync(owner.OrgId, request, progress, cancellationToken);
    }

    /// <summary>The run for an owner already checked (a job's).</summary>
    internal async Task<DownloadReport> DownloadAsync(Guid orgId, DownloadRequest request, Func<DownloadReport, Task>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        long total;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            total = await DownloadRows.CountUrlsAsync(c, orgId, request.Size, cancellationToken).ConfigureAwait(false);
        if (request.Limit is { } limit) total = Math.Min(total, limit);
        if (total == 0)
            throw new TesseraException(CardsErrorCodes.CatalogEmpty, 409,
                $"The catalog has no '{request.Size}' images to download: import a Scryfall bulk-data file first (tessera cards import FILE|URL).");

        using var http = CardsHttp.Create(settings, CardsHttp.ImageAccept, request.Workers);
        await using var limiter = new HostRateLimiter(request.RequestsPerSecond ?? settings.RequestsPerSecond);
        var delays = new RetryDelays(TimeSpan.FromMilliseconds(settings.BackoffBaseMs), TimeSpan.FromSeconds(settings.MaxBackoffSeconds), request.Seed ?? (int)time.GetTimestamp());
        var fetcher = new ImageFetcher(http, limiter, delays, files.Folder(orgId), settings, time);
        var work = Channel.CreateBounded<ImageWork>(new BoundedChannelOptions(request.Workers * 2) { SingleWriter = true });
        var outcomes = Channel.CreateBounded<ImageOutcome>(new BoundedChannelOptions(request.Workers * 4) { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        var recorder = RecordAsync(orgId, total, time.GetTimestamp(), outcomes.Reader, progress, stop);
        var tasks = new List<Task> { ProduceAsync(orgId, request.Size, total, work.Writer, stop) };
        for (var i = 0; i < request.Workers; i++) tasks.Add(WorkAsync(fetcher, request.Revalidate, work.Reader, outcomes.Writer, stop));
        // Errors are inspected below, after the recorder has stored what finished.
        await Task.WhenAll(tasks).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        outcomes.Writer.TryComplete();
        // Whatever happened, what the workers finished is recorded before the run ends.
        var report = await recorder.ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var failure = tasks.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions).FirstOrDefault(e => e is not OperationCanceledException);
        if (failure is not null) ExceptionDispatchInfo.Throw(failure);
        CardsLog.DownloadFinished(logger, report.Downloaded, report.Skipped, report.Failed, report.Total);
        return report;
    }

    private async Task ProduceAsync(Guid orgId, string size, long total, ChannelWriter<ImageWork> writer, CancellationTokenSource stop)
    {
        try
        {
            var after = "";
            for (long sent = 0; sent < total;)
            {
                IReadOnlyList<DownloadRows.UrlRow> page;
                await using (var c = await database.OpenConnectionAsync(stop.Token).ConfigureAwait(false))
                    page = await DownloadRows.PageAsync(c, orgId, size, after, (int)Math.Min(PageSize, total - sent), stop.Token).ConfigureAwait(false);
                if (page.Count == 0) break;
                foreach (var row in page)
                    await writer.WriteAsync(new ImageWork(row.Url, ImageFiles.NameOf(row.Url), row.ETag, row.LastModified), stop.Token).ConfigureAwait(false);
                sent += page.Count;
                after = page[^1].Url;
            }
            writer.Complete();
        }
        catch (Exception e)
        {
            writer.TryComplete(e);
            await stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task WorkAsync(ImageFetcher fetcher, bool revalidate, ChannelReader<ImageWork> reader, ChannelWriter<ImageOutcome> writer, CancellationTokenSource stop)
    {
        try
        {
            await foreach (var item in reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
                await writer.WriteAsync(await fetcher.FetchAsync(item, revalidate, stop.Token).ConfigureAwait(false), stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A disk or database error stops the whole run rather than failing image after image.
            await stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Stores results in batches (one transaction each) and reports progress. It runs to the end of the results
    /// without a cancellation token, so a cancelled run still records everything its workers finished.
    /// </summary>
    private async Task<DownloadReport> RecordAsync(
        Guid orgId, long total, long started, ChannelReader<ImageOutcome> reader, Func<DownloadReport, Task>? progress, CancellationTokenSource stop)
    {
        try
        {
            return await RecordAllAsync(orgId, total, started, reader, progress).ConfigureAwait(false);
        }
        catch
        {
            // Without a recorder the workers would block on a full channel: stop them.
            await stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<DownloadReport> RecordAllAsync(Guid orgId, long total, long started, ChannelReader<ImageOutcome> reader, Func<DownloadReport, Task>? progress)
    {
        var report = new DownloadReport { Total = total };
        var batch = new List<ImageOutcome>(RecordBatch);
        var lastReport = long.MinValue;
        while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            while (reader.TryRead(out var outcome))
            {
                report = report.Add(outcome, time.GetElapsedTime(started).TotalSeconds);
                if (outcome.Kind == ImageOutcomeKind.Failed) CardsLog.ImageFailed(logger, outcome.Work.Url, outcome.Attempts, outcome.Reason ?? "unknown");
                // A file found on disk needs no record: its presence is the record. A 304 confirms the record of its
                // download, whose bytes and hash a new one (the 304 carries neither) would blank.
                if (outcome.Kind is not (ImageOutcomeKind.Present or ImageOutcomeKind.Unchanged)) batch.Add(outcome);
                if (batch.Count >= RecordBatch) await FlushAsync(orgId, batch).ConfigureAwait(false);
            }
            await FlushAsync(orgId, batch).ConfigureAwait(false);
            if (progress is not null && (lastReport == long.MinValue || time.GetElapsedTime(lastReport) >= ProgressInterval))
            {
                lastReport = time.GetTimestamp();
                await progress(report).ConfigureAwait(false);
            }
        }
        report = report with { ElapsedSeconds = time.GetElapsedTime(started).TotalSeconds };
        if (progress is not null) await progress(report).ConfigureAwait(false);
        return report;
    }

    private async Task FlushAsync(Guid orgId, List<ImageOutcome> batch)
    {
        if (batch.Count == 0) return;
        var now = time.GetUtcNow();
        await database.InTransactionAsync((c, t) => DownloadRows.RecordAsync(c, t, orgId, batch, now, CancellationToken.None), CancellationToken.None).ConfigureAwait(false);
        batch.Clear();
    }
}
