using Tessera.Core.Errors;
using Tessera.Inference.Kernels;
using Tessera.Inference.SafeTensors;

namespace Tessera.Inference.Esm;

/// <summary>
/// ESM-2 weights in the HF <c>EsmModel</c> layout, read from safetensors (F32, F16 or BF16,
/// widened to float32) and packed for the GEMM once. Tensor names may carry the <c>esm.</c>
/// prefix of <c>EsmForMaskedLM</c> or none (<c>EsmModel</c>). Heads (<c>lm_head.*</c>,
/// <c>contact_head.*</c>) and the legacy <c>position_embeddings</c>/<c>position_ids</c> are ignored.
/// </summary>
internal sealed class EsmWeights
{
    private EsmWeights(EsmConfig config, float[] wordEmbeddings, EsmLayerWeights[] layers, float[] finalNormGamma, float[] finalNormBeta)
    {
        Config = config;
        WordEmbeddings = wordEmbeddings;
        Layers = layers;
        FinalNormGamma = finalNormGamma;
        FinalNormBeta = finalNormBeta;
    }

    public EsmConfig Config { get; }

    /// <summary>[vocabulary × hidden], row per token id.</summary>
    public float[] WordEmbeddings { get; }

    public IReadOnlyList<EsmLayerWeights> Layers { get; }

    public float[] FinalNormGamma { get; }

    public float[] FinalNormBeta { get; }

    /// <summary>Float count the packed weights occupy (for the memory budget).</summary>
    public long ParameterFloats =>
        WordEmbeddings.Length + FinalNormGamma.Length + FinalNormBeta.Length
        + Layers.Sum(l => (long)l.QueryKeyValue.Data.Length + l.AttentionOutput.Data.Length + l.Intermediate.Data.Length + l.Output.Data.Length
            + l.QueryKeyValueBias.Length + l.AttentionOutputBias.Length + l.IntermediateBias.Length + l.OutputBias.Length + 4L * Config.Hidden);

    public static EsmWeights Load(SafeTensorsFile file, EsmConfig config)
    {
        var prefix = file.Contains("esm.embeddings.word_embeddings.weight") ? "esm."
            : file.Contains("embeddings.word_embeddings.weight") ? ""
            : throw TesseraException.Validation($"Tensor 'embeddings.word_embeddings.weight' (or 'esm.embeddings.word_embeddings.weight') is missing from {file.Path}; is this an ESM checkpoint?");
        var h = config.Hidden;
        var embeddings = file.ReadFloat32(prefix + "embeddings.word_embeddings.weight", config.VocabularySize, h);
        // One buffer, reused for every matrix on its way to the packed layout, so loading leaves
        // no garbage the size of the model behind.
        var buffer = new float[Math.Max(3 * h * h, config.Intermediate * h)];
        var layers = new EsmLayerWeights[config.Layers];
        for (var i = 0; i < config.Layers; i++) layers[i] = LoadLayer(file, config, $"{prefix}encoder.layer.{i}.", buffer);
        var gamma = file.ReadFloat32(prefix + "encoder.emb_layer_norm_after.weight", h);
        var beta = file.ReadFloat32(prefix + "encoder.emb_layer_norm_after.bias", h);
        var extra = $"{prefix}encoder.layer.{config.Layers}.attention.self.query.weight";
        if (file.Contains(extra))
            throw TesseraException.Validation($"{file.Path} holds more layers than num_hidden_layers = {config.Layers} ('{extra}' exists).");
        return new EsmWeights(config, embeddings, layers, gamma, beta);
    }

    private static EsmLayerWeights LoadLayer(SafeTensorsFile file, EsmConfig config, string p, float[] buffer)
    {
        var h = config.Hidden;
        var f = config.Intermediate;
        file.ReadFloat32(p + "attention.self.query.weight", buffer.AsSpan(0, h * h), h, h);
        file.ReadFloat32(p + "attention.self.key.weight", buffer.AsSpan(h * h, h * h), h, h);
        file.ReadFloat32(p + "attention.self.value.weight", buffer.AsSpan(2 * h * h, h * h), h, h);
        var queryKeyValue = PackedMatrix.FromOutputMajor(buffer.AsSpan(0, 3 * h * h), 3 * h, h);
        PackedMatrix Matrix(string name, int rows, int columns)
        {
            file.ReadFloat32(name, buffer.AsSpan(0, rows * columns), rows, columns);
            return PackedMatrix.FromOutputMajor(buffer.AsSpan(0, rows * columns), rows, columns);
        }
        var bias = Pinned(3 * h);
        file.ReadFloat32(p + "attention.self.query.bias", h).CopyTo(bias, 0);
        file.ReadFloat32(p + "attention.self.key.bias", h).CopyTo(bias, h);
        file.ReadFloat32(p + "attention.self.value.bias", h).CopyTo(bias, 2 * h);
        return new EsmLayerWeights
        {
            AttentionNormGamma = file.ReadFloat32(p + "attention.LayerNorm.weight", h),
            AttentionNormBeta = file.ReadFloat32(p + "attention.LayerNorm.bias", h),
            QueryKeyValue = queryKeyValue,
            QueryKeyValueBias = bias,
            Rotary = new RotaryEmbedding(InverseFrequencies(file, config, p + "attention.self.rotary_embeddings.inv_freq"), config.MaxResidues + 2),
            AttentionOutput = Matrix(p + "attention.output.dense.weight", h, h),
            AttentionOutputBias = PinnedCopy(file.ReadFloat32(p + "attention.output.dense.bias", h)),
            FeedForwardNormGamma = file.ReadFloat32(p + "LayerNorm.weight", h),
            FeedForwardNormBeta = file.ReadFloat32(p + "LayerNorm.bias", h),
            Intermediate = Matrix(p + "intermediate.dense.weight", f, h),
            IntermediateBias = PinnedCopy(file.ReadFloat32(p + "intermediate.dense.bias", f)),
            Output = Matrix(p + "output.dense.weight", h, f),
            OutputBias = PinnedCopy(file.ReadFloat32(p + "output.dense.bias", h)),
        };
    }

    /// <summary>
    /// The checkpoint's rotary <c>inv_freq</c> buffer: real checkpoints store it rounded, so it is used as is.
    /// Only a checkpoint saved without the buffer gets HF's formula, 1 / 10000^(2i/d), in float32.
    /// </summary>
    private static float[] InverseFrequencies(SafeTensorsFile file, EsmConfig config, string name)
    {
        var half = config.HeadDimension / 2;
        if (file.Contains(name)) return file.ReadFloat32(name, half);
        var computed = new float[half];
        for (var i = 0; i < half; i++) computed[i] = 1f / MathF.Pow(10000f, 2f * i / config.HeadDimension);
        return computed;
    }

    private static float[] Pinned(int length) => GC.AllocateArray<float>(length, pinned: true);

    private static float[] PinnedCopy(float[] values)
    {
        var copy = Pinned(values.Length);
        values.CopyTo(copy, 0);
        return copy;
    }
}
