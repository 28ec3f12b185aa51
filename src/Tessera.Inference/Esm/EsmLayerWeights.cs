using Tessera.Inference.Kernels;

namespace Tessera.Inference.Esm;

/// <summary>
/// One pre-layer-norm transformer block. Query, key and value are fused into one packed
/// [3·hidden] projection so a single GEMM produces all three.
/// </summary>
internal sealed class EsmLayerWeights
{
    public required float[] AttentionNormGamma { get; init; }
    public required float[] AttentionNormBeta { get; init; }
    public required PackedMatrix QueryKeyValue { get; init; }
    public required float[] QueryKeyValueBias { get; init; }
    public required RotaryEmbedding Rotary { get; init; }
    public required PackedMatrix AttentionOutput { get; init; }
    public required float[] AttentionOutputBias { get; init; }
    public required float[] FeedForwardNormGamma { get; init; }
    public required float[] FeedForwardNormBeta { get; init; }
    public required PackedMatrix Intermediate { get; init; }
    public required float[] IntermediateBias { get; init; }
    public required PackedMatrix Output { get; init; }
    public required float[] OutputBias { get; init; }
}
