using Tessera.Core.Errors;
using Tessera.Inference.Kernels;
using Tessera.Inference.SafeTensors;

namespace Tessera.Inference.Bert;

/// <summary>One post-layer-norm BERT block; query, key and value fused into one packed [3·hidden] projection.</summary>
internal sealed class BertLayerWeights
{
    public required PackedMatrix QueryKeyValue { get; init; }
    public required float[] QueryKeyValueBias { get; init; }
    public required PackedMatrix AttentionOutput { get; init; }
    public required float[] AttentionOutputBias { get; init; }
    public required float[] AttentionNormGamma { get; init; }
    public required float[] AttentionNormBeta { get; init; }
    public required PackedMatrix Intermediate { get; init; }
    public required float[] IntermediateBias { get; init; }
    public required PackedMatrix Output { get; init; }
    public required float[] OutputBias { get; init; }
    public required float[] OutputNormGamma { get; init; }
    public required float[] OutputNormBeta { get; init; }
}

/// <summary>
/// BERT weights in the HF <c>BertModel</c> layout (names with or without the <c>bert.</c> prefix of the task
/// models), widened to float32 and packed for the GEMM once. The query projection is pre-multiplied by
/// head_dim^−½, so attention scores need no scaling pass.
/// </summary>
internal sealed class BertWeights
{
    public required BertConfig Config { get; init; }
    public required float[] WordEmbeddings { get; init; }
    public required float[] PositionEmbeddings { get; init; }
    public required float[] TokenTypeEmbeddings { get; init; }
    public required float[] EmbeddingNormGamma { get; init; }
    public required float[] EmbeddingNormBeta { get; init; }
    public required IReadOnlyList<BertLayerWeights> Layers { get; init; }

    public static BertWeights Load(SafeTensorsFile file, BertConfig config)
    {
        var prefix = file.Contains("bert.embeddings.word_embeddings.weight") ? "bert."
            : file.Contains("embeddings.word_embeddings.weight") ? ""
            : throw TesseraException.Validation($"Tensor 'embeddings.word_embeddings.weight' is missing from {file.Path}; is this a BERT checkpoint?");
        var h = config.Hidden;
        var extra = $"{prefix}encoder.layer.{config.Layers}.attention.self.query.weight";
        if (file.Contains(extra))
            throw TesseraException.Validation($"{file.Path} holds more layers than num_hidden_layers = {config.Layers} ('{extra}' exists).");
        var buffer = new float[Math.Max(3 * h * h, config.Intermediate * h)];
        var layers = new BertLayerWeights[config.Layers];
        for (var i = 0; i < config.Layers; i++) layers[i] = LoadLayer(file, config, $"{prefix}encoder.layer.{i}.", buffer);
        var e = prefix + "embeddings.";
        return new BertWeights
        {
            Config = config,
            WordEmbeddings = file.ReadFloat32(e + "word_embeddings.weight", config.VocabularySize, h),
            PositionEmbeddings = file.ReadFloat32(e + "position_embeddings.weight", config.MaxPositions, h),
            TokenTypeEmbeddings = file.ReadFloat32(e + "token_type_embeddings.weight", config.TypeVocabularySize, h),
            EmbeddingNormGamma = file.ReadFloat32(e + "LayerNorm.weight", h),
            EmbeddingNormBeta = file.ReadFloat32(e + "LayerNorm.bias", h),
            Layers = layers,
        };
    }

    private static BertLayerWeights LoadLayer(SafeTensorsFile file, BertConfig config, string p, float[] buffer)
    {
        var h = config.Hidden;
        var f = config.Intermediate;
        var queryScale = 1f / MathF.Sqrt(config.HeadDimension);
        file.ReadFloat32(p + "attention.self.query.weight", buffer.AsSpan(0, h * h), h, h);
        System.Numerics.Tensors.TensorPrimitives.Multiply(buffer.AsSpan(0, h * h), queryScale, buffer.AsSpan(0, h * h));
        file.ReadFloat32(p + "attention.self.key.weight", buffer.AsSpan(h * h, h * h), h, h);
        file.ReadFloat32(p + "attention.self.value.weight", buffer.AsSpan(2 * h * h, h * h), h, h);
        var queryKeyValue = PackedMatrix.FromOutputMajor(buffer.AsSpan(0, 3 * h * h), 3 * h, h);
        var bias = Pinned(3 * h);
        var queryBias = file.ReadFloat32(p + "attention.self.query.bias", h);
        System.Numerics.Tensors.TensorPrimitives.Multiply(queryBias, queryScale, bias.AsSpan(0, h));
        file.ReadFloat32(p + "attention.self.key.bias", h).CopyTo(bias, h);
        file.ReadFloat32(p + "attention.self.value.bias", h).CopyTo(bias, 2 * h);
        PackedMatrix Matrix(string name, int rows, int columns)
        {
            file.ReadFloat32(name, buffer.AsSpan(0, rows * columns), rows, columns);
            return PackedMatrix.FromOutputMajor(buffer.AsSpan(0, rows * columns), rows, columns);
        }
        return new BertLayerWeights
        {
            QueryKeyValue = queryKeyValue,
            QueryKeyValueBias = bias,
            AttentionOutput = Matrix(p + "attention.output.dense.weight", h, h),
            AttentionOutputBias = PinnedCopy(file.ReadFloat32(p + "attention.output.dense.bias", h)),
            AttentionNormGamma = file.ReadFloat32(p + "attention.output.LayerNorm.weight", h),
            AttentionNormBeta = file.ReadFloat32(p + "attention.output.LayerNorm.bias", h),
            Intermediate = Matrix(p + "intermediate.dense.weight", f, h),
            IntermediateBias = PinnedCopy(file.ReadFloat32(p + "intermediate.dense.bias", f)),
            Output = Matrix(p + "output.dense.weight", h, f),
            OutputBias = PinnedCopy(file.ReadFloat32(p + "output.dense.bias", h)),
            OutputNormGamma = file.ReadFloat32(p + "output.LayerNorm.weight", h),
            OutputNormBeta = file.ReadFloat32(p + "output.LayerNorm.bias", h),
        };
    }

    private static float[] Pinned(int length) => GC.AllocateArray<float>(length, pinned: true);

    private static float[] PinnedCopy(float[] values)
    {
        var copy = Pinned(values.Length);
        values.CopyTo(copy, 0);
        return copy;
    }
}
