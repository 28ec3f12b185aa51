using System.Security.Cryptography;
using System.Text.Json;

namespace Tessera.Cards.Catalog;

/// <summary>A card as the catalog stores it: what identifies the printing and where its images are.</summary>
internal sealed record CatalogCard(
    string Id, string? OracleId, string Name, string Set, string CollectorNumber, string Lang, string Layout, IReadOnlyList<CardImage> Images)
{
    /// <summary>
    /// SHA-256 over the kept fields: a re-import compares it with the stored one to tell a changed card from an
    /// unchanged one without reading the stored rows back field by field.
    /// </summary>
    public string ContentHash()
    {
        var canonical = JsonSerializer.SerializeToUtf8Bytes(new object?[]
        {
            Id, OracleId, Name, Set, CollectorNumber, Lang, Layout, Images.Select(i => new object[] { i.Face, i.Size, i.Url }).ToArray(),
        });
        return Convert.ToHexStringLower(SHA256.HashData(canonical));
    }
}

/// <summary>One image URL of a card: face 0 is the card's own (or its front), 1 the back of a double-faced card.</summary>
internal sealed record CardImage(int Face, string Size, string Url);
