using System.Collections.Concurrent;
using Tessera.Cards.Download;
using Tessera.Cards.Storage;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;

namespace Tessera.Cards.Validation;

/// <summary>
/// Checks every image in an organization's cache by decoding it completely (<see cref="ImageCheck"/>), in parallel
/// on every core. With <c>fix</c>, the excluded files are deleted and their downloads recorded as failed with the
/// reason (<c>invalid_truncated</c>…), so the next download fetches them again and later stages never read them.
/// </summary>
internal sealed class CardsValidationService(TesseraDatabase database, ImageFiles files, CardsSettings settings, TimeProvider time)
{
    public async Task<ValidationReport> ValidateAsync(Principal owner, bool fix, Func<long, long, Task>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        owner.Require(fix ? Permissions.RunsWrite : Permissions.RunsRead);
        var folder = files.Folder(owner.OrgId);
        // Files under their final names only: a .part is a download in flight or abandoned, never a cached image.
        var cached = Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".part", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList()
            : [];
        if (cached.Count == 0)
            throw new TesseraException(CardsErrorCodes.CacheEmpty, 409, "No images are cached yet: run 'tessera cards download' first.");

        var problems = new ConcurrentBag<(string File, string Reason)>();
        long done = 0;
        await Parallel.ForEachAsync(cached, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount }, async (path, ct) =>
        {
            if (ImageCheck.Problem(path, settings.MinImageSide) is { } reason) problems.Add((Path.GetRelativePath(folder, path), reason));
            var count = Interlocked.Increment(ref done);
            if (progress is not null) await progress(count, cached.Count).ConfigureAwait(false);
        }).ConfigureAwait(false);

        Dictionary<string, string> urls;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            urls = await DownloadRows.UrlsByFileAsync(c, owner.OrgId, cancellationToken).ConfigureAwait(false);
        var invalid = problems.OrderBy(p => p.File, StringComparer.Ordinal).Select(p => new InvalidImage(p.File, urls.GetValueOrDefault(p.File), p.Reason)).ToList();
        if (fix && invalid.Count > 0)
        {
            await database.InTransactionAsync(
                (c, t) => DownloadRows.MarkInvalidAsync(c, t, database.Dialect, owner.OrgId, invalid.Select(i => (i.File, i.Reason)), time.GetUtcNow(), cancellationToken),
                cancellationToken).ConfigureAwait(false);
            foreach (var image in invalid) File.Delete(Path.Combine(folder, image.File));
        }
        return new ValidationReport(cached.Count, cached.Count - invalid.Count, invalid, fix);
    }
}
