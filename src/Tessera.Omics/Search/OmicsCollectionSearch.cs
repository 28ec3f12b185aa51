using Tessera.Core.Identity;
using Tessera.Platform.Collections;

namespace Tessera.Omics.Search;

/// <summary><c>tessera index query --collection omics</c>: text is a peptide sequence, an id a stored peptide, groups are runs.</summary>
internal sealed class OmicsCollectionSearch(OmicsSearchService search) : ICollectionSearch
{
    public string Collection => OmicsSearchService.CollectionName;

    public async Task<CollectionSearchReport> SearchAsync(Principal caller, CollectionQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var found = await search.SearchAsync(caller, new OmicsSearchService.Request(query.Text, query.Id, query.K, query.Within), cancellationToken).ConfigureAwait(false);
        return new CollectionSearchReport($"{found.Hits.Count} hit(s) among {found.Searched:N0} peptides ({found.Embedder}).", [.. found.Hits]);
    }
}
