using System.Text.Json;
using System.Text.Json.Serialization;
using Tessera.Cards.Embedding;
using Tessera.Core;

namespace Tessera.Cards.Index;

/// <summary>
/// What an index build was made from, written atomically beside the organization's cards data
/// (<c>cards/&lt;org&gt;/index/&lt;partition&gt;.manifest.json</c>): tool and model versions with hashes, parameters,
/// counts, timings and the images the embedding left out. <see cref="LabelsSha256"/> fingerprints the organization's
/// (label, card, face) rows the index covered, so a later load can tell whether the catalog still matches it.
/// </summary>
internal sealed record BuildManifest(
    string Tool,
    string ToolVersion,
    string Model,
    string ModelHash,
    string ModelOrigin,
    IReadOnlyList<string> ModelSources,
    string Metric,
    int Dimension,
    int M,
    int EfConstruction,
    int EfSearch,
    int IndexVectors,
    int OrganizationVectors,
    long CatalogCards,
    long Through,
    string LabelsSha256,
    double BuildSeconds,
    double? EmbedSeconds,
    int? EmbedImagesTotal,
    IReadOnlyList<EmbedFailure> EmbedFailures,
    IReadOnlyDictionary<string, long> DownloadFailures,
    DateTimeOffset BuiltAt)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static string PathFor(string orgFolder, string partitionKey) => Path.Combine(orgFolder, "index", $"{partitionKey}.manifest.json");

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.Write(path, stream => JsonSerializer.Serialize(stream, this, Json));
    }

    public static BuildManifest? TryLoad(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<BuildManifest>(File.ReadAllBytes(path), Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
