using Microsoft.Extensions.Configuration;
using Tessera.Core.Errors;
using Tessera.Inference.Text;
using Tessera.Platform.Embedders;

namespace Tessera.Server.Tests;

/// <summary>The <c>embedders:</c> settings as a deployment writes them.</summary>
public sealed class EmbedderSettingsTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void The_engine_imports_models_into_the_data_dir_and_a_bad_backend_is_named()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "tessera-deployment");
        var options = EmbedderSettings.From(Settings(("data_dir", dataDir), (EmbedderSettings.BackendKey, "engine"), (EmbedderSettings.ThreadsKey, "2")));
        Assert.Equal((BertBackend.Engine, Path.Combine(dataDir, "models"), 2), (options.BertBackend, options.ImportedModelsDirectory, options.IntraOpThreads));
        Assert.Equal(BertBackend.Measured, EmbedderSettings.From(Settings()).BertBackend);
        var error = Assert.Throws<TesseraException>(() => EmbedderSettings.From(Settings((EmbedderSettings.BackendKey, "gpu"))));
        Assert.Contains("measured, onnxruntime or engine", error.Message, StringComparison.Ordinal);
    }
}
