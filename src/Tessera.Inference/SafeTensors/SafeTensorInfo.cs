namespace Tessera.Inference.SafeTensors;

/// <summary>One tensor's header entry; offsets are relative to the start of the data buffer.</summary>
internal sealed record SafeTensorInfo(string Name, SafeTensorDType DType, int[] Shape, long Begin, long End)
{
    public long ElementCount => Shape.Aggregate(1L, (product, dimension) => product * dimension);

    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
