namespace Tessera.Vectors.Collections;

/// <summary>
/// Where a collection's vectors are stored (the database: the source of truth). Labels are positive, unique within a
/// partition and only grow, so "everything above label L" is what an index built through L lacks. A deleted label is
/// never used again.
/// </summary>
public interface IVectorSource
{
    /// <summary>The partitions that hold vectors.</summary>
    Task<IReadOnlyList<VectorPartition>> PartitionsAsync(CancellationToken cancellationToken);

    /// <summary>The partition's vectors with a label above <paramref name="after"/>, in ascending label order.</summary>
    Task<SourceRows> ReadAfterAsync(VectorPartition partition, long after, CancellationToken cancellationToken);

    /// <summary>How many vectors the partition stores with a label up to <paramref name="through"/>.</summary>
    Task<long> CountThroughAsync(VectorPartition partition, long through, CancellationToken cancellationToken);

    /// <summary>The partition's highest stored label, 0 when it has none.</summary>
    Task<long> HighestLabelAsync(VectorPartition partition, CancellationToken cancellationToken);

    /// <summary>Every label of the partition with its group, for the owner filter of an index loaded from a snapshot.</summary>
    Task<IReadOnlyList<(long Label, Guid Group)>> GroupsAsync(VectorPartition partition, CancellationToken cancellationToken);

    /// <summary>
    /// The partition's labels deleted with a deletion sequence number above <paramref name="after"/>. The source
    /// records each deletion in the transaction that deletes the rows, under a sequence number that only grows and
    /// becomes visible in order (deletions are serialized), so a reader that has seen number N has seen every
    /// deletion up to N.
    /// </summary>
    Task<DeletedLabels> DeletedAfterAsync(VectorPartition partition, long after, CancellationToken cancellationToken);
}
