using Tessera.Core.Errors;
using Tessera.Inference.Bert;
using Tessera.Inference.Embeddings;
using Tessera.Inference.Text;

namespace Tessera.Inference.Tests.Pretrained;

/// <summary>
/// The packaged MiniLM imported into a safetensors folder and run on the in-house engine, against ONNX Runtime on
/// the same ONNX file.
/// </summary>
public sealed class BertEngineTests
{
    [Fact]
    public void Importing_the_packaged_MiniLM_gives_a_BERT_folder_with_its_geometry_window_and_pooling()
    {
        var imported = ImportedMiniLm.Imported;
        Assert.Equal((6, 384, 12, 1536, 256, EmbeddingPooling.MeanOverTokens), (imported.Layers, imported.Hidden, imported.Heads, imported.Intermediate, imported.MaxTokens, imported.Pooling));
        Assert.Equal("4a64cee3d4134bbdc86eed96e1a660efec58975417204ecfcf134140edb6e0e2", imported.SourceSha256);
        foreach (var file in new[] { "config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json", "sentence_bert_config.json", Path.Combine("1_Pooling", "config.json") })
            Assert.True(File.Exists(Path.Combine(imported.Directory, file)), file);
        Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(imported.Directory)!, ".*importing*"));
        var folder = BertCheckpointFolder.Load(imported.Directory);
        Assert.Equal(imported.SourceSha256, folder.SourceSha256);
        Assert.Equal(1e-12f, folder.Encoder.Config.LayerNormEpsilon);
    }

    [Fact]
    public void The_engine_equals_ONNX_Runtime_within_1e_5_on_every_golden_sentence()
    {
        var goldens = PretrainedModels.Goldens;
        var engine = ImportedMiniLm.Engine.Embed(goldens.Select(g => g.Text).ToArray());
        var onnx = PretrainedModels.MiniLm.Embed(goldens.Select(g => g.Text).ToArray());
        for (var i = 0; i < goldens.Count; i++)
        {
            PretrainedModels.AssertClose(goldens[i].MiniLm, engine[i].Vector, 1e-5f, $"golden \"{goldens[i].Text}\"");
            PretrainedModels.AssertClose(onnx[i].Vector, engine[i].Vector, 1e-5f, $"onnx \"{goldens[i].Text}\"");
        }
        float[] published = [-0.0344772f, 0.0310232f, 0.0067350f, 0.0261090f, -0.0393620f];
        PretrainedModels.AssertClose(published, ImportedMiniLm.Engine.Embed(["hello world"])[0].Vector[..5], 1e-6f, "hello world");
    }

    [Fact]
    public void The_engine_backend_imports_the_package_on_first_use_and_keeps_its_name_hash_and_vectors()
    {
        using var models = new Tessera.Testing.TempDirectory();
        var options = PretrainedModels.Options with { BertBackend = BertBackend.Engine, ImportedModelsDirectory = models.Path };
        var model = PretrainedEmbedders.MiniLmModel(options.ModelsDirectory);
        var first = PretrainedEmbedders.LoadText(model, options);
        Assert.Equal("tessera-engine", first.Backend);
        Assert.Equal((PretrainedModels.MiniLm.Descriptor.Name, PretrainedModels.MiniLm.Descriptor.ModelHash), (first.Descriptor.Name, first.Descriptor.ModelHash));
        var imported = Assert.Single(Directory.GetDirectories(models.Path));
        var importedAt = Directory.GetLastWriteTimeUtc(imported);
        var texts = PretrainedModels.Goldens.Select(g => g.Text).ToArray();
        var onnx = PretrainedModels.MiniLm.Embed(texts);
        var again = PretrainedEmbedders.LoadText(model, options).Embed(texts);
        for (var i = 0; i < texts.Length; i++) PretrainedModels.AssertClose(onnx[i].Vector, again[i].Vector, 1e-5f, texts[i]);
        Assert.Equal((imported, importedAt), (Assert.Single(Directory.GetDirectories(models.Path)), Directory.GetLastWriteTimeUtc(imported)));
        Assert.Equal("onnxruntime", PretrainedEmbedders.LoadText(model, options with { BertBackend = BertBackend.Measured }).Backend);
    }

    [Fact]
    public void A_batch_of_mixed_lengths_gives_each_text_exactly_the_vector_it_gets_alone()
    {
        string[] texts = ["short", "a somewhat longer sentence about proteins and their folds", "x", string.Join(' ', Enumerable.Repeat("long", 300)), .. PretrainedModels.Goldens.Select(g => g.Text)];
        var batched = ImportedMiniLm.Engine.Embed(texts);
        for (var i = 0; i < texts.Length; i++)
            Assert.Equal(ImportedMiniLm.Engine.Embed([texts[i]])[0].Vector, batched[i].Vector);
    }

    [Fact]
    public void A_folder_loaded_by_path_is_named_after_it_and_hashed_by_its_weights()
    {
        var embedder = BertTextEmbedder.LoadOnEngine(BertCheckpointFolder.Load(ImportedMiniLm.Imported.Directory), threads: 2, batchSize: 4);
        Assert.Equal("tessera-engine", embedder.Backend);
        Assert.Equal(Path.GetFileName(ImportedMiniLm.Imported.Directory), embedder.Descriptor.Name);
        Assert.NotEqual(ImportedMiniLm.Imported.SourceSha256, embedder.Descriptor.ModelHash);
        Assert.Equal(64, embedder.Descriptor.ModelHash.Length);
        var texts = PretrainedModels.Goldens.Select(g => g.Text).ToArray();
        var single = ImportedMiniLm.Engine.Embed(texts);
        var threaded = embedder.Embed(texts);
        for (var i = 0; i < texts.Length; i++) PretrainedModels.AssertClose(single[i].Vector, threaded[i].Vector, 1e-6f, texts[i]);
    }

    [Fact]
    public void Importing_into_an_existing_folder_is_refused()
    {
        var error = Assert.Throws<TesseraException>(() => BertModelImport.Import(PretrainedEmbedders.MiniLmModel(PretrainedModels.Options.ModelsDirectory), ImportedMiniLm.Imported.Directory));
        Assert.Contains("already exists", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_ONNX_is_refused_with_a_clear_error_and_nothing_written()
    {
        var scratch = Directory.CreateTempSubdirectory("tessera-import-");
        try
        {
            var bogus = Path.Combine(scratch.FullName, "model.onnx");
            File.WriteAllText(bogus, "this is not a protobuf \u00ff\u00ff\u00ff\u00ff");
            File.WriteAllText(Path.Combine(scratch.FullName, "vocab.txt"), "[PAD]\n");
            var output = Path.Combine(scratch.FullName, "out");
            var error = Assert.Throws<TesseraException>(() => BertModelImport.Import(bogus, null, 256, EmbeddingPooling.MeanOverTokens, output));
            Assert.Contains(bogus, error.Message, StringComparison.Ordinal);
            Assert.False(Directory.Exists(output));
            var resnet = Path.Combine(PretrainedModels.Options.ModelsDirectory, "resnet18", "ResNetPreprocess.onnx");
            var notBert = Assert.Throws<TesseraException>(() => BertModelImport.Import(resnet, Path.Combine(scratch.FullName, "vocab.txt"), 256, EmbeddingPooling.MeanOverTokens, output));
            Assert.Contains("BERT", notBert.Message, StringComparison.Ordinal);
            Assert.False(Directory.Exists(output));
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }
}

/// <summary>The packaged MiniLM imported once per test run into a temporary folder, and its engine embedder.</summary>
internal static class ImportedMiniLm
{
    private static readonly Lazy<ImportedBertModel> ImportedModel = new(() =>
    {
        var scratch = Directory.CreateTempSubdirectory("tessera-minilm-");
        return BertModelImport.Import(PretrainedEmbedders.MiniLmModel(PretrainedModels.Options.ModelsDirectory), Path.Combine(scratch.FullName, "all-minilm-l6-v2"));
    });

    private static readonly Lazy<BertTextEmbedder> EngineModel = new(() =>
        BertTextEmbedder.LoadOnEngine(BertCheckpointFolder.Load(Imported.Directory), threads: 1, batchSize: 8));

    public static ImportedBertModel Imported => ImportedModel.Value;

    public static BertTextEmbedder Engine => EngineModel.Value;
}
