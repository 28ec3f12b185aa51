using System.Globalization;
using System.Text.RegularExpressions;
using Tessera.Core.Errors;
using Tessera.Core.Hashing;
using Tessera.Inference.Onnx;
using Tessera.Inference.SafeTensors;

namespace Tessera.Inference.Bert;

/// <summary>
/// Converts a BERT encoder exported to ONNX (PyTorch's exporter, as sentence-transformers models ship) into a
/// Hugging Face <c>BertModel</c> safetensors tensor set and its <see cref="BertConfig"/>.
/// </summary>
/// <remarks>
/// The exporter keeps the names of embeddings, biases and layer norms, but stores each linear layer's weight
/// transposed ([in, out], for <c>MatMul</c>) under a number. Such a weight is recognised by the graph: a
/// <c>MatMul</c> reading it feeds an <c>Add</c> with a named <c>….bias</c>, so its name is that bias's with
/// <c>.weight</c>, transposed back to PyTorch's [out, in]. Head count and layer-norm epsilon are not tensors:
/// the head size is read from the constant that divides (or multiplies) the attention scores before
/// <c>Softmax</c> (√head_size), the epsilon from the constant added to the variance before <c>Sqrt</c>.
/// </remarks>
internal static partial class BertOnnxImporter
{
    public sealed record Result(BertConfig Config, IReadOnlyList<SafeTensorToWrite> Tensors, string SourceSha256);

    public static Result Convert(byte[] onnx, string source)
    {
        var graph = OnnxGraph.Read(onnx, source);
        var named = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in graph.Initializers)
        {
            if (tensor.DataType != OnnxTensor.Float) continue;
            var hfName = HfName(name);
            if (hfName is not null) named[hfName] = tensor;
        }
        foreach (var node in graph.Nodes.Where(n => n.Operator == "MatMul" && n.Inputs.Count == 2))
        {
            if (!graph.Initializers.TryGetValue(node.Inputs[1], out var weight) || HfName(weight.Name) is not null || weight.Dimensions.Length != 2) continue;
            var bias = graph.Consumers(node.Outputs[0]).Where(n => n.Operator == "Add")
                .SelectMany(n => n.Inputs).Select(HfName).FirstOrDefault(n => n is not null && n.EndsWith(".bias", StringComparison.Ordinal));
            if (bias is null) continue;
            named[bias[..^".bias".Length] + ".weight"] = Transposed(weight);
        }
        var config = InferConfig(graph, named, source);
        // The pooler is left out: sentence embedders pool token states themselves.
        var tensors = ExpectedShapes(config)
            .Select(expected => ToWrite(expected.Name, expected.Shape, named, source))
            .ToList();
        return new Result(config, tensors, Sha256Hex.Of(onnx));
    }

    /// <summary>Every tensor the engine needs, with its HF shape.</summary>
    public static IEnumerable<(string Name, int[] Shape)> ExpectedShapes(BertConfig c)
    {
        yield return ("embeddings.word_embeddings.weight", [c.VocabularySize, c.Hidden]);
        yield return ("embeddings.position_embeddings.weight", [c.MaxPositions, c.Hidden]);
        yield return ("embeddings.token_type_embeddings.weight", [c.TypeVocabularySize, c.Hidden]);
        yield return ("embeddings.LayerNorm.weight", [c.Hidden]);
        yield return ("embeddings.LayerNorm.bias", [c.Hidden]);
        for (var i = 0; i < c.Layers; i++)
        {
            var p = $"encoder.layer.{i}.";
            foreach (var part in new[] { "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense" })
            {
                yield return (p + part + ".weight", [c.Hidden, c.Hidden]);
                yield return (p + part + ".bias", [c.Hidden]);
            }
            yield return (p + "attention.output.LayerNorm.weight", [c.Hidden]);
            yield return (p + "attention.output.LayerNorm.bias", [c.Hidden]);
            yield return (p + "intermediate.dense.weight", [c.Intermediate, c.Hidden]);
            yield return (p + "intermediate.dense.bias", [c.Intermediate]);
            yield return (p + "output.dense.weight", [c.Hidden, c.Intermediate]);
            yield return (p + "output.dense.bias", [c.Hidden]);
            yield return (p + "output.LayerNorm.weight", [c.Hidden]);
            yield return (p + "output.LayerNorm.bias", [c.Hidden]);
        }
    }

    /// <summary>The HF name of an exported tensor name (with or without the <c>bert.</c> prefix), or null for a numbered one.</summary>
    private static string? HfName(string name)
    {
        var bare = name.StartsWith("bert.", StringComparison.Ordinal) ? name["bert.".Length..] : name;
        return bare.StartsWith("embeddings.", StringComparison.Ordinal) || bare.StartsWith("encoder.", StringComparison.Ordinal) || bare.StartsWith("pooler.", StringComparison.Ordinal)
            ? bare
            : null;
    }

    private static BertConfig InferConfig(OnnxGraph graph, Dictionary<string, OnnxTensor> named, string source)
    {
        OnnxTensor Required(string name) => named.TryGetValue(name, out var t)
            ? t
            : throw TesseraException.Validation($"{source} has no tensor '{name}'; is it a BERT encoder exported from PyTorch?");
        var words = Required("embeddings.word_embeddings.weight");
        if (words.Dimensions.Length != 2) throw TesseraException.Validation($"{source}: 'embeddings.word_embeddings.weight' is not a matrix.");
        var hidden = (int)words.Dimensions[1];
        var layers = named.Keys.Select(n => LayerIndex().Match(n)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).DefaultIfEmpty(-1).Max() + 1;
        if (layers == 0) throw TesseraException.Validation($"{source} has no 'encoder.layer.N' tensors; is it a BERT encoder?");
        if (!graph.Nodes.Any(n => n.Operator == "Erf"))
            throw TesseraException.Validation($"{source} has no Erf node: only BERT models with the exact (erf) GELU can run on the engine.");
        var headSize = HeadSize(graph, source);
        if (hidden % headSize != 0) throw TesseraException.Validation($"{source}: hidden size {hidden} is not a multiple of the head size {headSize}.");
        return new BertConfig(
            VocabularySize: (int)words.Dimensions[0],
            Hidden: hidden,
            Layers: layers,
            Heads: hidden / headSize,
            Intermediate: (int)Required("encoder.layer.0.intermediate.dense.bias").Dimensions[0],
            MaxPositions: (int)Required("embeddings.position_embeddings.weight").Dimensions[0],
            TypeVocabularySize: (int)Required("embeddings.token_type_embeddings.weight").Dimensions[0],
            LayerNormEpsilon: LayerNormEpsilon(graph, source));
    }

    private static int HeadSize(OnnxGraph graph, string source)
    {
        var softmax = graph.Nodes.FirstOrDefault(n => n.Operator == "Softmax")
            ?? throw TesseraException.Validation($"{source} has no Softmax node, so no attention to read the head size from.");
        // Softmax ← Add(scores, mask) ← Div(Q·Kᵀ, √d) or Mul(Q·Kᵀ, 1/√d); some exporters scale Q and K instead.
        var frontier = new Queue<(string Value, int Depth)>([(softmax.Inputs[0], 0)]);
        while (frontier.Count > 0)
        {
            var (value, depth) = frontier.Dequeue();
            var producer = graph.Producer(value);
            if (producer is null || depth > 3) continue;
            if (producer.Operator is "Div" or "Mul")
            {
                var scale = producer.Inputs.Select(graph.Constant).FirstOrDefault(c => c?.Floats is [_]);
                if (scale is not null)
                {
                    var s = (double)scale.Floats![0];
                    var squared = producer.Operator == "Div" ? s * s : 1 / (s * s);
                    return (int)Math.Round(squared);
                }
            }
            foreach (var input in producer.Inputs) frontier.Enqueue((input, depth + 1));
        }
        throw TesseraException.Validation($"{source}: cannot find the attention scale (√head_size) before Softmax.");
    }

    private static float LayerNormEpsilon(OnnxGraph graph, string source)
    {
        foreach (var sqrt in graph.Nodes.Where(n => n.Operator == "Sqrt"))
        {
            var add = graph.Producer(sqrt.Inputs[0]);
            if (add?.Operator != "Add") continue;
            var epsilon = add.Inputs.Select(graph.Constant).FirstOrDefault(c => c?.Floats is [_]);
            if (epsilon is not null) return epsilon.Floats![0];
        }
        // A LayerNormalization operator carries epsilon as an attribute; BERT's default then.
        if (graph.Nodes.Any(n => n.Operator == "LayerNormalization")) return 1e-12f;
        throw TesseraException.Validation($"{source}: cannot find the layer-norm epsilon.");
    }

    private static OnnxTensor Transposed(OnnxTensor weight)
    {
        var rows = (int)weight.Dimensions[0];
        var columns = (int)weight.Dimensions[1];
        var source = weight.Floats!;
        var values = new float[source.Length];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < columns; c++) values[c * rows + r] = source[r * columns + c];
        return weight with { Dimensions = [columns, rows], Floats = values };
    }

    private static SafeTensorToWrite ToWrite(string name, int[] shape, Dictionary<string, OnnxTensor> named, string source)
    {
        if (!named.TryGetValue(name, out var tensor))
            throw TesseraException.Validation($"{source} has no tensor for '{name}' (a linear layer's weight is found through the MatMul that feeds its bias's Add).");
        if (!tensor.Dimensions.Select(d => (int)d).SequenceEqual(shape))
            throw TesseraException.Validation($"{source}: '{name}' has shape [{string.Join(", ", tensor.Dimensions)}], expected [{string.Join(", ", shape)}].");
        return new SafeTensorToWrite(name, tensor.Floats!, shape);
    }

    [GeneratedRegex(@"^encoder\.layer\.(\d+)\.")]
    private static partial Regex LayerIndex();
}
