using Dapper;
using Tessera.Data;
using Tessera.Vectors.Collections;

namespace Tessera.Platform.Collections;

/// <summary>The newest published snapshot of a collection partition: where its file is and how much it covers.</summary>
internal sealed record PublishedSnapshot
{
    public string Collection { get; init; } = "";
    public string Embedder { get; init; } = "";
    public string ModelHash { get; init; } = "";
    public int Dimension { get; init; }
    public long ThroughLabel { get; init; }
    public int VectorCount { get; init; }
    public string BlobSha256 { get; init; } = "";
    public Guid PublishedBy { get; init; }

    public VectorPartition Partition => new(Embedder, ModelHash, Dimension);
}

/// <summary>The <c>vector_snapshots</c> table: one row per partition, replaced only by a snapshot that covers more.</summary>
internal static class SnapshotRecords
{
    /// <summary>The PostgreSQL channel a publication is announced on; the payload is "collection|partition key".</summary>
    public const string Channel = "tessera_vector_snapshots";

    public static Task PublishAsync(TesseraDatabase database, PublishedSnapshot snapshot, string partitionKey, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.InTransactionAsync(async (c, t) =>
        {
            await c.ExecuteAsync(new CommandDefinition(
                "INSERT INTO vector_snapshots (collection, partition_key, embedder, model_hash, dimension, through_label, vector_count, blob_sha256, published_by, published_at) " +
                "VALUES (@Collection, @partitionKey, @Embedder, @ModelHash, @Dimension, @ThroughLabel, @VectorCount, @BlobSha256, @PublishedBy, @now) " +
                "ON CONFLICT (collection, partition_key) DO UPDATE SET through_label = excluded.through_label, vector_count = excluded.vector_count, " +
                "blob_sha256 = excluded.blob_sha256, published_by = excluded.published_by, published_at = excluded.published_at " +
                "WHERE excluded.through_label >= vector_snapshots.through_label",
                new { snapshot.Collection, partitionKey, snapshot.Embedder, snapshot.ModelHash, snapshot.Dimension, snapshot.ThroughLabel, snapshot.VectorCount, snapshot.BlobSha256, snapshot.PublishedBy, now },
                t, cancellationToken: cancellationToken)).ConfigureAwait(false);
            // Delivered when the transaction commits, so a listener always finds the row it is told about.
            if (database.Dialect == SqlDialect.Postgres)
            {
                await c.ExecuteAsync(new CommandDefinition(
                    "SELECT pg_notify(@channel, @payload)", new { channel = Channel, payload = $"{snapshot.Collection}|{partitionKey}" }, t,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
            }
        }, cancellationToken);

    public static async Task<PublishedSnapshot?> GetAsync(TesseraDatabase database, string collection, string partitionKey, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await c.QuerySingleOrDefaultAsync<PublishedSnapshot>(new CommandDefinition(
            "SELECT collection AS Collection, embedder AS Embedder, model_hash AS ModelHash, dimension AS Dimension, through_label AS ThroughLabel, " +
            "vector_count AS VectorCount, blob_sha256 AS BlobSha256, published_by AS PublishedBy FROM vector_snapshots " +
            "WHERE collection = @collection AND partition_key = @partitionKey",
            new { collection, partitionKey }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public static async Task<IReadOnlyList<(string Collection, string PartitionKey)>> ListAsync(TesseraDatabase database, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return (await c.QueryAsync<(string, string)>(new CommandDefinition(
            "SELECT collection, partition_key FROM vector_snapshots ORDER BY collection, partition_key", cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
    }
}
