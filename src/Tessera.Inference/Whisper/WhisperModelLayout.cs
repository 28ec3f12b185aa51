namespace Tessera.Inference.Whisper;

/// <summary>A ggml tensor type whisper.cpp's f16 models use.</summary>
internal enum GgmlType
{
    F32 = 0,
    F16 = 1,
}

/// <summary>One tensor a model must hold: its name, its dimensions (ggml order, fastest first) and its type.</summary>
internal sealed record WhisperTensorSpec(string Name, int[] Dims, GgmlType Type)
{
    public long Elements => Dims.Aggregate(1L, (total, d) => total * d);

    public long Bytes => Elements * (Type == GgmlType.F16 ? 2 : 4);
}

/// <summary>
/// The tensors whisper.cpp's loader (<c>whisper_model_load</c>) creates for an f16 model with the given dimensions:
/// the matrices (and the convolution kernels) in f16, everything else (biases, norms, positional embeddings) in f32.
/// A file must hold exactly these, each once, in any order.
/// </summary>
internal static class WhisperModelLayout
{
    public static IReadOnlyDictionary<string, WhisperTensorSpec> Expected(WhisperHyperparameters h)
    {
        ArgumentNullException.ThrowIfNull(h);
        var s = h.AudioState;
        var tensors = new List<WhisperTensorSpec>
        {
            new("encoder.positional_embedding", [s, h.AudioContext], GgmlType.F32),
            new("encoder.conv1.weight", [3, h.Mels, s], GgmlType.F16),
            new("encoder.conv1.bias", [1, s], GgmlType.F32),
            new("encoder.conv2.weight", [3, s, s], GgmlType.F16),
            new("encoder.conv2.bias", [1, s], GgmlType.F32),
            new("encoder.ln_post.weight", [s], GgmlType.F32),
            new("encoder.ln_post.bias", [s], GgmlType.F32),
            new("decoder.positional_embedding", [s, h.TextContext], GgmlType.F32),
            new("decoder.token_embedding.weight", [s, h.Vocabulary], GgmlType.F16),
            new("decoder.ln.weight", [s], GgmlType.F32),
            new("decoder.ln.bias", [s], GgmlType.F32),
        };
        for (var i = 0; i < h.AudioLayers; i++)
        {
            tensors.AddRange(FeedForward($"encoder.blocks.{i}.", s));
            tensors.AddRange(Attention($"encoder.blocks.{i}.attn", s));
        }
        for (var i = 0; i < h.TextLayers; i++)
        {
            tensors.AddRange(FeedForward($"decoder.blocks.{i}.", s));
            tensors.AddRange(Attention($"decoder.blocks.{i}.attn", s));
            tensors.AddRange(Attention($"decoder.blocks.{i}.cross_attn", s));
        }
        return tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    private static IEnumerable<WhisperTensorSpec> FeedForward(string prefix, int s) =>
    [
        new(prefix + "mlp_ln.weight", [s], GgmlType.F32),
        new(prefix + "mlp_ln.bias", [s], GgmlType.F32),
        new(prefix + "mlp.0.weight", [s, 4 * s], GgmlType.F16),
        new(prefix + "mlp.0.bias", [4 * s], GgmlType.F32),
        new(prefix + "mlp.2.weight", [4 * s, s], GgmlType.F16),
        new(prefix + "mlp.2.bias", [s], GgmlType.F32),
    ];

    // Key projections have no bias in Whisper.
    private static IEnumerable<WhisperTensorSpec> Attention(string prefix, int s) =>
    [
        new(prefix + "_ln.weight", [s], GgmlType.F32),
        new(prefix + "_ln.bias", [s], GgmlType.F32),
        new(prefix + ".query.weight", [s, s], GgmlType.F16),
        new(prefix + ".query.bias", [s], GgmlType.F32),
        new(prefix + ".key.weight", [s, s], GgmlType.F16),
        new(prefix + ".value.weight", [s, s], GgmlType.F16),
        new(prefix + ".value.bias", [s], GgmlType.F32),
        new(prefix + ".out.weight", [s, s], GgmlType.F16),
        new(prefix + ".out.bias", [s], GgmlType.F32),
    ];
}
