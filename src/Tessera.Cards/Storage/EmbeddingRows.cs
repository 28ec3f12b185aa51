using System.Data.Common;
using System.Runtime.InteropServices;
using Dapper;
using Tessera.Data;

namespace Tessera.Cards.Storage;

/// <summary>
/// The SQL of card embeddings: what a run still has to embed, the vectors it stores, and the labels of vectors that
/// left (replaced by a newer image's, or removed with their card) for the vector collection.
/// </summary>
internal static class EmbeddingRows
{
    private static readonly string[] Columns = ["org_id", "card_id", "face", "url", "embedder", "model_hash", "dimension", "vector", "created_at"];

    /// <summary>
    /// The organization's catalog images of <paramref name="size"/> that were downloaded, in a stable order (card, face),
    /// each with whether an embedding of that very URL by the model is already stored.
    /// </summary>
    public static async Task<IReadOnlyList<ImageToEmbed>> ImagesAsync(DbConnection c, Guid orgId, string size, string embedder, string modelHash, CancellationToken ct) =>
        (await c.QueryAsync<ImageToEmbed>(new CommandDefinition(
            "SELECT i.card_id AS CardId, i.face AS Face, i.url AS Url, d.file_name AS FileName, " +
            "CASE WHEN e.url = i.url THEN 1 ELSE 0 END AS Embedded " +
            "FROM cards_images i JOIN cards_downloads d ON d.org_id = i.org_id AND d.url = i.url AND d.state = 'done' " +
            "LEFT JOIN cards_embeddings e ON e.org_id = i.org_id AND e.card_id = i.card_id AND e.face = i.face AND e.embedder = @embedder AND e.model_hash = @modelHash " +
            "WHERE i.org_id = @orgId AND i.size = @size ORDER BY i.card_id, i.face",
            new { orgId, size, embedder, modelHash }, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    /// <summary>
    /// Stores one batch of vectors, replacing the model's earlier vector of the same card face (its label recorded as
    /// deleted). Call <see cref="LockDeletionsAsync"/> first in the same transaction.
    /// </summary>
    public static async Task StoreAsync(
        DbConnection c, DbTransaction t, Guid orgId, string embedder, string modelHash, IReadOnlyList<EmbeddedImage> images, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var image in images)
        {
            var old = await c.ExecuteScalarAsync<long?>(new CommandDefinition(
                "SELECT label FROM cards_embeddings WHERE org_id = @orgId AND card_id = @CardId AND face = @Face AND embedder = @embedder AND model_hash = @modelHash",
                new { orgId, image.CardId, image.Face, embedder, modelHash }, t, cancellationToken: ct)).ConfigureAwait(false);
            if (old is not { } label) continue;
            await c.ExecuteAsync(new CommandDefinition(
                "INSERT INTO cards_deleted_labels (embedder, model_hash, label) VALUES (@embedder, @modelHash, @label)", new { embedder, modelHash, label }, t, cancellationToken: ct))
                .ConfigureAwait(false);
            await c.ExecuteAsync(new CommandDefinition("DELETE FROM cards_embeddings WHERE label = @label", new { label }, t, cancellationToken: ct)).ConfigureAwait(false);
        }
        await BulkInsert.ExecuteAsync(c, t, "cards_embeddings", Columns, images,
            i => [orgId, i.CardId, i.Face, i.Url, embedder, modelHash, i.Vector.Length, MemoryMarshal.AsBytes(i.Vector.AsSpan()).ToArray(), now], cancellationToken: ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Records the labels of the organization's cards that <paramref name="importId"/> did not see, before they are
    /// removed with their cards. Call <see cref="LockDeletionsAsync"/> first in the same transaction.
    /// </summary>
    public static Task<int> RecordRemovedCardsAsync(DbConnection c, DbTransaction t, Guid orgId, Guid importId, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO cards_deleted_labels (embedder, model_hash, label) SELECT e.embedder, e.model_hash, e.label FROM cards_embeddings e " +
            "JOIN cards_cards k ON k.org_id = e.org_id AND k.id = e.card_id WHERE e.org_id = @orgId AND k.import_id <> @importId ORDER BY e.label",
            new { orgId, importId }, t, cancellationToken: ct));

    /// <summary>
    /// Makes this transaction the only one recording deleted labels until it ends: PostgreSQL numbers them before
    /// commit, and the collection reads them by number, so they must commit in number order. SQLite has one writer.
    /// </summary>
    public static async Task LockDeletionsAsync(DbConnection c, DbTransaction t, SqlDialect dialect, CancellationToken ct)
    {
        if (dialect == SqlDialect.Postgres)
            await c.ExecuteAsync(new CommandDefinition("LOCK TABLE cards_deleted_labels IN SHARE ROW EXCLUSIVE MODE", transaction: t, cancellationToken: ct)).ConfigureAwait(false);
    }

    /// <summary>The organization's stored embeddings per model, the most recently stored model first.</summary>
    public static async Task<IReadOnlyList<ModelVectors>> ModelsAsync(DbConnection c, Guid orgId, CancellationToken ct) =>
        (await c.QueryAsync<ModelVectors>(new CommandDefinition(
            "SELECT embedder AS Embedder, model_hash AS ModelHash, MAX(dimension) AS Dimension, COUNT(*) AS Vectors, MAX(label) AS Newest FROM cards_embeddings " +
            "WHERE org_id = @orgId GROUP BY embedder, model_hash ORDER BY MAX(label) DESC",
            new { orgId }, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    /// <summary>The organization's (label, card, face) rows of one model up to <paramref name="through"/>, in label order: what an index build covered.</summary>
    public static async Task<IReadOnlyList<(long Label, string CardId, int Face)>> LabelsAsync(
        DbConnection c, Guid orgId, string embedder, string modelHash, long through, CancellationToken ct) =>
        (await c.QueryAsync<(long, string, int)>(new CommandDefinition(
            "SELECT label, card_id, face FROM cards_embeddings WHERE org_id = @orgId AND embedder = @embedder AND model_hash = @modelHash AND label <= @through ORDER BY label",
            new { orgId, embedder, modelHash, through }, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    /// <summary>The catalog rows behind the organization's <paramref name="labels"/> (another organization's labels are not found).</summary>
    public static async Task<IReadOnlyList<LabelledCard>> CardsAsync(DbConnection c, SqlDialect dialect, Guid orgId, IEnumerable<long> labels, CancellationToken ct) =>
        (await c.QueryAsync<LabelledCard>(new CommandDefinition(
            "SELECT e.label AS Label, e.card_id AS CardId, e.face AS Face, e.url AS Url, k.name AS Name, k.set_code AS SetCode, k.collector_number AS CollectorNumber, " +
            "k.lang AS Lang, d.file_name AS FileName FROM cards_embeddings e JOIN cards_cards k ON k.org_id = e.org_id AND k.id = e.card_id " +
            "LEFT JOIN cards_downloads d ON d.org_id = e.org_id AND d.url = e.url AND d.state = 'done' " +
            $"WHERE e.org_id = @orgId AND {dialect.InList("e.label", "labels")}",
            new { orgId, labels = dialect.ListValue(labels) }, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    /// <summary>The organization's vectors of one model by label, for checks and tests.</summary>
    public static async Task<IReadOnlyList<(string CardId, int Face, float[] Vector)>> VectorsAsync(DbConnection c, Guid orgId, string embedder, string modelHash, CancellationToken ct) =>
        (await c.QueryAsync<(string CardId, int Face, byte[] Vector)>(new CommandDefinition(
            "SELECT card_id, face, vector FROM cards_embeddings WHERE org_id = @orgId AND embedder = @embedder AND model_hash = @modelHash ORDER BY card_id, face",
            new { orgId, embedder, modelHash }, cancellationToken: ct)).ConfigureAwait(false))
        .Select(r => (r.CardId, r.Face, MemoryMarshal.Cast<byte, float>(r.Vector).ToArray())).ToList();

    internal sealed record ImageToEmbed
    {
        public string CardId { get; init; } = "";
        public int Face { get; init; }
        public string Url { get; init; } = "";
        public string FileName { get; init; } = "";
        public bool Embedded { get; init; }
    }

    internal sealed record ModelVectors
    {
        public string Embedder { get; init; } = "";
        public string ModelHash { get; init; } = "";
        public int Dimension { get; init; }
        public long Vectors { get; init; }
        public long Newest { get; init; }
    }

    internal sealed record LabelledCard
    {
        public long Label { get; init; }
        public string CardId { get; init; } = "";
        public int Face { get; init; }
        public string Url { get; init; } = "";
        public string Name { get; init; } = "";
        public string SetCode { get; init; } = "";
        public string CollectorNumber { get; init; } = "";
        public string Lang { get; init; } = "";
        public string? FileName { get; init; }
    }

    internal sealed record EmbeddedImage(string CardId, int Face, string Url, float[] Vector);
}
