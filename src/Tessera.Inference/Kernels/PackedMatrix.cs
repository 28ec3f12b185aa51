using System.Runtime.CompilerServices;

namespace Tessera.Inference.Kernels;

/// <summary>
/// The right-hand GEMM operand, packed into panels of <see cref="PanelWidth"/> columns so the
/// micro-kernel streams it with unit stride. Panel p holds columns p·16…p·16+15 for every depth
/// index k, k-major (<c>[k·16 + j]</c>); columns past <see cref="Columns"/> are zero.
/// Linear-layer weights are packed once at load; attention operands are packed per head into
/// pooled scratch with the static helpers.
/// </summary>
internal sealed unsafe class PackedMatrix
{
    public const int PanelWidth = 16;

    private PackedMatrix(int depth, int columns, float[] data)
    {
        Depth = depth;
        Columns = columns;
        Data = data;
    }

    /// <summary>K: the shared dimension.</summary>
    public int Depth { get; }

    /// <summary>N: the output columns.</summary>
    public int Columns { get; }

    /// <summary>Pinned, so kernels may hold raw pointers into it for the model's lifetime.</summary>
    public float[] Data { get; }

    public float* Pointer => (float*)Unsafe.AsPointer(ref Data[0]);

    public static int PackedLength(int depth, int columns) => PanelCount(columns) * PanelWidth * depth;

    public static int PanelCount(int columns) => (columns + PanelWidth - 1) / PanelWidth;

    /// <summary>Packs a linear layer's weight as stored by PyTorch, <c>[out = N, in = K]</c> row-major, so that y = x·Wᵀ.</summary>
    public static PackedMatrix FromOutputMajor(ReadOnlySpan<float> weight, int columns, int depth)
    {
        if (weight.Length != columns * depth)
            throw new ArgumentException($"Expected {columns}×{depth} = {columns * depth} values, got {weight.Length}.", nameof(weight));
        var data = GC.AllocateArray<float>(Math.Max(1, PackedLength(depth, columns)), pinned: true);
        fixed (float* source = weight)
        fixed (float* destination = data)
        {
            PackOutputMajor(source, depth, columns, depth, destination);
        }
        return new PackedMatrix(depth, columns, data);
    }

    /// <summary>Packs B given as <c>[N, K]</c> rows (e.g. weights, or attention keys), row stride <paramref name="ldb"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackOutputMajor(float* b, int ldb, int columns, int depth, float* destination)
    {
        var panels = PanelCount(columns);
        for (var p = 0; p < panels; p++)
        {
            var panel = destination + (long)p * PanelWidth * depth;
            var width = Math.Min(PanelWidth, columns - p * PanelWidth);
            for (var j = 0; j < width; j++)
            {
                var row = b + (long)(p * PanelWidth + j) * ldb;
                for (var k = 0; k < depth; k++) panel[k * PanelWidth + j] = row[k];
            }
            for (var j = width; j < PanelWidth; j++)
            {
                for (var k = 0; k < depth; k++) panel[k * PanelWidth + j] = 0f;
            }
        }
    }

    /// <summary>Packs B given as <c>[K, N]</c> rows (e.g. attention values), row stride <paramref name="ldb"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackDepthMajor(float* b, int ldb, int depth, int columns, float* destination)
    {
        var panels = PanelCount(columns);
        for (var p = 0; p < panels; p++)
        {
            var panel = destination + (long)p * PanelWidth * depth;
            var first = p * PanelWidth;
            var width = Math.Min(PanelWidth, columns - first);
            for (var k = 0; k < depth; k++)
            {
                var source = new ReadOnlySpan<float>(b + (long)k * ldb + first, width);
                var target = new Span<float>(panel + k * PanelWidth, PanelWidth);
                source.CopyTo(target);
                target[width..].Clear();
            }
        }
    }
}
