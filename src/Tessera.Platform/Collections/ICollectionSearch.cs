using Tessera.Core.Identity;

namespace Tessera.Platform.Collections;

/// <summary>
/// A search of one collection as a member would make it over HTTP (the module's own query rules and owner filter),
/// for <c>tessera index query --collection</c>: <see cref="CollectionQuery.Text"/> is embedded with the
/// collection's embedder, or <see cref="CollectionQuery.Id"/> names a stored item to search from.
/// </summary>
public interface ICollectionSearch
{
    string Collection { get; }

    Task<CollectionSearchReport> SearchAsync(Principal caller, CollectionQuery query, CancellationToken cancellationToken);
}

/// <param name="Text">What to embed and search for.</param>
/// <param name="Id">A stored item to search from, instead of text.</param>
/// <param name="K">How many hits.</param>
/// <param name="Within">Only these groups (e.g. runs); null or empty: all the caller may see.</param>
public sealed record CollectionQuery(string? Text, Guid? Id, int K, IReadOnlyList<Guid>? Within);

/// <summary>A line for people, and the hits as the API returns them (printed one JSON object a line).</summary>
public sealed record CollectionSearchReport(string Summary, IReadOnlyList<object> Hits);
