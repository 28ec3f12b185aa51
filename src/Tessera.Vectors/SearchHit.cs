namespace Tessera.Vectors;

/// <summary>One search result: the caller's id for the vector and its distance to the query (smaller is closer).</summary>
public readonly record struct SearchHit(long Id, float Distance);
