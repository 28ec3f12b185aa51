using System.Runtime.CompilerServices;

namespace Tessera.Inference.Kernels;

/// <summary>
/// Softmax(Q·Kᵀ)·V for one head of one sequence, a register tile of query rows at a time: the
/// tile's scores, softmax and probability × value product all stay in L1, where two whole-head
/// GEMMs would write and re-read a length × length score matrix and pack Q for a depth of only
/// head_dim. Only the sequence's own keys are used: padded keys have softmax weight exactly 0.
/// The arithmetic is the GEMM micro-kernels' in the same order, so results equal the two-GEMM form.
/// </summary>
internal static unsafe class HeadAttention
{
    private const int Width = PackedMatrix.PanelWidth;

    /// <summary>Floats of scratch <see cref="Run"/> needs for <paramref name="length"/> tokens.</summary>
    public static int ScratchLength(int length, int headDimension, SimdPath path) =>
        PackedMatrix.PackedLength(headDimension, length)
        + PackedMatrix.PackedLength(length, headDimension)
        + GemmMicroKernels.RowsPerTile(path) * (PaddedLength(length) + Width);

    /// <summary>
    /// Writes the context of query rows 0…<paramref name="length"/>−1 (already scaled and rotated)
    /// to <paramref name="context"/>. Q, K and V rows i start at the pointers + i·<paramref name="stride"/>;
    /// context rows at <paramref name="context"/> + i·<paramref name="contextStride"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(float* q, float* k, float* v, nint stride, int length, int headDimension, float* context, nint contextStride, float* scratch, SimdPath path)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        var d = headDimension;
        var tileRows = GemmMicroKernels.RowsPerTile(path);
        var scoresStride = PaddedLength(length);
        var packedKeys = scratch;
        var packedValues = packedKeys + PackedMatrix.PackedLength(d, length);
        var scores = packedValues + PackedMatrix.PackedLength(length, d);
        var tile = scores + tileRows * scoresStride;
        PackedMatrix.PackOutputMajor(k, (int)stride, length, d, packedKeys);
        PackedMatrix.PackDepthMajor(v, (int)stride, length, d, packedValues);
        var keyPanels = PackedMatrix.PanelCount(length);
        var valuePanels = PackedMatrix.PanelCount(d);
        var inverseSums = stackalloc float[tileRows];
        for (var row0 = 0; row0 < length; row0 += tileRows)
        {
            var rows = Math.Min(tileRows, length - row0);
            // Kernels write whole tiles: rows past `rows` land in the scratch and are never read.
            var queries = new TileA(q + row0 * stride, stride, rows);
            GemmMicroKernels.Run(path, d, queries, packedKeys, keyPanels, scores, scoresStride, null, loadC: false);
            MaskedSoftmax.ApplyUnnormalized(scores, scoresStride, rows, length, inverseSums, path);
            var probabilities = new TileA(scores, scoresStride, rows);
            for (var panel = 0; panel < valuePanels; panel++)
            {
                GemmMicroKernels.Run(path, length, probabilities, packedValues + (long)panel * Width * length, 1, tile, Width, null, loadC: false);
                var columns = Math.Min(Width, d - panel * Width);
                for (var r = 0; r < rows; r++)
                    VectorLoops.Scale(new ReadOnlySpan<float>(tile + r * Width, columns), inverseSums[r], new Span<float>(context + (row0 + r) * contextStride + panel * Width, columns), path);
            }
        }
    }

    /// <summary>Score rows are whole key panels long, so every score tile fits without edge handling.</summary>
    private static int PaddedLength(int length) => PackedMatrix.PanelCount(length) * Width;
}
