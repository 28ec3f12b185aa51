using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Platform.Collections;
using Tessera.Traces.Api;

namespace Tessera.Traces.Records;

/// <summary><c>tessera index query --collection traces</c>: text is embedded with the records' model; groups are sources.</summary>
internal sealed class TracesCollectionSearch(TracesRecordService records) : ICollectionSearch
{
    public string Collection => TracesRecordService.CollectionName;

    public async Task<CollectionSearchReport> SearchAsync(Principal caller, CollectionQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        // Record ids are content hashes, not GUIDs: searching from a stored record goes through its text.
        if (query.Id is not null) throw TesseraException.Validation("The traces collection is searched by text (--text); record ids are not GUIDs.");
        var found = await records.SearchAsync(caller, query.Text, query.K, query.Within, cancellationToken).ConfigureAwait(false);
        return new CollectionSearchReport($"{found.Results.Count} hit(s) ({found.Embedder}).",
            [.. found.Results.Select(h => new TracesSearchHit(TracesRecord.From(h.Record), h.Distance))]);
    }
}
