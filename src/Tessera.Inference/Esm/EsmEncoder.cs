using System.Buffers;
using Tessera.Inference.Kernels;

namespace Tessera.Inference.Esm;

/// <summary>
/// The ESM-2 forward pass (fair-esm <c>ESM2</c> / HF <c>EsmModel</c>) over a padded batch:
/// word embeddings, token-dropout rescaling, pre-layer-norm blocks with rotary attention, and
/// the final <c>emb_layer_norm_after</c>. It calls only kernels; the weights are immutable and
/// shared, the <see cref="ActivationWorkspace"/> belongs to the caller.
/// </summary>
/// <remarks>
/// Activations are [batch·T, ·] row-major with T the longest sequence. Three buffers cover a
/// layer: X (the residual stream), H (a layer-norm output, then the attention context) and W
/// (Q|K|V, then the feed-forward intermediate), i.e. 2·hidden + max(3·hidden, ffn) floats per
/// token.
/// </remarks>
internal sealed unsafe class EsmEncoder
{
    /// <summary>fair-esm trains with 15 % of tokens selected and 80 % of those masked.</summary>
    private const float MaskRatioTrain = 0.15f * 0.8f;

    private const int SlotX = 0;
    private const int SlotH = 1;
    private const int SlotW = 2;

    public EsmEncoder(EsmWeights weights, SimdPath path)
    {
        Weights = weights;
        Path = path;
    }

    public EsmWeights Weights { get; }

    public SimdPath Path { get; }

    public EsmConfig Config => Weights.Config;

    /// <summary>Floats of activation per token (the workspace's footprint per batch row).</summary>
    public int ActivationFloatsPerToken => 2 * Config.Hidden + Math.Max(3 * Config.Hidden, Config.Intermediate);

    /// <summary>
    /// Runs the encoder on token sequences (each with BOS/EOS) and returns the last hidden state,
    /// [batch × T × hidden] with T the longest length; rows past a sequence's length are padding
    /// and hold no meaning. The span lives in the workspace until its next use.
    /// </summary>
    public ReadOnlySpan<float> Forward(IReadOnlyList<int[]> batch, ActivationWorkspace workspace, ComputeThreads threads)
    {
        var h = Config.Hidden;
        var t = batch.Max(s => s.Length);
        if (t > Config.MaxResidues + 2)
            throw new ArgumentException($"A sequence of {t} tokens exceeds the model's {Config.MaxResidues + 2}.", nameof(batch));
        var rows = batch.Count * t;
        var x = workspace.Get(SlotX, (long)rows * h);
        var hBuffer = workspace.Get(SlotH, (long)rows * h);
        var w = workspace.Get(SlotW, (long)rows * Math.Max(3 * h, Config.Intermediate));
        Embed(batch, t, x);
        fixed (float* px = x, ph = hBuffer, pw = w)
        {
            foreach (var layer in Weights.Layers)
            {
                NormalizeRows(batch, t, x, hBuffer, layer.AttentionNormGamma, layer.AttentionNormBeta);
                fixed (float* qkvBias = layer.QueryKeyValueBias)
                {
                    Gemm.Multiply(new Gemm.Operands(ph, h, rows, h, layer.QueryKeyValue.Pointer, 3 * h, pw, 3 * h, qkvBias), GemmEpilogue.None, Path, threads);
                }
                Attention(batch, t, pw, ph, layer.Rotary, threads);
                fixed (float* bias = layer.AttentionOutputBias)
                {
                    Gemm.Multiply(new Gemm.Operands(ph, h, rows, h, layer.AttentionOutput.Pointer, h, px, h, bias), GemmEpilogue.AccumulateIntoC, Path, threads);
                }
                NormalizeRows(batch, t, x, hBuffer, layer.FeedForwardNormGamma, layer.FeedForwardNormBeta);
                var f = Config.Intermediate;
                fixed (float* bias = layer.IntermediateBias)
                {
                    Gemm.Multiply(new Gemm.Operands(ph, h, rows, h, layer.Intermediate.Pointer, f, pw, f, bias), GemmEpilogue.Gelu, Path, threads);
                }
                fixed (float* bias = layer.OutputBias)
                {
                    Gemm.Multiply(new Gemm.Operands(pw, f, rows, f, layer.Output.Pointer, h, px, h, bias), GemmEpilogue.AccumulateIntoC, Path, threads);
                }
            }
        }
        NormalizeRows(batch, t, x, x, Weights.FinalNormGamma, Weights.FinalNormBeta);
        return x.AsSpan(0, rows * h);
    }

    /// <summary>
    /// Word embeddings with ESM-2's token dropout: <c>&lt;mask&gt;</c> rows are zeroed and every row
    /// of a sequence scaled by (1 − 0.12) / (1 − that sequence's observed mask ratio), the ratio
    /// counting BOS/EOS in the length. Padding rows are zero.
    /// </summary>
    private void Embed(IReadOnlyList<int[]> batch, int t, float[] x)
    {
        var h = Config.Hidden;
        for (var b = 0; b < batch.Count; b++)
        {
            var tokens = batch[b];
            var masks = Config.TokenDropout ? tokens.Count(id => id == Config.MaskTokenId) : 0;
            var scale = Config.TokenDropout ? (1f - MaskRatioTrain) / (1f - (float)masks / tokens.Length) : 1f;
            for (var i = 0; i < t; i++)
            {
                var row = x.AsSpan((b * t + i) * h, h);
                if (i >= tokens.Length || (Config.TokenDropout && tokens[i] == Config.MaskTokenId))
                {
                    row.Clear();
                    continue;
                }
                var id = tokens[i];
                if ((uint)id >= (uint)Config.VocabularySize) throw new ArgumentException($"Token id {id} is outside the vocabulary.", nameof(batch));
                System.Numerics.Tensors.TensorPrimitives.Multiply(Weights.WordEmbeddings.AsSpan(id * h, h), scale, row);
            }
        }
    }

    /// <summary>
    /// Layer norm over the real rows of each sequence. Padding rows of the output are zeroed so
    /// stale workspace contents (possibly NaN or denormal) never reach a GEMM.
    /// </summary>
    private void NormalizeRows(IReadOnlyList<int[]> batch, int t, float[] source, float[] destination, float[] gamma, float[] beta)
    {
        var h = Config.Hidden;
        for (var b = 0; b < batch.Count; b++)
        {
            var start = b * t * h;
            var length = batch[b].Length * h;
            LayerNorm.Apply(source.AsSpan(start, length), destination.AsSpan(start, length), h, gamma, beta, Config.LayerNormEpsilon, Path);
            destination.AsSpan(start + length, t * h - length).Clear();
        }
    }

    /// <summary>
    /// Multi-head self-attention, one task per (sequence, head). Q is scaled by head_dim^−½ and
    /// Q, K rotated (positions 0…T−1, BOS included); scores are masked to the sequence's own keys
    /// (the key-padding mask), and the context lands in <paramref name="context"/> at the head's columns.
    /// Padding query rows are skipped and their context is zero.
    /// </summary>
    private void Attention(IReadOnlyList<int[]> batch, int t, float* qkv, float* context, RotaryEmbedding rotary, ComputeThreads threads)
    {
        var heads = Config.Heads;
        var h = Config.Hidden;
        var d = Config.HeadDimension;
        var scale = 1f / MathF.Sqrt(d);
        var qkvPointer = (nint)qkv;
        var contextPointer = (nint)context;
        var lengths = new int[batch.Count];
        for (var b = 0; b < batch.Count; b++) lengths[b] = batch[b].Length;
        threads.For(batch.Count * heads, task =>
        {
            var b = task / heads;
            var head = task % heads;
            AttendOneHead((float*)qkvPointer + (long)b * t * 3 * h + head * d, (float*)contextPointer + (long)b * t * h + head * d, lengths[b], t, rotary, scale);
        });
    }

    private void AttendOneHead(float* q, float* context, int length, int t, RotaryEmbedding rotary, float scale)
    {
        var h = Config.Hidden;
        var d = Config.HeadDimension;
        var stride = 3 * h;
        var k = q + h;
        var v = q + 2 * h;
        rotary.Apply(q, stride, length, scale, Path);
        rotary.Apply(k, stride, length, 1f, Path);
        var scratch = ArrayPool<float>.Shared.Rent(HeadAttention.ScratchLength(length, d, Path));
        try
        {
            fixed (float* s = scratch) HeadAttention.Run(q, k, v, stride, length, d, context, h, s, Path);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
        for (var i = length; i < t; i++) new Span<float>(context + (long)i * h, d).Clear();
    }
}
