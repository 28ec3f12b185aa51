using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Core.Errors;
using Tessera.Platform.Collections;
using Tessera.Vectors;
using Tessera.Vectors.Collections;
using Tessera.Vectors.Hnsw;

namespace Tessera.Server.Tests;

/// <summary>The <c>vectors:collections:&lt;name&gt;:</c> settings as a deployment writes them.</summary>
public sealed class CollectionIndexSettingsTests
{
    private static readonly VectorCollectionDefinition[] Declared =
    [
        new("omics", DistanceMetric.Cosine, new HnswOptions { M = 16 }),
        new("cards", DistanceMetric.InnerProduct, new HnswOptions { M = 32, EfSearch = 64 }),
    ];

    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Each_collection_takes_its_own_settings_over_what_its_module_declared()
    {
        var applied = CollectionIndexSettings.Apply(
            Settings(("vectors:collections:omics:quantization", "SQ8"), ("vectors:collections:omics:float32", "mapped"),
                ("vectors:collections:omics:rerank", "6"), ("vectors:collections:cards:ef_search", "120")),
            Declared, "/srv/tessera/indexes");

        var omics = applied[0].Options;
        Assert.Equal((VectorQuantization.Sq8, VectorStorage.MemoryMapped, 6, 16), (omics.Quantization, omics.Float32Storage, omics.RerankMultiple, omics.M));
        Assert.Equal("/srv/tessera/indexes", omics.MappedFileDirectory);
        var cards = applied[1].Options;
        Assert.Equal((VectorQuantization.None, VectorStorage.Resident, 120, 32), (cards.Quantization, cards.Float32Storage, cards.EfSearch, cards.M));
        Assert.Equal(Declared.Select(d => d.Metric), applied.Select(d => d.Metric));
    }

    [Fact]
    public void Keys_ignore_case_as_environment_variables_write_them()
    {
        // TESSERA__VECTORS__COLLECTIONS__OMICS__QUANTIZATION arrives as VECTORS:COLLECTIONS:OMICS:QUANTIZATION.
        var applied = CollectionIndexSettings.Apply(Settings(("VECTORS:COLLECTIONS:OMICS:QUANTIZATION", "sq8"), ("vectors:collections:Omics:Float32", "mapped")), Declared, "/srv");
        Assert.Equal((VectorQuantization.Sq8, VectorStorage.MemoryMapped), (applied[0].Options.Quantization, applied[0].Options.Float32Storage));
    }

    [Theory]
    [InlineData("vectors:collections:omics:quantization", "pq", "'vectors:collections:omics:quantization' is 'pq', but must be none or sq8")]
    [InlineData("vectors:collections:omics:rerank", "0", "'vectors:collections:omics:rerank' is '0', but must be a whole number of at least 1")]
    [InlineData("vectors:collections:omics:float32", "mapped", "'vectors:collections:omics:' do not fit together: Memory-mapped float32 vectors need sq8")]
    [InlineData("vectors:collections:omics:quantisation", "sq8", "Unknown setting(s) 'vectors:collections:omics:quantisation'; the settings of a collection are quantization, rerank, float32, ef_search")]
    [InlineData("vectors:collections:omic:quantization", "sq8", "unknown collection(s) 'vectors:collections:omic'; the collections are cards, omics")]
    public void A_bad_setting_is_named_with_what_it_may_be(string key, string value, string message)
    {
        var error = Assert.Throws<TesseraException>(() => CollectionIndexSettings.Apply(Settings((key, value)), Declared, "/srv"));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_server_opens_its_collections_with_the_deployment_settings()
    {
        await using var app = await TesseraAppFactory.CreateAsync(
            "sqlite",
            settings: new Dictionary<string, string?>
            {
                ["vectors:collections:traces:quantization"] = "sq8",
                ["vectors:collections:traces:float32"] = "mapped",
            });
        var collections = app.Services.GetRequiredService<VectorCollections>();

        var traces = collections.Get("traces").Definition.Options;
        Assert.Equal((VectorQuantization.Sq8, VectorStorage.MemoryMapped), (traces.Quantization, traces.Float32Storage));
        Assert.StartsWith(app.Database.DataDir, traces.MappedFileDirectory, StringComparison.Ordinal);
        Assert.Equal(VectorQuantization.None, collections.Get("omics").Definition.Options.Quantization);
    }
}
