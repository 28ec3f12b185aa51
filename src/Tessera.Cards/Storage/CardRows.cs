using System.Data.Common;
using Dapper;
using Tessera.Cards.Catalog;
using Tessera.Data;

namespace Tessera.Cards.Storage;

/// <summary>The SQL of an organization's catalog: cards and their image URLs. Every statement names the organization.</summary>
internal static class CardRows
{
    private static readonly string[] CardColumns =
        ["org_id", "id", "oracle_id", "name", "set_code", "collector_number", "lang", "layout", "content_hash", "import_id", "created_at", "updated_at"];

    private static readonly string[] ImageColumns = ["org_id", "card_id", "face", "size", "url"];

    /// <summary>The stored content hash of each of <paramref name="ids"/> that the organization has.</summary>
    public static async Task<Dictionary<string, string>> HashesAsync(DbConnection c, DbTransaction t, SqlDialect dialect, Guid orgId, IEnumerable<string> ids, CancellationToken ct) =>
        (await c.QueryAsync<(string Id, string Hash)>(new CommandDefinition(
            $"SELECT id, content_hash FROM cards_cards WHERE org_id = @orgId AND {dialect.InList("id", "ids")}",
            new { orgId, ids = dialect.ListValue(ids) }, t, cancellationToken: ct)).ConfigureAwait(false))
        .ToDictionary(r => r.Id, r => r.Hash, StringComparer.Ordinal);

    /// <summary>Inserts new cards and overwrites changed ones (created_at is kept), all marked as seen by <paramref name="importId"/>.</summary>
    public static Task<int> UpsertAsync(
        DbConnection c, DbTransaction t, Guid orgId, Guid importId, IReadOnlyList<(CatalogCard Card, string Hash)> cards, DateTimeOffset now, CancellationToken ct) =>
        BulkInsert.ExecuteAsync(c, t, "cards_cards", CardColumns, cards,
            r => [orgId, r.Card.Id, r.Card.OracleId, r.Card.Name, r.Card.Set, r.Card.CollectorNumber, r.Card.Lang, r.Card.Layout, r.Hash, importId, now, now],
            "ON CONFLICT (org_id, id) DO UPDATE SET oracle_id = excluded.oracle_id, name = excluded.name, set_code = excluded.set_code, " +
            "collector_number = excluded.collector_number, lang = excluded.lang, layout = excluded.layout, content_hash = excluded.content_hash, " +
            "import_id = excluded.import_id, updated_at = excluded.updated_at",
            ct);

    /// <summary>Replaces the image URLs of <paramref name="cards"/> with theirs.</summary>
    public static async Task ReplaceImagesAsync(DbConnection c, DbTransaction t, SqlDialect dialect, Guid orgId, IReadOnlyList<CatalogCard> cards, CancellationToken ct)
    {
        await c.ExecuteAsync(new CommandDefinition(
            $"DELETE FROM cards_images WHERE org_id = @orgId AND {dialect.InList("card_id", "ids")}",
            new { orgId, ids = dialect.ListValue(cards.Select(card => card.Id)) }, t, cancellationToken: ct)).ConfigureAwait(false);
        await BulkInsert.ExecuteAsync(c, t, "cards_images", ImageColumns, cards.SelectMany(card => card.Images.Select(i => (card.Id, i))),
            r => [orgId, r.Id, r.i.Face, r.i.Size, r.i.Url], cancellationToken: ct).ConfigureAwait(false);
    }

    /// <summary>Marks unchanged cards as seen by <paramref name="importId"/>, so the import's end does not remove them.</summary>
    public static Task<int> MarkSeenAsync(DbConnection c, DbTransaction t, SqlDialect dialect, Guid orgId, Guid importId, IEnumerable<string> ids, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            $"UPDATE cards_cards SET import_id = @importId WHERE org_id = @orgId AND {dialect.InList("id", "ids")}",
            new { orgId, importId, ids = dialect.ListValue(ids) }, t, cancellationToken: ct));

    /// <summary>Deletes the organization's cards that <paramref name="importId"/> did not see (their images go with them).</summary>
    public static Task<int> RemoveUnseenAsync(DbConnection c, DbTransaction t, Guid orgId, Guid importId, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "DELETE FROM cards_cards WHERE org_id = @orgId AND import_id <> @importId", new { orgId, importId }, t, cancellationToken: ct));

    public static Task<long> CountAsync(DbConnection c, Guid orgId, CancellationToken ct) =>
        c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM cards_cards WHERE org_id = @orgId", new { orgId }, cancellationToken: ct));

    /// <summary>Image URLs per size in the organization's catalog (distinct URLs: two printings may share one).</summary>
    public static async Task<IReadOnlyList<(string Size, long Urls)>> ImageCountsAsync(DbConnection c, Guid orgId, CancellationToken ct) =>
        (await c.QueryAsync<(string Size, long Urls)>(new CommandDefinition(
            "SELECT size, COUNT(DISTINCT url) FROM cards_images WHERE org_id = @orgId GROUP BY size ORDER BY size",
            new { orgId }, cancellationToken: ct)).ConfigureAwait(false)).ToList();

    /// <summary>The cached file of one of the organization's card images, or null when it has none (or the card is not the organization's).</summary>
    public static Task<string?> ImageFileAsync(DbConnection c, Guid orgId, string cardId, int face, string size, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT d.file_name FROM cards_images i JOIN cards_downloads d ON d.org_id = i.org_id AND d.url = i.url AND d.state = 'done' " +
            "WHERE i.org_id = @orgId AND i.card_id = @cardId AND i.face = @face AND i.size = @size",
            new { orgId, cardId, face, size }, cancellationToken: ct));

    /// <summary>One stored card with its images, for tests and for what later stages read.</summary>
    public static async Task<CatalogCard?> FindAsync(DbConnection c, Guid orgId, string id, CancellationToken ct)
    {
        var row = await c.QuerySingleOrDefaultAsync<CardRow>(new CommandDefinition(
            "SELECT id AS Id, oracle_id AS OracleId, name AS Name, set_code AS SetCode, collector_number AS CollectorNumber, lang AS Lang, layout AS Layout " +
            "FROM cards_cards WHERE org_id = @orgId AND id = @id", new { orgId, id }, cancellationToken: ct)).ConfigureAwait(false);
        if (row is null) return null;
        var images = await c.QueryAsync<(int Face, string Size, string Url)>(new CommandDefinition(
            "SELECT face, size, url FROM cards_images WHERE org_id = @orgId AND card_id = @id ORDER BY face, size",
            new { orgId, id }, cancellationToken: ct)).ConfigureAwait(false);
        return new CatalogCard(row.Id, row.OracleId, row.Name, row.SetCode, row.CollectorNumber, row.Lang, row.Layout, [.. images.Select(i => new CardImage(i.Face, i.Size, i.Url))]);
    }

    private sealed record CardRow
    {
        public string Id { get; init; } = "";
        public string? OracleId { get; init; }
        public string Name { get; init; } = "";
        public string SetCode { get; init; } = "";
        public string CollectorNumber { get; init; } = "";
        public string Lang { get; init; } = "";
        public string Layout { get; init; } = "";
    }
}
