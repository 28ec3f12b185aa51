using Microsoft.Extensions.Configuration;
using Tessera.Core.Errors;
using Tessera.Vectors.Collections;
using Tessera.Vectors.Hnsw;

namespace Tessera.Platform.Collections;

/// <summary>
/// A deployment's choices for one collection's index, over what its module declared, under
/// <c>vectors:collections:&lt;name&gt;:</c> — <c>quantization</c> (<c>none</c> or <c>sq8</c>), <c>rerank</c> (with sq8, how
/// many times k candidates are re-ranked with the float32 vectors), <c>float32</c> (<c>resident</c> or <c>mapped</c>: with
/// sq8, the float32 vectors in memory-mapped files under the index folder) and <c>ef_search</c>. A bad value or an
/// unknown key or collection stops the start with a message naming it.
/// </summary>
public static class CollectionIndexSettings
{
    public const string Section = "vectors:collections";

    private static readonly string[] Keys = ["quantization", "rerank", "float32", "ef_search"];

    /// <summary>The definitions with each collection's settings applied; mapped vector files go under <paramref name="indexDirectory"/>.</summary>
    public static IReadOnlyList<VectorCollectionDefinition> Apply(
        IConfiguration configuration, IReadOnlyList<VectorCollectionDefinition> definitions, string indexDirectory)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(definitions);
        var section = configuration.GetSection(Section);
        // Configuration keys ignore case (TESSERA__VECTORS__COLLECTIONS__OMICS__QUANTIZATION is vectors:collections:omics:quantization).
        var names = definitions.Select(d => d.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var unknown = section.GetChildren().Select(c => c.Key).Where(k => !names.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw TesseraException.Validation(
                $"Setting(s) for unknown collection(s) {string.Join(", ", unknown.Select(k => $"'{Section}:{k}'"))}; the collections are {string.Join(", ", names.Order(StringComparer.Ordinal))}.");
        }
        return [.. definitions.Select(d => d with { Options = Apply(section.GetSection(d.Name), d.Options, indexDirectory) })];
    }

    private static HnswOptions Apply(IConfigurationSection section, HnswOptions declared, string indexDirectory)
    {
        var unknown = section.GetChildren().Select(c => c.Key).Where(k => !Keys.Contains(k, StringComparer.OrdinalIgnoreCase)).ToList();
        if (unknown.Count > 0)
        {
            throw TesseraException.Validation(
                $"Unknown setting(s) {string.Join(", ", unknown.Select(k => $"'{section.Path}:{k}'"))}; the settings of a collection are {string.Join(", ", Keys)}.");
        }
        var options = declared with
        {
            Quantization = Choice(section, "quantization", declared.Quantization, ("none", VectorQuantization.None), ("sq8", VectorQuantization.Sq8)),
            RerankMultiple = SettingValues.WholeNumber(section, "rerank", declared.RerankMultiple, minimum: 1),
            Float32Storage = Choice(section, "float32", declared.Float32Storage, ("resident", VectorStorage.Resident), ("mapped", VectorStorage.MemoryMapped)),
            EfSearch = SettingValues.WholeNumber(section, "ef_search", declared.EfSearch, minimum: 1),
            MappedFileDirectory = declared.MappedFileDirectory ?? indexDirectory,
        };
        try
        {
            options.Validate();
        }
        catch (TesseraException e)
        {
            throw TesseraException.Validation($"The settings under '{section.Path}:' do not fit together: {e.Message}");
        }
        return options;
    }

    private static T Choice<T>(IConfigurationSection section, string key, T fallback, params (string Name, T Value)[] choices)
    {
        var text = section[key]?.Trim();
        if (string.IsNullOrEmpty(text)) return fallback;
        foreach (var (name, value) in choices)
        {
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase)) return value;
        }
        throw TesseraException.Validation($"Setting '{section.Path}:{key}' is '{text}', but must be {string.Join(" or ", choices.Select(c => c.Name))}.");
    }
}
