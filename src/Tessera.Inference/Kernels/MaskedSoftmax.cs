using System.Numerics.Tensors;

namespace Tessera.Inference.Kernels;

/// <summary>
/// Row softmax with a key-padding mask. Padding sits at the end of every sequence, so the mask
/// is a valid-key count: keys at or past it are −∞ before the softmax, which is exactly zero
/// after it. Written as that zero instead of exponentiating −∞, it costs nothing for the padded
/// keys. The maximum is subtracted first so large scores cannot overflow.
/// </summary>
internal static class MaskedSoftmax
{
    public static void Apply(Span<float> row, int validKeys)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(validKeys, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(validKeys, row.Length);
        var valid = row[..validKeys];
        var max = TensorPrimitives.Max(valid);
        TensorPrimitives.Subtract(valid, max, valid);
        TensorPrimitives.Exp(valid, valid);
        var sum = TensorPrimitives.Sum(valid);
        TensorPrimitives.Multiply(valid, 1f / sum, valid);
        row[validKeys..].Clear();
    }
}
