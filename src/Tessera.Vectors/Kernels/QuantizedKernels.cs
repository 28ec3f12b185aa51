using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Tessera.Vectors.Kernels;

/// <summary>
/// Integer distance kernels over signed 8-bit codes whose length is a multiple of 64 (rows are zero-padded, and
/// zeros add nothing to either sum). Bytes are sign-extended to 16 bits and multiplied pairwise into 32-bit sums
/// (vpmaddwd), 64 codes per step with AVX-512 and 32 with AVX2; other machines take the scalar loop.
/// </summary>
internal static unsafe class QuantizedKernels
{
    public const int RowAlignment = 64;

    /// <summary>Σ (a − b)²; exact in 32 bits up to 2^15 padded dimensions.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int SquaredL2(sbyte* a, sbyte* b, int length)
    {
        if (Avx512BW.IsSupported)
        {
            Vector512<int> s0 = default, s1 = default;
            for (var i = 0; i < length; i += 64)
            {
                var d0 = Avx512BW.ConvertToVector512Int16(Vector256.Load(a + i)) - Avx512BW.ConvertToVector512Int16(Vector256.Load(b + i));
                var d1 = Avx512BW.ConvertToVector512Int16(Vector256.Load(a + i + 32)) - Avx512BW.ConvertToVector512Int16(Vector256.Load(b + i + 32));
                s0 += Avx512BW.MultiplyAddAdjacent(d0, d0);
                s1 += Avx512BW.MultiplyAddAdjacent(d1, d1);
            }
            return Vector512.Sum(s0 + s1);
        }
        if (Avx2.IsSupported)
        {
            Vector256<int> s0 = default, s1 = default;
            for (var i = 0; i < length; i += 32)
            {
                var d0 = Avx2.ConvertToVector256Int16(Vector128.Load(a + i)) - Avx2.ConvertToVector256Int16(Vector128.Load(b + i));
                var d1 = Avx2.ConvertToVector256Int16(Vector128.Load(a + i + 16)) - Avx2.ConvertToVector256Int16(Vector128.Load(b + i + 16));
                s0 += Avx2.MultiplyAddAdjacent(d0, d0);
                s1 += Avx2.MultiplyAddAdjacent(d1, d1);
            }
            return Vector256.Sum(s0 + s1);
        }
        return SquaredL2Scalar(a, b, length);
    }

    /// <summary>Σ a·b; exact in 32 bits up to 2^16 padded dimensions.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Dot(sbyte* a, sbyte* b, int length)
    {
        if (Avx512BW.IsSupported)
        {
            Vector512<int> s0 = default, s1 = default;
            for (var i = 0; i < length; i += 64)
            {
                s0 += Avx512BW.MultiplyAddAdjacent(
                    Avx512BW.ConvertToVector512Int16(Vector256.Load(a + i)), Avx512BW.ConvertToVector512Int16(Vector256.Load(b + i)));
                s1 += Avx512BW.MultiplyAddAdjacent(
                    Avx512BW.ConvertToVector512Int16(Vector256.Load(a + i + 32)), Avx512BW.ConvertToVector512Int16(Vector256.Load(b + i + 32)));
            }
            return Vector512.Sum(s0 + s1);
        }
        if (Avx2.IsSupported)
        {
            Vector256<int> s0 = default, s1 = default;
            for (var i = 0; i < length; i += 32)
            {
                s0 += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.Load(a + i)), Avx2.ConvertToVector256Int16(Vector128.Load(b + i)));
                s1 += Avx2.MultiplyAddAdjacent(
                    Avx2.ConvertToVector256Int16(Vector128.Load(a + i + 16)), Avx2.ConvertToVector256Int16(Vector128.Load(b + i + 16)));
            }
            return Vector256.Sum(s0 + s1);
        }
        return DotScalar(a, b, length);
    }

    internal static int SquaredL2Scalar(sbyte* a, sbyte* b, int length)
    {
        var sum = 0;
        for (var i = 0; i < length; i++)
        {
            var d = a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }

    internal static int DotScalar(sbyte* a, sbyte* b, int length)
    {
        var sum = 0;
        for (var i = 0; i < length; i++) sum += a[i] * b[i];
        return sum;
    }
}
