using System.Text.Json.Serialization;

namespace Tessera.Cards.Catalog;

/// <summary>
/// The fields Cards keeps of a Scryfall card object (https://scryfall.com/docs/api/cards); every other field of the
/// bulk file is skipped by the reader without being materialized.
/// </summary>
internal sealed class ScryfallCard
{
    [JsonPropertyName("id")] public string? Id { get; set; }

    /// <summary>Absent on reversible cards, whose faces carry their own.</summary>
    [JsonPropertyName("oracle_id")] public string? OracleId { get; set; }

    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("set")] public string? Set { get; set; }
    [JsonPropertyName("collector_number")] public string? CollectorNumber { get; set; }
    [JsonPropertyName("lang")] public string? Lang { get; set; }
    [JsonPropertyName("layout")] public string? Layout { get; set; }

    /// <summary>Size name (small, normal, large, png, art_crop, border_crop) → URL; absent on double-faced cards.</summary>
    [JsonPropertyName("image_uris")] public Dictionary<string, string?>? ImageUris { get; set; }

    [JsonPropertyName("card_faces")] public List<ScryfallCardFace>? CardFaces { get; set; }
}

/// <summary>One face of a multi-face card; only double-faced cards have images per face.</summary>
internal sealed class ScryfallCardFace
{
    [JsonPropertyName("image_uris")] public Dictionary<string, string?>? ImageUris { get; set; }
}
