using System.Globalization;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;
using Tessera.Platform.Collections;
using Tessera.Traces.Ingest;
using Tessera.Traces.Storage;
using Tessera.Vectors.Collections;

namespace Tessera.Traces.Records;

/// <summary>
/// The organization's records: paged in storage order, one by id, and searched by text. A search embeds the query
/// with the model the organization's records were embedded with (its newest) and searches that partition of the
/// traces vector collection, admitting only the organization's sources inside the index search.
/// </summary>
internal sealed class TracesRecordService(TesseraDatabase database, VectorCollections collections, TracesEmbedderChoice embedders)
{
    public const string CollectionName = "traces";
    public const int MaxLimit = 1000;
    public const int MaxK = 100;
    public const int MaxQueryLength = 10_000;

    public sealed record Page(IReadOnlyList<TraceRecordRow> Items, string? Next);

    public sealed record Hit(TraceRecordRow Record, float Distance);

    public sealed record SearchResult(string Embedder, IReadOnlyList<Hit> Results);

    public async Task<Page> ListAsync(Principal owner, Guid? sourceId, string? filePath, string? after, int? limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        owner.Require(Permissions.RunsRead);
        var size = limit ?? 100;
        if (size is < 1 or > MaxLimit) throw TesseraException.Validation($"limit must be from 1 to {MaxLimit}.");
        long cursor = 0;
        if (!string.IsNullOrEmpty(after) && (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out cursor) || cursor < 0))
            throw TesseraException.Validation("after must be the 'next' value of a previous page.");
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var items = await RecordRows.PageAsync(c, owner.OrgId, sourceId, filePath, cursor, size, cancellationToken).ConfigureAwait(false);
        return new Page(items, items.Count == size ? items[^1].Seq.ToString(CultureInfo.InvariantCulture) : null);
    }

    public async Task<TraceRecordRow> GetAsync(Principal owner, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        owner.Require(Permissions.RunsRead);
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await RecordRows.FindAsync(c, owner.OrgId, id, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound("record");
    }

    /// <summary>The records nearest to <paramref name="query"/>, among <paramref name="withinSources"/> when given (else every source of the organization).</summary>
    public async Task<SearchResult> SearchAsync(Principal owner, string? query, int? k, IReadOnlyCollection<Guid>? withinSources, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        owner.Require(Permissions.RunsRead);
        if (string.IsNullOrWhiteSpace(query)) throw TesseraException.Validation("query is required.");
        if (query.Length > MaxQueryLength) throw TesseraException.Validation($"query must be at most {MaxQueryLength} characters.");
        var count = k ?? 10;
        if (count is < 1 or > MaxK) throw TesseraException.Validation($"k must be from 1 to {MaxK}.");

        TracesEmbedderIdentity? model;
        IReadOnlyList<Guid> groups;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            model = await RecordRows.NewestEmbedderAsync(c, owner.OrgId, cancellationToken).ConfigureAwait(false);
            if (model is null) throw TesseraException.Conflict(TracesErrorCodes.NoEmbeddings, "No records are embedded in this organization yet.");
            groups = await RecordRows.SearchableSourcesAsync(c, owner.OrgId, model, cancellationToken).ConfigureAwait(false);
        }
        var embedder = await embedders.GetAsync(model.Name, cancellationToken).ConfigureAwait(false);
        if (embedder.Descriptor.ModelHash != model.ModelHash)
            throw TesseraException.Conflict(TracesErrorCodes.NoEmbeddings, $"The records were embedded with another version of '{model.Name}' than this server loads.");
        var vectors = await embedder.GenerateAsync([query], cancellationToken: cancellationToken).ConfigureAwait(false);
        var searched = withinSources is { Count: > 0 } ? groups.Intersect(withinSources).ToHashSet() : groups.ToHashSet();
        var found = await collections.Get(CollectionName).SearchAsync(
            new VectorPartition(model.Name, model.ModelHash, model.Dimension), vectors[0].Vector, count, searched, cancellationToken).ConfigureAwait(false);
        Dictionary<long, TraceRecordRow> records;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            records = await RecordRows.ByLabelsAsync(c, database.Dialect, owner.OrgId, found.Hits.Select(h => h.Label).ToList(), cancellationToken).ConfigureAwait(false);
        }
        return new SearchResult(model.Name, [.. found.Hits.Where(h => records.ContainsKey(h.Label)).Select(h => new Hit(records[h.Label], h.Distance))]);
    }
}
