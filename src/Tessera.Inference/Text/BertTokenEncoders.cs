using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;
using Tessera.Inference.Bert;
using Tessera.Inference.Kernels;
using Tessera.Inference.Onnx;

namespace Tessera.Inference.Text;

/// <summary>Receives one sequence's last hidden states, [length × dimension].</summary>
internal delegate void SequenceStates(int sequence, ReadOnlySpan<float> states);

/// <summary>
/// What runs a BERT network for <see cref="BertTextEmbedder"/>: ONNX Runtime on the packaged ONNX file, or the
/// in-house engine on a safetensors checkpoint. Both take framed token windows and hand back each window's own
/// token states, so tokenising, windows and pooling are shared and the backends are interchangeable.
/// </summary>
internal interface IBertTokenEncoder : IDisposable
{
    int Dimension { get; }

    /// <summary>Which backend, for <c>tessera models info</c>.</summary>
    string Backend { get; }

    void Encode(long[][] batch, SequenceStates states);
}

/// <summary>ONNX Runtime: a padded batch with an attention mask; one session serves all callers concurrently.</summary>
internal sealed class OnnxBertTokenEncoder(OnnxModel onnx, string modelName, long padId) : IBertTokenEncoder
{
    private readonly string[] _inputNames = [.. onnx.Session.InputMetadata.Keys];

    public int Dimension { get; } = (int)onnx.Session.OutputMetadata["last_hidden_state"].Dimensions[^1];

    public string Backend => "onnxruntime";

    public void Encode(long[][] batch, SequenceStates states)
    {
        var rows = batch.Length;
        var width = batch.Max(b => b.Length);
        var inputIds = new long[rows * width];
        var mask = new long[rows * width];
        var types = new long[rows * width];
        Array.Fill(inputIds, padId);
        for (var r = 0; r < rows; r++)
        {
            batch[r].CopyTo(inputIds, r * width);
            Array.Fill(mask, 1L, r * width, batch[r].Length);
        }
        long[] shape = [rows, width];
        var inputs = new Dictionary<string, OrtValue>(StringComparer.Ordinal);
        try
        {
            foreach (var name in _inputNames)
            {
                var data = name switch
                {
                    "input_ids" => inputIds,
                    "attention_mask" => mask,
                    "token_type_ids" => types,
                    _ => throw new InvalidOperationException($"{modelName}: unexpected model input '{name}'."),
                };
                inputs[name] = OrtValue.CreateTensorValueFromMemory(data, shape);
            }
            using var runOptions = new RunOptions();
            using var outputs = onnx.Session.Run(runOptions, inputs, ["last_hidden_state"]);
            var hidden = outputs[0].GetTensorDataAsSpan<float>();
            for (var r = 0; r < rows; r++) states(r, hidden.Slice(r * width * Dimension, batch[r].Length * Dimension));
        }
        finally
        {
            foreach (var value in inputs.Values) value.Dispose();
        }
    }

    public void Dispose() => onnx.Dispose();
}

/// <summary>
/// The in-house engine: a ragged batch (no padding rows at all). Concurrent callers each take a workspace from
/// a pool, so they run side by side, each with <paramref name="threads"/> threads.
/// </summary>
internal sealed class EngineBertTokenEncoder(BertEncoder encoder, ComputeThreads threads) : IBertTokenEncoder
{
    private readonly ConcurrentBag<ActivationWorkspace> _workspaces = [];

    public int Dimension => encoder.Config.Hidden;

    public string Backend => "tessera-engine";

    public void Encode(long[][] batch, SequenceStates states)
    {
        if (!_workspaces.TryTake(out var workspace)) workspace = new ActivationWorkspace();
        try
        {
            var hidden = encoder.Forward(batch, workspace, threads);
            var offset = 0;
            for (var r = 0; r < batch.Length; r++)
            {
                var length = batch[r].Length * Dimension;
                states(r, hidden.Slice(offset, length));
                offset += length;
            }
        }
        finally
        {
            _workspaces.Add(workspace);
        }
    }

    public void Dispose()
    {
    }
}
