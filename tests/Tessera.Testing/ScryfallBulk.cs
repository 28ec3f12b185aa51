using System.Text.Json;

namespace Tessera.Testing;

/// <summary>
/// Generated Scryfall bulk-data files: a JSON array of card objects with the fields real ones have (and some the
/// importer must skip), every third card double-faced (images per face, none on the card), image URLs on a test server.
/// </summary>
public static class ScryfallBulk
{
    public static readonly string[] Sizes = ["small", "normal", "large", "png"];

    /// <summary>The id of card <paramref name="index"/>: stable across versions of the file, so re-imports match cards up.</summary>
    public static string IdOf(int index) => $"00000000-0000-4000-8000-{index:D12}";

    public static bool IsDoubleFaced(int index) => index % 3 == 2;

    /// <summary>The image path of a card face and size; <paramref name="stamp"/> plays Scryfall's version query.</summary>
    public static string ImagePath(int index, int face, string size, int stamp = 1) => $"/img/{size}/{(face == 0 ? "front" : "back")}/{IdOf(index)}.png?{stamp}";

    /// <summary>Cards <paramref name="indices"/>; <paramref name="renamed"/> cards get another name (a changed card).</summary>
    public static string Json(Uri server, IEnumerable<int> indices, ISet<int>? renamed = null) =>
        JsonSerializer.Serialize(indices.Select(i => Card(server, i, renamed?.Contains(i) == true)));

    public static object Card(Uri server, int index, bool renamed = false)
    {
        var name = $"Card {index}{(renamed ? " (errata)" : "")}";
        Dictionary<string, string> Uris(int face) => Sizes.ToDictionary(s => s, s => new Uri(server, ImagePath(index, face, s)).AbsoluteUri);
        var card = new Dictionary<string, object?>
        {
            ["object"] = "card",
            ["id"] = IdOf(index),
            ["oracle_id"] = $"10000000-0000-4000-8000-{index:D12}",
            ["name"] = IsDoubleFaced(index) ? $"{name} // Back {index}" : name,
            ["lang"] = "en",
            ["layout"] = IsDoubleFaced(index) ? "transform" : "normal",
            ["set"] = "tst",
            ["collector_number"] = (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["legalities"] = new { standard = "legal" },
            ["prices"] = new { usd = "0.10", eur = (string?)null },
        };
        if (IsDoubleFaced(index))
            card["card_faces"] = new[] { new { @object = "card_face", name, image_uris = Uris(0) }, new { @object = "card_face", name = $"Back {index}", image_uris = Uris(1) } };
        else
            card["image_uris"] = Uris(0);
        return card;
    }
}
