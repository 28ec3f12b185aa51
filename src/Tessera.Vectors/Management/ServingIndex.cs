using Tessera.Vectors.Hnsw;

namespace Tessera.Vectors.Management;

/// <summary>
/// A serving index and the highest source label it covers: every stored vector at or below <see cref="Through"/>
/// is in <see cref="Index"/> (labels only grow), so a search that also scans the vectors above it misses nothing.
/// </summary>
public sealed record ServingIndex(HnswIndex Index, long Through);
