namespace Tessera.Core.Numerics;

/// <summary>The NumPy element types Tessera reads and writes.</summary>
public enum NpyDType
{
    Float32,
    Float64,
    Float16,
    Int32,
    Int64,
    UInt8,
    Bool,
}

internal static class NpyDTypeExtensions
{
    public static int Size(this NpyDType dtype) => dtype switch
    {
        NpyDType.Float32 or NpyDType.Int32 => 4,
        NpyDType.Float64 or NpyDType.Int64 => 8,
        NpyDType.Float16 => 2,
        _ => 1,
    };

    internal static string Descriptor(this NpyDType dtype) => dtype switch
    {
        NpyDType.Float32 => "<f4",
        NpyDType.Float64 => "<f8",
        NpyDType.Float16 => "<f2",
        NpyDType.Int32 => "<i4",
        NpyDType.Int64 => "<i8",
        NpyDType.UInt8 => "|u1",
        _ => "|b1",
    };

    internal static NpyDType Parse(string descriptor) => descriptor switch
    {
        "<f4" => NpyDType.Float32,
        "<f8" => NpyDType.Float64,
        "<f2" => NpyDType.Float16,
        "<i4" => NpyDType.Int32,
        "<i8" => NpyDType.Int64,
        "|u1" or "<u1" => NpyDType.UInt8,
        "|b1" => NpyDType.Bool,
        _ => throw new InvalidDataException($"Unsupported .npy dtype '{descriptor}' (supported: little-endian f2, f4, f8, i4, i8, u1, b1)."),
    };
}
