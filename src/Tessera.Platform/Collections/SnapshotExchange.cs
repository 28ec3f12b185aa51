using Microsoft.Extensions.Logging;
using Tessera.Core.Blobs;
using Tessera.Core;
using Tessera.Data;
using Tessera.Vectors.Collections;
using Tessera.Vectors.Management;

namespace Tessera.Platform.Collections;

/// <summary>
/// Shares index snapshots between the API nodes of a PostgreSQL deployment: the node that builds or updates a
/// partition's index puts the snapshot in the blob store, records it and NOTIFYs; the others (see
/// <see cref="SnapshotListener"/>) load it instead of rebuilding from the database. A single-node SQLite deployment
/// publishes nothing.
/// </summary>
public sealed partial class SnapshotExchange(TesseraDatabase database, IBlobStore blobs, TimeProvider time, ILogger<SnapshotExchange> logger)
{
    /// <summary>This process, as the publisher of its snapshots (a node skips its own announcements).</summary>
    public Guid NodeId { get; } = Guid.NewGuid();

    internal void Attach(VectorCollection collection)
    {
        if (database.Dialect != SqlDialect.Postgres) return;
        collection.SnapshotSaved = (partition, serving, path, ct) => PublishAsync(collection.Name, partition, serving, path, ct);
    }

    private async Task PublishAsync(string collection, VectorPartition partition, ServingIndex serving, string path, CancellationToken cancellationToken)
    {
        BlobRef blob;
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
            blob = await blobs.PutAsync(file, cancellationToken).ConfigureAwait(false);
        var previous = await SnapshotRecords.GetAsync(database, collection, partition.Key, cancellationToken).ConfigureAwait(false);
        await SnapshotRecords.PublishAsync(database, new PublishedSnapshot
        {
            Collection = collection,
            Embedder = partition.Embedder,
            ModelHash = partition.ModelHash,
            Dimension = partition.Dimension,
            ThroughLabel = serving.Through,
            VectorCount = serving.Index.Count,
            BlobSha256 = blob.Sha256,
            PublishedBy = NodeId,
        }, partition.Key, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        // The replaced snapshot's file goes; a node still downloading it fails that once and takes the next one.
        if (previous is not null && previous.BlobSha256 != blob.Sha256) await blobs.DeleteAsync(previous.BlobSha256, cancellationToken).ConfigureAwait(false);
        Published(logger, collection, partition.Key, serving.Index.Count, serving.Through);
    }

    /// <summary>Loads the published snapshot of a partition unless it is this node's own or covers no more than what serves here.</summary>
    internal async Task<IndexStatus?> AdoptAsync(VectorCollections collections, string collection, string partitionKey, CancellationToken cancellationToken)
    {
        var snapshot = await SnapshotRecords.GetAsync(database, collection, partitionKey, cancellationToken).ConfigureAwait(false);
        if (snapshot is null || snapshot.PublishedBy == NodeId || !collections.TryGet(collection, out var target)) return null;
        var status = await target.AdoptAsync(snapshot.Partition, snapshot.ThroughLabel, async (path, ct) =>
        {
            await using var source = await blobs.OpenReadAsync(snapshot.BlobSha256, ct).ConfigureAwait(false);
            await using var file = new FileStream(path, PrivateFiles.CreateNew(1 << 16, FileOptions.Asynchronous));
            await source.CopyToAsync(file, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        Adopted(logger, collection, partitionKey, status.Count, snapshot.ThroughLabel);
        return status;
    }

    /// <summary>Every published snapshot's partition, for a node that starts after they were announced.</summary>
    internal Task<IReadOnlyList<(string Collection, string PartitionKey)>> PublishedAsync(CancellationToken cancellationToken) =>
        SnapshotRecords.ListAsync(database, cancellationToken);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Index {Collection}/{Partition}: published a snapshot of {Count} vectors (through label {Through}).")]
    private static partial void Published(ILogger logger, string collection, string partition, int count, long through);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Index {Collection}/{Partition}: serving a snapshot another node published ({Count} vectors, through label {Through}).")]
    private static partial void Adopted(ILogger logger, string collection, string partition, int count, long through);
}
