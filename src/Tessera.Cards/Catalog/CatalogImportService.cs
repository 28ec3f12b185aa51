using Microsoft.Extensions.Logging;
using Tessera.Cards.Download;
using Tessera.Cards.Storage;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;

namespace Tessera.Cards.Catalog;

/// <summary>
/// Imports a Scryfall bulk-data file (a path, or an http(s) URL to one) into an organization's catalog, streamed:
/// cards are read one at a time and stored in batches, each batch one transaction. Every import is recorded with
/// what it added, changed and removed against the catalog before it. Cards the file no longer lists are removed
/// only once the whole file was read, so a file cut short never empties the catalog.
/// </summary>
internal sealed class CatalogImportService(TesseraDatabase database, CardsSettings settings, TimeProvider time, ILogger<CatalogImportService> logger)
{
    public Task<ImportReport> ImportAsync(Principal owner, string source, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        owner.Require(Permissions.RunsWrite);
        return ImportAsync(owner.OrgId, owner.UserId, source, progress, cancellationToken);
    }

    /// <summary>The import for an owner already checked (a job's).</summary>
    internal async Task<ImportReport> ImportAsync(Guid orgId, Guid userId, string source, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(source)) throw TesseraException.Validation("Name a catalog file or an http(s) URL to one.");
        var report = new ImportReport { Id = Guid.CreateVersion7(time.GetUtcNow()), Source = source, StartedAt = time.GetUtcNow() };
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            await ImportRows.StartAsync(c, report.Id, orgId, userId, source, report.StartedAt, cancellationToken).ConfigureAwait(false);
        try
        {
            using var http = CardsHttp.IsUrl(source, out _) ? CardsHttp.Create(settings, CardsHttp.JsonAccept, 1) : null;
            await using var stream = await OpenAsync(http, source, cancellationToken).ConfigureAwait(false);
            report = await StoreAsync(orgId, report, CatalogReader.ReadAsync(stream, cancellationToken), progress, cancellationToken).ConfigureAwait(false);
            CardsLog.Imported(logger, report.Id, source, report.Cards, report.Added, report.Changed, report.Removed, report.Invalid);
            return report;
        }
        catch (Exception e)
        {
            // The import stays on record as failed, with why; the cards it stored before the failure stay too.
            CardsLog.ImportFailed(logger, report.Id, source, e.Message);
            var failed = report with { State = ImportReport.Failed, Error = e is OperationCanceledException ? "cancelled" : e.Message, FinishedAt = time.GetUtcNow() };
            await using var c = await database.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
            await ImportRows.FinishAsync(c, null, orgId, failed, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private async Task<ImportReport> StoreAsync(
        Guid orgId, ImportReport report, IAsyncEnumerable<CatalogCard?> cards, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        // Later duplicates of an id replace earlier ones within a batch, as they would across batches.
        var batch = new Dictionary<string, CatalogCard>(StringComparer.Ordinal);
        await foreach (var card in cards.ConfigureAwait(false))
        {
            if (card is null)
            {
                report = report with { Invalid = report.Invalid + 1 };
                continue;
            }
            batch[card.Id] = card;
            if (batch.Count < settings.ImportBatch) continue;
            report = await StoreBatchAsync(orgId, report, batch.Values.ToList(), cancellationToken).ConfigureAwait(false);
            batch.Clear();
            progress?.Report(report.Cards);
        }
        if (batch.Count > 0) report = await StoreBatchAsync(orgId, report, batch.Values.ToList(), cancellationToken).ConfigureAwait(false);
        if (report.Cards == 0)
            throw new TesseraException(CardsErrorCodes.CatalogEmpty, 400, $"The catalog holds no cards ({report.Invalid} entries without an id or a name); the stored catalog is left as it was.");
        return await database.InTransactionAsync(async (c, t) =>
        {
            await EmbeddingRows.LockDeletionsAsync(c, t, database.Dialect, cancellationToken).ConfigureAwait(false);
            await EmbeddingRows.RecordRemovedCardsAsync(c, t, orgId, report.Id, cancellationToken).ConfigureAwait(false);
            var removed = await CardRows.RemoveUnseenAsync(c, t, orgId, report.Id, cancellationToken).ConfigureAwait(false);
            var done = report with { State = ImportReport.Completed, Removed = removed, FinishedAt = time.GetUtcNow() };
            await ImportRows.FinishAsync(c, t, orgId, done, cancellationToken).ConfigureAwait(false);
            return done;
        }, cancellationToken).ConfigureAwait(false);
    }

    private Task<ImportReport> StoreBatchAsync(Guid orgId, ImportReport report, List<CatalogCard> batch, CancellationToken cancellationToken) =>
        database.InTransactionAsync(async (c, t) =>
        {
            var stored = await CardRows.HashesAsync(c, t, database.Dialect, orgId, batch.Select(b => b.Id), cancellationToken).ConfigureAwait(false);
            var hashed = batch.Select(card => (Card: card, Hash: card.ContentHash())).ToList();
            var writes = hashed.Where(h => !stored.TryGetValue(h.Card.Id, out var old) || old != h.Hash).ToList();
            var unchanged = hashed.Count - writes.Count;
            var added = writes.Count(w => !stored.ContainsKey(w.Card.Id));
            var now = time.GetUtcNow();
            if (writes.Count > 0)
            {
                await CardRows.UpsertAsync(c, t, orgId, report.Id, writes, now, cancellationToken).ConfigureAwait(false);
                await CardRows.ReplaceImagesAsync(c, t, database.Dialect, orgId, [.. writes.Select(w => w.Card)], cancellationToken).ConfigureAwait(false);
            }
            if (unchanged > 0)
            {
                var seen = hashed.Where(h => stored.TryGetValue(h.Card.Id, out var old) && old == h.Hash).Select(h => h.Card.Id);
                await CardRows.MarkSeenAsync(c, t, database.Dialect, orgId, report.Id, seen, cancellationToken).ConfigureAwait(false);
            }
            return report with
            {
                Cards = report.Cards + batch.Count,
                Added = report.Added + added,
                Changed = report.Changed + writes.Count - added,
                Unchanged = report.Unchanged + unchanged,
            };
        }, cancellationToken);

    private async Task<Stream> OpenAsync(HttpClient? http, string source, CancellationToken cancellationToken)
    {
        if (http is null)
        {
            if (!File.Exists(source)) throw new TesseraException(CardsErrorCodes.SourceUnreadable, 400, $"{source} is not a file (name a Scryfall bulk-data JSON file or an http(s) URL to one).");
            return new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        }
        HttpResponseMessage? response = null;
        try
        {
            response = await http.GetAsync(new Uri(source), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw new TesseraException(CardsErrorCodes.SourceUnreadable, 400, $"{source} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new ReadTimeoutStream(body, TimeSpan.FromSeconds(settings.ReadTimeoutSeconds), response);
        }
        catch (HttpRequestException e)
        {
            response?.Dispose();
            throw new TesseraException(CardsErrorCodes.SourceUnreadable, 400, $"Cannot fetch {source}: {e.Message}", e);
        }
        catch
        {
            response?.Dispose();
            throw;
        }
    }
}
