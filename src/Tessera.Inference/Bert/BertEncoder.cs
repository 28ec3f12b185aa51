using System.Buffers;
using System.Numerics.Tensors;
using Tessera.Inference.Kernels;

namespace Tessera.Inference.Bert;

/// <summary>
/// The BERT forward pass (HF <c>BertModel</c>, post-layer-norm) on the engine's kernels: word + position +
/// token-type embeddings and layer norm, then per block fused QKV, attention, output projection + residual +
/// layer norm, GELU feed-forward + residual + layer norm. Weights are immutable and shared; the
/// <see cref="ActivationWorkspace"/> belongs to the caller.
/// </summary>
/// <remarks>
/// A batch is ragged, not padded: sequence b's rows follow sequence b−1's, so the GEMMs do no work on padding
/// and attention (one task per sequence and head) sees exactly its own keys. Every other step is per row, and
/// a GEMM row's arithmetic does not depend on its neighbours, so a sequence's states are the same bits in any
/// batch. Three buffers: X (the residual stream), C (attention context) and W (Q|K|V, then the feed-forward
/// intermediate).
/// </remarks>
internal sealed unsafe class BertEncoder(BertWeights weights, SimdPath path)
{
    private const int SlotX = 0;
    private const int SlotContext = 1;
    private const int SlotW = 2;

    public BertConfig Config => weights.Config;

    public SimdPath Path => path;

    /// <summary>
    /// Runs token sequences (each framed [CLS] … [SEP], token type 0) and returns the last hidden states, the
    /// sequences' rows one after another ([Σ lengths × hidden]). The span lives in the workspace until its next use.
    /// </summary>
    public ReadOnlySpan<float> Forward(IReadOnlyList<long[]> batch, ActivationWorkspace workspace, ComputeThreads threads)
    {
        var h = Config.Hidden;
        var f = Config.Intermediate;
        var offsets = new int[batch.Count + 1];
        for (var b = 0; b < batch.Count; b++)
        {
            if (batch[b].Length < 1 || batch[b].Length > Config.MaxPositions)
                throw new ArgumentException($"A sequence of {batch[b].Length} tokens does not fit the model's 1…{Config.MaxPositions}.", nameof(batch));
            offsets[b + 1] = offsets[b] + batch[b].Length;
        }
        var rows = offsets[^1];
        if (rows == 0) return [];
        var x = workspace.Get(SlotX, (long)rows * h);
        var context = workspace.Get(SlotContext, (long)rows * h);
        var w = workspace.Get(SlotW, (long)rows * Math.Max(3 * h, f));
        Embed(batch, offsets, x);
        fixed (float* px = x, pc = context, pw = w)
        {
            foreach (var layer in weights.Layers)
            {
                fixed (float* bias = layer.QueryKeyValueBias)
                    Gemm.Multiply(new Gemm.Operands(px, h, rows, h, layer.QueryKeyValue.Pointer, 3 * h, pw, 3 * h, bias), GemmEpilogue.None, path, threads);
                Attention(offsets, pw, pc, threads);
                fixed (float* bias = layer.AttentionOutputBias)
                    Gemm.Multiply(new Gemm.Operands(pc, h, rows, h, layer.AttentionOutput.Pointer, h, px, h, bias), GemmEpilogue.AccumulateIntoC, path, threads);
                LayerNorm.Apply(x.AsSpan(0, rows * h), x, h, layer.AttentionNormGamma, layer.AttentionNormBeta, Config.LayerNormEpsilon, path);
                fixed (float* bias = layer.IntermediateBias)
                    Gemm.Multiply(new Gemm.Operands(px, h, rows, h, layer.Intermediate.Pointer, f, pw, f, bias), GemmEpilogue.Gelu, path, threads);
                fixed (float* bias = layer.OutputBias)
                    Gemm.Multiply(new Gemm.Operands(pw, f, rows, f, layer.Output.Pointer, h, px, h, bias), GemmEpilogue.AccumulateIntoC, path, threads);
                LayerNorm.Apply(x.AsSpan(0, rows * h), x, h, layer.OutputNormGamma, layer.OutputNormBeta, Config.LayerNormEpsilon, path);
            }
        }
        return x.AsSpan(0, rows * h);
    }

    private void Embed(IReadOnlyList<long[]> batch, int[] offsets, float[] x)
    {
        var h = Config.Hidden;
        var typeZero = weights.TokenTypeEmbeddings.AsSpan(0, h);
        for (var b = 0; b < batch.Count; b++)
        {
            var tokens = batch[b];
            for (var i = 0; i < tokens.Length; i++)
            {
                var id = tokens[i];
                if ((ulong)id >= (ulong)Config.VocabularySize) throw new ArgumentException($"Token id {id} is outside the vocabulary.", nameof(batch));
                var row = x.AsSpan((offsets[b] + i) * h, h);
                // HF adds word + token type first, then position: the same order keeps float32 sums equal.
                TensorPrimitives.Add(weights.WordEmbeddings.AsSpan((int)id * h, h), typeZero, row);
                TensorPrimitives.Add(row, weights.PositionEmbeddings.AsSpan(i * h, h), row);
            }
        }
        var all = x.AsSpan(0, offsets[^1] * h);
        LayerNorm.Apply(all, all, h, weights.EmbeddingNormGamma, weights.EmbeddingNormBeta, Config.LayerNormEpsilon, path);
    }

    /// <summary>Self-attention, one task per (sequence, head), over the sequence's own rows; Q is pre-scaled in the weights.</summary>
    private void Attention(int[] offsets, float* qkv, float* context, ComputeThreads threads)
    {
        var heads = Config.Heads;
        var h = Config.Hidden;
        var d = Config.HeadDimension;
        var qkvPointer = (nint)qkv;
        var contextPointer = (nint)context;
        var sequences = offsets.Length - 1;
        threads.For(sequences * heads, task =>
        {
            var b = task / heads;
            var head = task % heads;
            var length = offsets[b + 1] - offsets[b];
            var q = (float*)qkvPointer + (long)offsets[b] * 3 * h + head * d;
            var scratch = ArrayPool<float>.Shared.Rent(HeadAttention.ScratchLength(length, d, path));
            try
            {
                fixed (float* s = scratch)
                    HeadAttention.Run(q, q + h, q + 2 * h, 3 * h, length, d, (float*)contextPointer + (long)offsets[b] * h + head * d, h, s, path);
            }
            finally
            {
                ArrayPool<float>.Shared.Return(scratch);
            }
        });
    }
}
