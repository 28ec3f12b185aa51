using System.Text.Json;
using Tessera.Inference.Embeddings;
using Tessera.Inference.Onnx;
using Tessera.Inference.Text;

namespace Tessera.Inference.Tests.Pretrained;

/// <summary>The packaged models, each loaded once for the whole test run (a load reads ~90 MB).</summary>
internal static class PretrainedModels
{
    public static readonly OnnxRuntimeOptions Options = new() { IntraOpThreads = 1, BatchSize = 8 };

    private static readonly Lazy<BertTextEmbedder> MiniLmModel = new(() => BertTextEmbedder.Load(PretrainedEmbedders.MiniLmModel(Options.ModelsDirectory), Options));
    private static readonly Lazy<BertTextEmbedder> ArcticModel = new(() => BertTextEmbedder.Load(PretrainedEmbedders.ArcticXsModel(Options.ModelsDirectory), Options));
    private static readonly Lazy<IReadOnlyList<SentenceGolden>> GoldenList = new(() =>
        JsonSerializer.Deserialize<List<SentenceGolden>>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Goldens", "sentence-vectors.json")))!);

    public static BertTextEmbedder MiniLm => MiniLmModel.Value;

    public static BertTextEmbedder Arctic => ArcticModel.Value;

    public static IReadOnlyList<SentenceGolden> Goldens => GoldenList.Value;

    public static BertTextEmbedder Text(string name) => name == PretrainedEmbedders.MiniLm ? MiniLm : Arctic;

    public static float Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }
        return (float)(dot / Math.Sqrt(na * nb));
    }

    public static void AssertClose(float[] expected, float[] actual, float tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            if (Math.Abs(expected[i] - actual[i]) > tolerance)
                Assert.Fail($"{what}: element {i} expected {expected[i]:R}, got {actual[i]:R} (tolerance {tolerance})");
        }
    }
}

internal sealed record SentenceGolden(
    [property: System.Text.Json.Serialization.JsonPropertyName("text")] string Text,
    [property: System.Text.Json.Serialization.JsonPropertyName("tokens")] string[] Tokens,
    [property: System.Text.Json.Serialization.JsonPropertyName("ids")] int[] Ids,
    [property: System.Text.Json.Serialization.JsonPropertyName("minilm")] float[] MiniLm,
    [property: System.Text.Json.Serialization.JsonPropertyName("arctic")] float[] Arctic);
