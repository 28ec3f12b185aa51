namespace Tessera.Vectors.Collections;

/// <summary>
/// Labels a source deleted after a deletion sequence number, and the highest sequence number read (the next read
/// starts after it; the given one when nothing was deleted since).
/// </summary>
public sealed record DeletedLabels(IReadOnlyList<long> Labels, long Through);
