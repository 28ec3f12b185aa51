using Microsoft.Extensions.AI;
using Tessera.Inference.Bert;
using Tessera.Inference.Embeddings;
using Tessera.Inference.Kernels;
using Tessera.Inference.Onnx;
using Tessera.Inference.Tokenizers;

namespace Tessera.Inference.Text;

/// <summary>
/// Sentence vectors from a BERT-family model: WordPiece tokens, [CLS] … [SEP] windows run in batches on ONNX Runtime
/// (padded, with an attention mask) or on the in-house engine (ragged, no padding), each window's own token states
/// pooled (mean or [CLS]) and L2-normalised, so a text's vector does not depend on its batch.
/// </summary>
public sealed class BertTextEmbedder : ITesseraEmbedder
{
    private readonly IBertTokenEncoder _encoder;
    private readonly WordPieceTokenizer _tokenizer;
    private readonly EmbeddingPooling _pooling;
    private readonly int _maxTokens;
    private readonly LongTextPolicy _policy;
    private readonly int _batchSize;
    private readonly TimeProvider _time;

    private BertTextEmbedder(string name, string modelHash, IReadOnlyList<string> sources, IBertTokenEncoder encoder, WordPieceTokenizer tokenizer,
        EmbeddingPooling pooling, int maxTokens, LongTextPolicy policy, int batchSize, TimeProvider time)
    {
        _encoder = encoder;
        _tokenizer = tokenizer;
        _pooling = pooling;
        _maxTokens = maxTokens;
        _policy = policy;
        _batchSize = batchSize;
        _time = time;
        var policyText = policy == LongTextPolicy.Truncate
            ? $"truncate(max_tokens={maxTokens})"
            : $"chunk(max_tokens={maxTokens}, average)";
        Descriptor = new EmbedderDescriptor(name, encoder.Dimension, modelHash, pooling, policyText)
        {
            Modality = EmbeddingModality.Text,
            Origin = EmbedderOrigin.Pretrained,
            Sources = sources,
        };
    }

    public EmbedderDescriptor Descriptor { get; }

    /// <summary>What runs the network: <c>onnxruntime</c> or <c>tessera-engine</c>.</summary>
    public string Backend => _encoder.Backend;

    /// <summary>The packaged ONNX model on ONNX Runtime; the model hash is the sha256 of the ONNX bytes.</summary>
    public static BertTextEmbedder Load(BertTextModel model, OnnxRuntimeOptions options, LongTextPolicy policy = LongTextPolicy.Truncate, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        var tokenizer = WordPieceTokenizer.FromVocabulary(model.Vocabulary.ReadAllBytes());
        var onnx = OnnxModel.Load(model.Onnx, options);
        return new BertTextEmbedder(model.Name, onnx.Sha256, [model.Onnx.ToString(), model.Vocabulary.ToString()], new OnnxBertTokenEncoder(onnx, model.Name, tokenizer.PadId),
            tokenizer, model.Pooling, model.MaxTokens, policy, options.BatchSize, time ?? TimeProvider.System);
    }

    /// <summary>
    /// A BERT checkpoint folder on the in-house engine. <paramref name="name"/> and <paramref name="modelHash"/>
    /// default to the folder's name and the sha256 of its <c>model.safetensors</c>; a packaged model run from its
    /// imported folder keeps its own name and the hash of the ONNX file its weights came from.
    /// </summary>
    internal static BertTextEmbedder LoadOnEngine(BertCheckpointFolder checkpoint, int threads, int batchSize, LongTextPolicy policy = LongTextPolicy.Truncate,
        TimeProvider? time = null, string? name = null, string? modelHash = null)
    {
        var tokenizer = WordPieceTokenizer.FromVocabulary(checkpoint.Vocabulary);
        return new BertTextEmbedder(name ?? checkpoint.Name, modelHash ?? checkpoint.WeightsSha256, [checkpoint.Directory],
            new EngineBertTokenEncoder(checkpoint.Encoder, new ComputeThreads(Math.Max(1, threads))), tokenizer, checkpoint.Pooling, checkpoint.MaxTokens, policy, batchSize, time ?? TimeProvider.System);
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
        var room = _maxTokens - 2;
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

    private void RunBatch(long[][] batch, int[] windowIndexes, float[][] pooled) =>
        _encoder.Encode(batch, (r, states) => pooled[windowIndexes[r]] = Pool(states, batch[r].Length, _encoder.Dimension));

    private float[] Pool(ReadOnlySpan<float> states, int tokens, int dimension)
    {
        if (_pooling == EmbeddingPooling.ClsToken) return Normalize(states[..dimension].ToArray());
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

    public void Dispose() => _encoder.Dispose();

    private sealed record Window(int Text, long[] Ids);
}
