using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using Tessera.Inference.Embeddings;
using Tessera.Inference.Onnx;
using Tessera.Inference.Tokenizers;

namespace Tessera.Inference.Text;

/// <summary>
/// Sentence vectors from a BERT-family ONNX model: WordPiece tokens, [CLS] … [SEP] windows run in padded batches
/// (the attention mask hides padding, and pooling reads only real tokens, so a text's vector does not depend on its
/// batch), mean or [CLS] pooling, L2-normalised. One ONNX Runtime session serves all callers concurrently.
/// </summary>
public sealed class BertTextEmbedder : ITesseraEmbedder
{
    private readonly BertTextModel _model;
    private readonly OnnxModel _onnx;
    private readonly WordPieceTokenizer _tokenizer;
    private readonly LongTextPolicy _policy;
    private readonly int _batchSize;
    private readonly TimeProvider _time;
    private readonly string[] _inputNames;

    private BertTextEmbedder(BertTextModel model, OnnxModel onnx, WordPieceTokenizer tokenizer, LongTextPolicy policy, int batchSize, TimeProvider time)
    {
        _model = model;
        _onnx = onnx;
        _tokenizer = tokenizer;
        _policy = policy;
        _batchSize = batchSize;
        _time = time;
        _inputNames = [.. onnx.Session.InputMetadata.Keys];
        var dimension = onnx.Session.OutputMetadata["last_hidden_state"].Dimensions[^1];
        var policyText = policy == LongTextPolicy.Truncate
            ? $"truncate(max_tokens={model.MaxTokens})"
            : $"chunk(max_tokens={model.MaxTokens}, average)";
        Descriptor = new EmbedderDescriptor(model.Name, dimension, onnx.Sha256, model.Pooling, policyText)
        {
            Modality = EmbeddingModality.Text,
            Origin = EmbedderOrigin.Pretrained,
            Sources = [model.Onnx.ToString(), model.Vocabulary.ToString()],
        };
    }

    public EmbedderDescriptor Descriptor { get; }

    public static BertTextEmbedder Load(BertTextModel model, OnnxRuntimeOptions options, LongTextPolicy policy = LongTextPolicy.Truncate, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        var tokenizer = WordPieceTokenizer.FromVocabulary(model.Vocabulary.ReadAllBytes());
        var onnx = OnnxModel.Load(model.Onnx, options);
        return new BertTextEmbedder(model, onnx, tokenizer, policy, options.BatchSize, time ?? TimeProvider.System);
    }

    /// <summary>Token count of a text as the model sees it, [CLS] and [SEP] included, before any truncation.</summary>
    public int CountTokens(string text) => _tokenizer.Encode(text).Count + 2;

    /// <summary>Unit vectors in input order, each with what its length did to it.</summary>
    public IReadOnlyList<(float[] Vector, string LengthHandling)> Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var windows = new List<Window>();
        var handling = new string[texts.Count];
        for (var i = 0; i < texts.Count; i++) handling[i] = AddWindows(i, _tokenizer.Encode(texts[i]), windows);

        var pooled = new float[windows.Count][];
        var order = Enumerable.Range(0, windows.Count).OrderBy(w => windows[w].Ids.Length).ToArray();
        for (var start = 0; start < order.Length; start += _batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = order.AsSpan(start, Math.Min(_batchSize, order.Length - start)).ToArray();
            RunBatch(batch.Select(w => windows[w].Ids).ToArray(), batch, pooled);
        }

        var results = new (float[], string)[texts.Count];
        var sums = new float[texts.Count][];
        for (var w = 0; w < windows.Count; w++)
        {
            var text = windows[w].Text;
            if (sums[text] is null) sums[text] = pooled[w];
            else for (var d = 0; d < pooled[w].Length; d++) sums[text][d] += pooled[w][d];
        }
        for (var i = 0; i < texts.Count; i++)
        {
            results[i] = (Normalize(sums[i]), handling[i]);
        }
        return results;
    }

    private string AddWindows(int text, List<int> ids, List<Window> windows)
    {
        var room = _model.MaxTokens - 2;
        if (ids.Count <= room)
        {
            windows.Add(new Window(text, Framed(ids, 0, ids.Count)));
            return LengthHandling.Whole;
        }
        if (_policy == LongTextPolicy.Truncate)
        {
            windows.Add(new Window(text, Framed(ids, 0, room)));
            return LengthHandling.Truncated(room, ids.Count);
        }
        var count = 0;
        for (var start = 0; start < ids.Count; start += room, count++)
            windows.Add(new Window(text, Framed(ids, start, Math.Min(room, ids.Count - start))));
        return LengthHandling.Chunked(count, ids.Count);
    }

    private long[] Framed(List<int> ids, int start, int length)
    {
        var framed = new long[length + 2];
        framed[0] = _tokenizer.ClsId;
        for (var i = 0; i < length; i++) framed[i + 1] = ids[start + i];
        framed[^1] = _tokenizer.SepId;
        return framed;
    }

    private void RunBatch(long[][] batch, int[] windowIndexes, float[][] pooled)
    {
        var rows = batch.Length;
        var width = batch.Max(b => b.Length);
        var inputIds = new long[rows * width];
        var mask = new long[rows * width];
        var types = new long[rows * width];
        Array.Fill(inputIds, _tokenizer.PadId);
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
                    _ => throw new InvalidOperationException($"{_model.Name}: unexpected model input '{name}'."),
                };
                inputs[name] = OrtValue.CreateTensorValueFromMemory(data, shape);
            }
            using var runOptions = new RunOptions();
            using var outputs = _onnx.Session.Run(runOptions, inputs, ["last_hidden_state"]);
            var hidden = outputs[0].GetTensorDataAsSpan<float>();
            var dimension = Descriptor.Dimension;
            for (var r = 0; r < rows; r++)
            {
                var states = hidden.Slice(r * width * dimension, width * dimension);
                pooled[windowIndexes[r]] = Pool(states, batch[r].Length, dimension);
            }
        }
        finally
        {
            foreach (var value in inputs.Values) value.Dispose();
        }
    }

    private float[] Pool(ReadOnlySpan<float> states, int tokens, int dimension)
    {
        if (_model.Pooling == EmbeddingPooling.ClsToken) return Normalize(states[..dimension].ToArray());
        var sum = new double[dimension];
        for (var t = 0; t < tokens; t++)
        {
            var row = states.Slice(t * dimension, dimension);
            for (var d = 0; d < dimension; d++) sum[d] += row[d];
        }
        var mean = new float[dimension];
        for (var d = 0; d < dimension; d++) mean[d] = (float)(sum[d] / tokens);
        return Normalize(mean);
    }

    private static float[] Normalize(float[] vector)
    {
        var norm = Math.Sqrt(vector.Sum(v => (double)v * v));
        if (norm > 0) for (var d = 0; d < vector.Length; d++) vector[d] = (float)(vector[d] / norm);
        return vector;
    }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var texts = values.ToArray();
        var embedded = await Task.Run(() => Embed(texts, cancellationToken), cancellationToken).ConfigureAwait(false);
        var results = EmbeddingResults.From(embedded.Select(e => e.Vector), Descriptor, _time);
        for (var i = 0; i < results.Count; i++)
            results[i].AdditionalProperties![EmbedderDescriptor.LengthHandlingProperty] = embedded[i].LengthHandling;
        return results;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => EmbeddingResults.Service(this, serviceType, serviceKey);

    public void Dispose() => _onnx.Dispose();

    private sealed record Window(int Text, long[] Ids);
}
