using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using Tessera.Inference.Embeddings;
using Tessera.Inference.Onnx;

namespace Tessera.Inference.Images;

/// <summary>
/// ImageNet ResNet18 features (the 512-d global average pool before the classifier), L2-normalised, from the two
/// ONNX graphs ML.NET ships: <c>ResNetPreprocess</c> (RGB 0–255 → normalised input) and <c>ResNet18</c>. Good at
/// near-duplicates and the same object under crops, flips, re-encoding and colour shifts; it knows nothing about
/// text, so it cannot match a caption to an image.
/// </summary>
public sealed class ResNetImageEmbedder : ITesseraImageEmbedder
{
    /// <summary>The network's input side in pixels.</summary>
    public const int InputSize = 224;

    private readonly OnnxModel _preprocess;
    private readonly OnnxModel _network;
    private readonly TimeProvider _time;

    private ResNetImageEmbedder(string name, OnnxModel preprocess, OnnxModel network, TimeProvider time)
    {
        _preprocess = preprocess;
        _network = network;
        _time = time;
        var dimension = (int)network.Session.OutputMetadata.Values.Single().Dimensions[1];
        Descriptor = new EmbedderDescriptor(name, dimension, network.Sha256, EmbeddingPooling.GlobalAveragePool, $"resize shorter side to {InputSize}, centre crop")
        {
            Modality = EmbeddingModality.Image,
            Origin = EmbedderOrigin.Pretrained,
            Sources = [network.File.ToString(), preprocess.File.ToString()],
        };
    }

    public EmbedderDescriptor Descriptor { get; }

    public static ResNetImageEmbedder Load(string name, ModelFile preprocess, ModelFile network, OnnxRuntimeOptions options, TimeProvider? time = null)
    {
        var pre = OnnxModel.Load(preprocess, options);
        try
        {
            return new ResNetImageEmbedder(name, pre, OnnxModel.Load(network, options), time ?? TimeProvider.System);
        }
        catch
        {
            pre.Dispose();
            throw;
        }
    }

    /// <summary>The unit feature vector of one encoded image; a truncated or corrupt file is a validation error.</summary>
    public float[] Embed(ReadOnlySpan<byte> encodedImage)
    {
        var pixels = ImageDecoder.ToPlanarRgb(encodedImage, InputSize);
        using var input = OrtValue.CreateTensorValueFromMemory(pixels, [1, 3, InputSize, InputSize]);
        using var runOptions = new RunOptions();
        using var prepared = _preprocess.Session.Run(runOptions, [_preprocess.Session.InputNames[0]], [input], _preprocess.Session.OutputNames);
        using var features = _network.Session.Run(runOptions, [_network.Session.InputNames[0]], [prepared[0]], _network.Session.OutputNames);
        var vector = features[0].GetTensorDataAsSpan<float>().ToArray();
        var norm = Math.Sqrt(vector.Sum(v => (double)v * v));
        if (norm > 0) for (var i = 0; i < vector.Length; i++) vector[i] = (float)(vector[i] / norm);
        return vector;
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<DataContent> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        EmbeddingResults.EachImageAsync(values, data => Embed(data.Span), Descriptor, _time, cancellationToken);

    public object? GetService(Type serviceType, object? serviceKey = null) => EmbeddingResults.Service(this, serviceType, serviceKey);

    public void Dispose()
    {
        _preprocess.Dispose();
        _network.Dispose();
    }
}
