using System.Runtime.InteropServices;
using Google.Protobuf;
using Tessera.Core.Errors;

namespace Tessera.Inference.Onnx;

/// <summary>A tensor stored in an ONNX file (an initializer, or a <c>Constant</c> node's value); float and int64 only.</summary>
internal sealed record OnnxTensor(string Name, long[] Dimensions, int DataType, float[]? Floats, long[]? Int64s)
{
    public const int Float = 1;
    public const int Int64 = 7;

    public long ElementCount => Dimensions.Aggregate(1L, (product, d) => product * d);
}

/// <summary>One graph node: operator, input and output value names, and the tensor of a <c>Constant</c>.</summary>
internal sealed record OnnxNode(string Operator, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs, OnnxTensor? ConstantValue);

/// <summary>
/// The parts of an ONNX model an importer needs: the main graph's initializers and nodes. Read with
/// Google.Protobuf's <see cref="CodedInputStream"/> over the field numbers of <c>onnx.proto</c> (ModelProto.graph = 7;
/// GraphProto.node = 1, initializer = 5; NodeProto input = 1, output = 2, op_type = 4, attribute = 5;
/// AttributeProto.t = 5; TensorProto dims = 1, data_type = 2, float_data = 4, int64_data = 7, name = 8,
/// raw_data = 9, data_location = 14) rather than generated classes: a dozen fields, and every other field skipped.
/// </summary>
internal sealed class OnnxGraph
{
    private OnnxGraph(Dictionary<string, OnnxTensor> initializers, List<OnnxNode> nodes)
    {
        Initializers = initializers;
        Nodes = nodes;
    }

    public IReadOnlyDictionary<string, OnnxTensor> Initializers { get; }

    public IReadOnlyList<OnnxNode> Nodes { get; }

    /// <summary>Parses <paramref name="model"/>; <paramref name="source"/> names it in errors.</summary>
    public static OnnxGraph Read(byte[] model, string source)
    {
        try
        {
            var input = new CodedInputStream(model);
            byte[]? graph = null;
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (WireFormat.GetTagFieldNumber(tag) == 7 && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited) graph = Array(input.ReadBytes());
                else input.SkipLastField();
            }
            if (graph is null) throw NotOnnx(source, "it has no graph");
            return ReadGraph(graph, source);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw NotOnnx(source, e.Message);
        }
    }

    /// <summary>The value of a constant: an initializer or a <c>Constant</c> node's output; null when computed.</summary>
    public OnnxTensor? Constant(string name) =>
        Initializers.TryGetValue(name, out var tensor) ? tensor : Nodes.FirstOrDefault(n => n.ConstantValue is not null && n.Outputs.Contains(name))?.ConstantValue;

    /// <summary>The node that produces <paramref name="value"/>, or null for a graph input or initializer.</summary>
    public OnnxNode? Producer(string value) => Nodes.FirstOrDefault(n => n.Outputs.Contains(value));

    /// <summary>The nodes that read <paramref name="value"/>.</summary>
    public IEnumerable<OnnxNode> Consumers(string value) => Nodes.Where(n => n.Inputs.Contains(value));

    private static OnnxGraph ReadGraph(byte[] graph, string source)
    {
        var initializers = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        var nodes = new List<OnnxNode>();
        var input = new CodedInputStream(graph);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1:
                    nodes.Add(ReadNode(Array(input.ReadBytes()), source));
                    break;
                case 5:
                    var tensor = ReadTensor(Array(input.ReadBytes()), source);
                    initializers[tensor.Name] = tensor;
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }
        return new OnnxGraph(initializers, nodes);
    }

    private static OnnxNode ReadNode(byte[] node, string source)
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        var op = "";
        OnnxTensor? constant = null;
        var input = new CodedInputStream(node);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: inputs.Add(input.ReadString()); break;
                case 2: outputs.Add(input.ReadString()); break;
                case 4: op = input.ReadString(); break;
                case 5: constant ??= ReadAttributeTensor(Array(input.ReadBytes()), source); break;
                default: input.SkipLastField(); break;
            }
        }
        return new OnnxNode(op, inputs, outputs, op == "Constant" ? constant : null);
    }

    private static OnnxTensor? ReadAttributeTensor(byte[] attribute, string source)
    {
        var input = new CodedInputStream(attribute);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 5 && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited) return ReadTensor(Array(input.ReadBytes()), source);
            input.SkipLastField();
        }
        return null;
    }

    private static OnnxTensor ReadTensor(byte[] tensor, string source)
    {
        var name = "";
        var dimensions = new List<long>();
        var dataType = 0;
        byte[]? raw = null;
        var floats = new List<float>();
        var longs = new List<long>();
        var input = new CodedInputStream(tensor);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var packed = WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited;
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1 when packed: ReadPackedInt64(input, dimensions); break;
                case 1: dimensions.Add(input.ReadInt64()); break;
                case 2: dataType = input.ReadInt32(); break;
                case 4 when packed: floats.AddRange(MemoryMarshal.Cast<byte, float>(input.ReadBytes().Span).ToArray()); break;
                case 4: floats.Add(input.ReadFloat()); break;
                case 7 when packed: ReadPackedInt64(input, longs); break;
                case 7: longs.Add(input.ReadInt64()); break;
                case 8: name = input.ReadString(); break;
                case 9: raw = Array(input.ReadBytes()); break;
                case 14:
                    if (input.ReadEnum() != 0) throw TesseraException.Validation($"{source} keeps tensor weights in external files; import a self-contained ONNX file.");
                    break;
                default: input.SkipLastField(); break;
            }
        }
        var dims = dimensions.ToArray();
        var count = dims.Aggregate(1L, (product, d) => product * d);
        return dataType switch
        {
            OnnxTensor.Float => new OnnxTensor(name, dims, dataType, Values(raw, floats, count, name, source), null),
            OnnxTensor.Int64 => new OnnxTensor(name, dims, dataType, null, Values(raw, longs, count, name, source)),
            _ => new OnnxTensor(name, dims, dataType, null, null),
        };
    }

    private static T[] Values<T>(byte[]? raw, List<T> typed, long count, string name, string source)
        where T : unmanaged
    {
        // ONNX stores raw_data little-endian, as this machine is.
        var values = raw is not null ? MemoryMarshal.Cast<byte, T>(raw).ToArray() : typed.ToArray();
        if (values.Length != count)
            throw TesseraException.Validation($"{source}: tensor '{name}' holds {values.Length} values but its shape says {count}.");
        return values;
    }

    private static void ReadPackedInt64(CodedInputStream input, List<long> target)
    {
        var inner = new CodedInputStream(Array(input.ReadBytes()));
        while (!inner.IsAtEnd) target.Add(inner.ReadInt64());
    }

    /// <summary>The bytes behind a freshly read <see cref="ByteString"/>, without another copy.</summary>
    private static byte[] Array(ByteString bytes) =>
        MemoryMarshal.TryGetArray(bytes.Memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : bytes.ToByteArray();

    private static TesseraException NotOnnx(string source, string why) =>
        TesseraException.Validation($"{source} is not a readable ONNX model ({why}).");
}
