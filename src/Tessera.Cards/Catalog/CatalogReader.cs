using System.Runtime.CompilerServices;
using System.Text.Json;
using Tessera.Core.Errors;

namespace Tessera.Cards.Catalog;

/// <summary>
/// Reads a Scryfall bulk-data file (one JSON array of card objects) one card at a time: the real "all cards" file
/// is over 2 GB, so the array is never held in memory, only the card being read.
/// </summary>
internal static class CatalogReader
{
    /// <summary>The cards in file order; null for an entry without an id or a name (it cannot be stored or found again).</summary>
    public static async IAsyncEnumerable<CatalogCard?> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var cards = JsonSerializer.DeserializeAsyncEnumerable<ScryfallCard>(stream, topLevelValues: false, cancellationToken: cancellationToken);
        await using var enumerator = cards.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            ScryfallCard? card;
            try
            {
                if (!await enumerator.MoveNextAsync().ConfigureAwait(false)) yield break;
                card = enumerator.Current;
            }
            catch (JsonException e)
            {
                throw new TesseraException(CardsErrorCodes.CatalogInvalid, 400,
                    $"The catalog is not a JSON array of Scryfall card objects (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}", e);
            }
            yield return card is null ? null : ToCatalogCard(card);
        }
    }

    internal static CatalogCard? ToCatalogCard(ScryfallCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        if (string.IsNullOrWhiteSpace(card.Id) || string.IsNullOrWhiteSpace(card.Name)) return null;
        return new CatalogCard(card.Id, card.OracleId, card.Name, card.Set ?? "", card.CollectorNumber ?? "", card.Lang ?? "", card.Layout ?? "", Images(card));
    }

    /// <summary>
    /// The card's own images when it has them (single-faced cards, and split or flip cards whose faces share one
    /// image); otherwise each face's (double-faced cards), numbered by the face's position.
    /// </summary>
    private static List<CardImage> Images(ScryfallCard card)
    {
        var images = new List<CardImage>();
        if (card.ImageUris is { Count: > 0 } own)
        {
            Add(images, 0, own);
        }
        else if (card.CardFaces is { } faces)
        {
            for (var face = 0; face < faces.Count; face++)
                if (faces[face].ImageUris is { } uris) Add(images, face, uris);
        }
        return images;
    }

    private static void Add(List<CardImage> images, int face, Dictionary<string, string?> uris)
    {
        foreach (var (size, url) in uris.OrderBy(u => u.Key, StringComparer.Ordinal))
            if (Uri.TryCreate(url, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps))
                images.Add(new CardImage(face, size, url!));
    }
}
