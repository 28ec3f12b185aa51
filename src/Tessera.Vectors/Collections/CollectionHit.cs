namespace Tessera.Vectors.Collections;

/// <summary>A collection search result: the stored vector's label and its distance to the query (smaller is closer).</summary>
public readonly record struct CollectionHit(long Label, float Distance);

/// <summary>
/// A search's hits, with how it was answered: <see cref="Indexed"/> vectors came from the index and
/// <see cref="Scanned"/> newer ones (not yet in the index) were compared exactly.
/// </summary>
public sealed record CollectionSearchResult(IReadOnlyList<CollectionHit> Hits, int Indexed, int Scanned);
