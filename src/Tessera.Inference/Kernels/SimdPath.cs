using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Tessera.Inference.Kernels;

/// <summary>Which instruction width a kernel runs at. Tests pick a path explicitly; production uses <see cref="SimdPaths.Best"/>.</summary>
internal enum SimdPath
{
    /// <summary>Portable scalar code: the reference every vector path is tested against.</summary>
    Scalar,

    /// <summary>256-bit vectors with fused multiply-add (AVX2 + FMA).</summary>
    Vector256,

    /// <summary>512-bit vectors (AVX-512F).</summary>
    Vector512,
}

internal static class SimdPaths
{
    /// <summary>The widest path this CPU runs natively. A vector path that would be emulated in software is never chosen.</summary>
    public static SimdPath Best { get; } =
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? SimdPath.Vector512
        : Vector256.IsHardwareAccelerated && Fma.IsSupported ? SimdPath.Vector256
        : SimdPath.Scalar;
}
