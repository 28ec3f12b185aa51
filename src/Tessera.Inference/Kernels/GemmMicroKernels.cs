using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Tessera.Inference.Kernels;

/// <summary>
/// Where a register tile's rows of A live: A's own rows, <paramref name="rowStride"/> apart, read in
/// place (see <see cref="Gemm"/> on why A is not packed). Rows past the valid count alias the last
/// valid row: their results are never stored.
/// </summary>
internal readonly unsafe struct TileA(float* origin, nint rowStride, int validRows)
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float* Row(int r) => origin + Math.Min(r, validRows - 1) * rowStride;
}

/// <summary>
/// Register-tile kernels: C[rows×16] (+)= A[rows×kc] · packed B[kc×16] (one <see cref="PackedMatrix"/>
/// panel). The tile starts from C when <c>loadC</c> (later depth blocks, or a residual add) and
/// adds the bias when given (first depth block only). The kernels make no calls: any call would
/// force the JIT to spill the accumulators (all vector registers are caller-saved), so the GELU
/// epilogue runs in <see cref="Gemm"/> on the stored tile while it is still in L1.
/// </summary>
internal static unsafe class GemmMicroKernels
{
    public const int Width = PackedMatrix.PanelWidth;

    /// <summary>Rows per register tile for each path: 12 ymm accumulators at 256 bits, 12 zmm at 512.</summary>
    public static int RowsPerTile(SimdPath path) => path == SimdPath.Vector512 ? 12 : 6;

    /// <summary>
    /// Runs the tile against <paramref name="panels"/> consecutive packed panels starting at
    /// <paramref name="b"/> (each kc × 16, as <see cref="PackedMatrix"/> lays them out), writing their
    /// C tiles side by side and taking bias columns likewise. The GEMM passes one panel at a time;
    /// attention scores pass a row of key panels, where a call per 16 keys of depth 16 cost as
    /// much as a third of the arithmetic.
    /// </summary>
    public static void Run(SimdPath path, int kc, in TileA a, float* b, int panels, float* c, int ldc, float* bias, bool loadC)
    {
        switch (path)
        {
            case SimdPath.Vector512: Tile12x16(kc, a, b, panels, c, ldc, bias, loadC); break;
            case SimdPath.Vector256: Tile6x16(kc, a, b, panels, c, ldc, bias, loadC); break;
            default: Scalar6x16(kc, a, b, panels, c, ldc, bias, loadC); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scalar6x16(int kc, in TileA a, float* b, int panels, float* c, int ldc, float* bias, bool loadC)
    {
        const int rows = 6;
        var tile = stackalloc float[rows * Width];
        for (var panel = 0; panel < panels; panel++, c += Width)
        {
            for (var r = 0; r < rows; r++)
            {
                for (var j = 0; j < Width; j++)
                {
                    var start = loadC ? c[r * ldc + j] : 0f;
                    tile[r * Width + j] = bias != null ? start + bias[j] : start;
                }
            }
            for (var r = 0; r < rows; r++)
            {
                var ar = a.Row(r);
                var row = tile + r * Width;
                for (nint k = 0; k < kc; k++)
                {
                    var value = ar[k];
                    var bk = b + k * Width;
                    for (var j = 0; j < Width; j++) row[j] += value * bk[j];
                }
            }
            for (var r = 0; r < rows; r++)
            {
                for (var j = 0; j < Width; j++) c[r * ldc + j] = tile[r * Width + j];
            }
            if (bias != null) bias += Width;
            b += kc * Width;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile6x16(int kc, in TileA a, float* b, int panels, float* c, int ldc, float* bias, bool loadC)
    {
        float* a0 = a.Row(0), a1 = a.Row(1), a2 = a.Row(2), a3 = a.Row(3), a4 = a.Row(4), a5 = a.Row(5);
        for (var panel = 0; panel < panels; panel++, c += Width)
        {
            Vector256<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
            if (loadC)
            {
                c00 = Vector256.Load(c); c01 = Vector256.Load(c + 8);
                c10 = Vector256.Load(c + ldc); c11 = Vector256.Load(c + ldc + 8);
                c20 = Vector256.Load(c + 2 * ldc); c21 = Vector256.Load(c + 2 * ldc + 8);
                c30 = Vector256.Load(c + 3 * ldc); c31 = Vector256.Load(c + 3 * ldc + 8);
                c40 = Vector256.Load(c + 4 * ldc); c41 = Vector256.Load(c + 4 * ldc + 8);
                c50 = Vector256.Load(c + 5 * ldc); c51 = Vector256.Load(c + 5 * ldc + 8);
            }
            else
            {
                c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = Vector256<float>.Zero;
            }
            if (bias != null)
            {
                var bias0 = Vector256.Load(bias);
                var bias1 = Vector256.Load(bias + 8);
                c00 += bias0; c01 += bias1; c10 += bias0; c11 += bias1; c20 += bias0; c21 += bias1;
                c30 += bias0; c31 += bias1; c40 += bias0; c41 += bias1; c50 += bias0; c51 += bias1;
            }
            // Four depth steps per iteration cut the loop overhead, most of all for attention's depth-16 score tiles.
            nint offset = 0;
            var k = 0;
            for (; k + 3 < kc; k += 4)
            {
                {
                    var b0 = Vector256.Load(b);
                    var b1 = Vector256.Load(b + 8);
                    var av = Vector256.Create(a0[offset]);
                    c00 = Vector256.FusedMultiplyAdd(av, b0, c00); c01 = Vector256.FusedMultiplyAdd(av, b1, c01);
                    av = Vector256.Create(a1[offset]);
                    c10 = Vector256.FusedMultiplyAdd(av, b0, c10); c11 = Vector256.FusedMultiplyAdd(av, b1, c11);
                    av = Vector256.Create(a2[offset]);
                    c20 = Vector256.FusedMultiplyAdd(av, b0, c20); c21 = Vector256.FusedMultiplyAdd(av, b1, c21);
                    av = Vector256.Create(a3[offset]);
                    c30 = Vector256.FusedMultiplyAdd(av, b0, c30); c31 = Vector256.FusedMultiplyAdd(av, b1, c31);
                    av = Vector256.Create(a4[offset]);
                    c40 = Vector256.FusedMultiplyAdd(av, b0, c40); c41 = Vector256.FusedMultiplyAdd(av, b1, c41);
                    av = Vector256.Create(a5[offset]);
                    c50 = Vector256.FusedMultiplyAdd(av, b0, c50); c51 = Vector256.FusedMultiplyAdd(av, b1, c51);
                    offset++;
                    b += Width;
                }
                {
                    var b0 = Vector256.Load(b);
                    var b1 = Vector256.Load(b + 8);
                    var av = Vector256.Create(a0[offset]);
                    c00 = Vector256.FusedMultiplyAdd(av, b0, c00); c01 = Vector256.FusedMultiplyAdd(av, b1, c01);
                    av = Vector256.Create(a1[offset]);
                    c10 = Vector256.FusedMultiplyAdd(av, b0, c10); c11 = Vector256.FusedMultiplyAdd(av, b1, c11);
                    av = Vector256.Create(a2[offset]);
                    c20 = Vector256.FusedMultiplyAdd(av, b0, c20); c21 = Vector256.FusedMultiplyAdd(av, b1, c21);
                    av = Vector256.Create(a3[offset]);
                    c30 = Vector256.FusedMultiplyAdd(av, b0, c30); c31 = Vector256.FusedMultiplyAdd(av, b1, c31);
                    av = Vector256.Create(a4[offset]);
                    c40 = Vector256.FusedMultiplyAdd(av, b0, c40); c41 = Vector256.FusedMultiplyAdd(av, b1, c41);
                    av = Vector256.Create(a5[offset]);
                    c50 = Vector256.FusedMultiplyAdd(av, b0, c50); c51 = Vector256.FusedMultiplyAdd(av, b1, c51);
                    offset++;
                    b += Width;
                }
                {
                    var b0 = Vector256.Load(b);
                    var b1 = Vector256.Load(b + 8);
                    var av = Vector256.Create(a0[offset]);
                    c00 = Vector256.FusedMultiplyAdd(av, b0, c00); c01 = Vector256.FusedMultiplyAdd(av, b1, c01);
                    av = Vector256.Create(a1[offset]);
                    c10 = Vector256.FusedMultiplyAdd(av, b0, c10); c11 = Vector256.FusedMultiplyAdd(av, b1, c11);
                    av = Vector256.Create(a2[offset]);
                    c20 = Vector256.FusedMultiplyAdd(av, b0, c20); c21 = Vector256.FusedMultiplyAdd(av, b1, c21);
                    av = Vector256.Create(a3[offset]);
                    c30 = Vector256.FusedMultiplyAdd(av, b0, c30); c31 = Vector256.FusedMultiplyAdd(av, b1, c31);
                    av = Vector256.Create(a4[offset]);
                    c40 = Vector256.FusedMultiplyAdd(av, b0, c40); c41 = Vector256.FusedMultiplyAdd(av, b1, c41);
                    av = Vector256.Create(a5[offset]);
                    c50 = Vector256.FusedMultiplyAdd(av, b0, c50); c51 = Vector256.FusedMultiplyAdd(av, b1, c51);
                    offset++;
                    b += Width;
                }
                {
                    var b0 = Vector256.Load(b);
                    var b1 = Vector256.Load(b + 8);
                    var av = Vector256.Create(a0[offset]);
                    c00 = Vector256.FusedMultiplyAdd(av, b0, c00); c01 = Vector256.FusedMultiplyAdd(av, b1, c01);
                    av = Vector256.Create(a1[offset]);
                    c10 = Vector256.FusedMultiplyAdd(av, b0, c10); c11 = Vector256.FusedMultiplyAdd(av, b1, c11);
                    av = Vector256.Create(a2[offset]);
                    c20 = Vector256.FusedMultiplyAdd(av, b0, c20); c21 = Vector256.FusedMultiplyAdd(av, b1, c21);
                    av = Vector256.Create(a3[offset]);
                    c30 = Vector256.FusedMultiplyAdd(av, b0, c30); c31 = Vector256.FusedMultiplyAdd(av, b1, c31);
                    av = Vector256.Create(a4[offset]);
                    c40 = Vector256.FusedMultiplyAdd(av, b0, c40); c41 = Vector256.FusedMultiplyAdd(av, b1, c41);
                    av = Vector256.Create(a5[offset]);
                    c50 = Vector256.FusedMultiplyAdd(av, b0, c50); c51 = Vector256.FusedMultiplyAdd(av, b1, c51);
                    offset++;
                    b += Width;
                }
            }
            for (; k < kc; k++)
            {
                {
                    var b0 = Vector256.Load(b);
                    var b1 = Vector256.Load(b + 8);
                    var av = Vector256.Create(a0[offset]);
                    c00 = Vector256.FusedMultiplyAdd(av, b0, c00); c01 = Vector256.FusedMultiplyAdd(av, b1, c01);
                    av = Vector256.Create(a1[offset]);
                    c10 = Vector256.FusedMultiplyAdd(av, b0, c10); c11 = Vector256.FusedMultiplyAdd(av, b1, c11);
                    av = Vector256.Create(a2[offset]);
                    c20 = Vector256.FusedMultiplyAdd(av, b0, c20); c21 = Vector256.FusedMultiplyAdd(av, b1, c21);
                    av = Vector256.Create(a3[offset]);
                    c30 = Vector256.FusedMultiplyAdd(av, b0, c30); c31 = Vector256.FusedMultiplyAdd(av, b1, c31);
                    av = Vector256.Create(a4[offset]);
                    c40 = Vector256.FusedMultiplyAdd(av, b0, c40); c41 = Vector256.FusedMultiplyAdd(av, b1, c41);
                    av = Vector256.Create(a5[offset]);
                    c50 = Vector256.FusedMultiplyAdd(av, b0, c50); c51 = Vector256.FusedMultiplyAdd(av, b1, c51);
                    offset++;
                    b += Width;
                }
            }
            c00.Store(c); c01.Store(c + 8);
            c10.Store(c + ldc); c11.Store(c + ldc + 8);
            c20.Store(c + 2 * ldc); c21.Store(c + 2 * ldc + 8);
            c30.Store(c + 3 * ldc); c31.Store(c + 3 * ldc + 8);
            c40.Store(c + 4 * ldc); c41.Store(c + 4 * ldc + 8);
            c50.Store(c + 5 * ldc); c51.Store(c + 5 * ldc + 8);
            if (bias != null) bias += Width;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile12x16(int kc, in TileA a, float* b, int panels, float* c, int ldc, float* bias, bool loadC)
    {
        var a0 = a.Row(0);
        var a1 = a.Row(1);
        var a2 = a.Row(2);
        var a3 = a.Row(3);
        var a4 = a.Row(4);
        var a5 = a.Row(5);
        var a6 = a.Row(6);
        var a7 = a.Row(7);
        var a8 = a.Row(8);
        var a9 = a.Row(9);
        var a10 = a.Row(10);
        var a11 = a.Row(11);
        for (var panel = 0; panel < panels; panel++, c += Width)
        {
            Vector512<float> c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11;
            if (loadC)
            {
                c0 = Vector512.Load(c + 0 * ldc);
                c1 = Vector512.Load(c + 1 * ldc);
                c2 = Vector512.Load(c + 2 * ldc);
                c3 = Vector512.Load(c + 3 * ldc);
                c4 = Vector512.Load(c + 4 * ldc);
                c5 = Vector512.Load(c + 5 * ldc);
                c6 = Vector512.Load(c + 6 * ldc);
                c7 = Vector512.Load(c + 7 * ldc);
                c8 = Vector512.Load(c + 8 * ldc);
                c9 = Vector512.Load(c + 9 * ldc);
                c10 = Vector512.Load(c + 10 * ldc);
                c11 = Vector512.Load(c + 11 * ldc);
            }
            else
            {
                c0 = c1 = c2 = c3 = c4 = c5 = c6 = c7 = c8 = c9 = c10 = c11 = Vector512<float>.Zero;
            }
            if (bias != null)
            {
                var biasVector = Vector512.Load(bias);
                c0 += biasVector; c1 += biasVector; c2 += biasVector; c3 += biasVector; c4 += biasVector; c5 += biasVector; c6 += biasVector; c7 += biasVector; c8 += biasVector; c9 += biasVector; c10 += biasVector; c11 += biasVector;
            }
            nint offset = 0;
            for (var k = 0; k < kc; k++, offset++)
            {
                var bk = Vector512.Load(b);
                c0 = Vector512.FusedMultiplyAdd(Vector512.Create(a0[offset]), bk, c0);
                c1 = Vector512.FusedMultiplyAdd(Vector512.Create(a1[offset]), bk, c1);
                c2 = Vector512.FusedMultiplyAdd(Vector512.Create(a2[offset]), bk, c2);
                c3 = Vector512.FusedMultiplyAdd(Vector512.Create(a3[offset]), bk, c3);
                c4 = Vector512.FusedMultiplyAdd(Vector512.Create(a4[offset]), bk, c4);
                c5 = Vector512.FusedMultiplyAdd(Vector512.Create(a5[offset]), bk, c5);
                c6 = Vector512.FusedMultiplyAdd(Vector512.Create(a6[offset]), bk, c6);
                c7 = Vector512.FusedMultiplyAdd(Vector512.Create(a7[offset]), bk, c7);
                c8 = Vector512.FusedMultiplyAdd(Vector512.Create(a8[offset]), bk, c8);
                c9 = Vector512.FusedMultiplyAdd(Vector512.Create(a9[offset]), bk, c9);
                c10 = Vector512.FusedMultiplyAdd(Vector512.Create(a10[offset]), bk, c10);
                c11 = Vector512.FusedMultiplyAdd(Vector512.Create(a11[offset]), bk, c11);
                b += Width;
            }
            c0.Store(c + 0 * ldc);
            c1.Store(c + 1 * ldc);
            c2.Store(c + 2 * ldc);
            c3.Store(c + 3 * ldc);
            c4.Store(c + 4 * ldc);
            c5.Store(c + 5 * ldc);
            c6.Store(c + 6 * ldc);
            c7.Store(c + 7 * ldc);
            c8.Store(c + 8 * ldc);
            c9.Store(c + 9 * ldc);
            c10.Store(c + 10 * ldc);
            c11.Store(c + 11 * ldc);
            if (bias != null) bias += Width;
        }
    }
}
