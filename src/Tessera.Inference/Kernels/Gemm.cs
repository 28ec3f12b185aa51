using System.Runtime.CompilerServices;

namespace Tessera.Inference.Kernels;

/// <summary>What happens to a GEMM tile besides the product.</summary>
[Flags]
internal enum GemmEpilogue
{
    None = 0,

    /// <summary>Add the product to what C already holds (fuses a residual connection).</summary>
    AccumulateIntoC = 1,

    /// <summary>Apply GELU after bias (fuses the feed-forward activation).</summary>
    Gelu = 2,
}

/// <summary>
/// Blocked float32 GEMM: C[m×n] = A[m×k] · B[k×n] + bias, with B a <see cref="PackedMatrix"/>.
/// Goto-style blocking: depth blocks of at most <see cref="DepthBlock"/> keep a 16-column B panel in L1
/// while row blocks of <see cref="RowBlock"/> A rows stream from L2. Work is split over row blocks
/// and, when there are fewer row blocks than threads, over column panels too.
/// A is read in place, not packed: a register tile reads six (or twelve) rows with unit stride,
/// which the prefetchers follow as well as one packed stream, and measured whole-model CPU time
/// was 4 % lower at 66–1024 rows and equal at 4,128 (packing also ran once per column chunk when
/// threads split the columns). No scratch, so calls allocate nothing.
/// </summary>
internal static unsafe class Gemm
{
    /// <summary>
    /// Largest depth block: a 16 × 384 panel is 24 KB, inside a 32 KB L1. The depth is split into
    /// equal blocks (320 → one block, 1280 → four of 320) because a short tail block would load
    /// and store every C tile once more for little work.
    /// </summary>
    public const int DepthBlock = 384;

    /// <summary>Rows per block; a multiple of every path's tile height (6 and 12).</summary>
    public const int RowBlock = 96;

    /// <summary>Raw operands of one product. Row strides let callers address a head's slice of a wider buffer.</summary>
    internal readonly struct Operands(float* a, int lda, int rows, int depth, float* packedB, int columns, float* c, int ldc, float* bias)
    {
        public readonly float* A = a;
        public readonly int Lda = lda;
        public readonly int Rows = rows;
        public readonly int Depth = depth;
        public readonly float* PackedB = packedB;
        public readonly int Columns = columns;
        public readonly float* C = c;
        public readonly int Ldc = ldc;
        public readonly float* Bias = bias;
    }

    public static void Multiply(in Operands operands, GemmEpilogue epilogue, SimdPath path, ComputeThreads threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(operands.Depth, 1);
        if (operands.Rows == 0 || operands.Columns == 0) return;
        var rowBlocks = (operands.Rows + RowBlock - 1) / RowBlock;
        var panels = PackedMatrix.PanelCount(operands.Columns);
        if (threads.Count == 1)
        {
            for (var block = 0; block < rowBlocks; block++) MultiplyBlock(operands, epilogue, path, block, 0, panels);
            return;
        }
        MultiplyParallel(operands, epilogue, path, threads, rowBlocks, panels);
    }

    /// <summary>Kept apart from <see cref="Multiply"/> so the single-threaded path allocates no closure.</summary>
    private static void MultiplyParallel(Operands operands, GemmEpilogue epilogue, SimdPath path, ComputeThreads threads, int rowBlocks, int panels)
    {
        var columnChunks = Math.Clamp((2 * threads.Count + rowBlocks - 1) / rowBlocks, 1, panels);
        threads.For(rowBlocks * columnChunks, task =>
        {
            var block = task / columnChunks;
            var chunk = task % columnChunks;
            var firstPanel = (int)((long)panels * chunk / columnChunks);
            var endPanel = (int)((long)panels * (chunk + 1) / columnChunks);
            MultiplyBlock(operands, epilogue, path, block, firstPanel, endPanel);
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyBlock(in Operands o, GemmEpilogue epilogue, SimdPath path, int block, int firstPanel, int endPanel)
    {
        var tileRows = GemmMicroKernels.RowsPerTile(path);
        var row0 = block * RowBlock;
        var rows = Math.Min(RowBlock, o.Rows - row0);
        var accumulate = (epilogue & GemmEpilogue.AccumulateIntoC) != 0;
        var gelu = (epilogue & GemmEpilogue.Gelu) != 0;
        var depthBlocks = (o.Depth + DepthBlock - 1) / DepthBlock;
        var blockDepth = (o.Depth + depthBlocks - 1) / depthBlocks;
        for (var depth0 = 0; depth0 < o.Depth; depth0 += blockDepth)
        {
            var kc = Math.Min(blockDepth, o.Depth - depth0);
            var first = depth0 == 0;
            var last = depth0 + kc >= o.Depth;
            var rowsA = o.A + (long)row0 * o.Lda + depth0;
            for (var panel = firstPanel; panel < endPanel; panel++)
            {
                var column0 = panel * PackedMatrix.PanelWidth;
                var columns = Math.Min(PackedMatrix.PanelWidth, o.Columns - column0);
                var b = o.PackedB + (long)panel * PackedMatrix.PanelWidth * o.Depth + depth0 * PackedMatrix.PanelWidth;
                var bias = first && o.Bias != null ? o.Bias + column0 : null;
                var loadC = !first || accumulate;
                var applyGelu = last && gelu;
                for (var r = 0; r < rows; r += tileRows)
                {
                    var c = o.C + (long)(row0 + r) * o.Ldc + column0;
                    var valid = Math.Min(tileRows, rows - r);
                    var a = new TileA(rowsA + (long)r * o.Lda, o.Lda, valid);
                    if (valid == tileRows && columns == PackedMatrix.PanelWidth)
                        GemmMicroKernels.Run(path, kc, a, b, 1, c, o.Ldc, bias, loadC);
                    else
                        RunEdgeTile(path, kc, a, b, c, o.Ldc, bias, loadC, valid, columns);
                    if (applyGelu) Gelu.Apply(c, o.Ldc, valid, columns, path);
                }
            }
        }
    }

    /// <summary>A partial tile runs on a full-size stack copy so the kernels never read or write past C or the bias.</summary>
    private static void RunEdgeTile(SimdPath path, int kc, in TileA a, float* b, float* c, int ldc, float* bias, bool loadC, int rows, int columns)
    {
        const int width = PackedMatrix.PanelWidth;
        var tile = stackalloc float[12 * width];
        new Span<float>(tile, 12 * width).Clear();
        if (loadC)
        {
            for (var r = 0; r < rows; r++) new ReadOnlySpan<float>(c + (long)r * ldc, columns).CopyTo(new Span<float>(tile + r * width, columns));
        }
        float* paddedBias = null;
        if (bias != null)
        {
            var padded = stackalloc float[width];
            new Span<float>(padded, width).Clear();
            new ReadOnlySpan<float>(bias, columns).CopyTo(new Span<float>(padded, width));
            paddedBias = padded;
        }
        GemmMicroKernels.Run(path, kc, a, b, 1, tile, width, paddedBias, loadC: true);
        for (var r = 0; r < rows; r++) new ReadOnlySpan<float>(tile + r * width, columns).CopyTo(new Span<float>(c + (long)r * ldc, columns));
    }
}
