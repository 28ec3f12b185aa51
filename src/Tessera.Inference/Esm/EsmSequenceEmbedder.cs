using Tessera.Core.Errors;
using Tessera.Inference.Kernels;

namespace Tessera.Inference.Esm;

/// <summary>
/// Turns protein sequences into ESM-2 embeddings: tokenises, splits over-long sequences by the
/// <see cref="LongSequencePolicy"/>, groups windows of similar length into padded batches, runs
/// the encoder and pools. Passes are serialised over one workspace; each pass uses
/// <see cref="EsmEmbeddingOptions.Threads"/> threads.
/// </summary>
internal sealed class EsmSequenceEmbedder
{
    private readonly EsmModel _model;
    private readonly EsmEmbeddingOptions _options;
    private readonly ComputeThreads _threads;
    private readonly ActivationWorkspace _workspace = new();
    private readonly Lock _gate = new();

    public EsmSequenceEmbedder(EsmModel model, EsmEmbeddingOptions options)
    {
        _model = model;
        _options = options;
        _threads = new ComputeThreads(Math.Max(1, options.Threads));
        MaxResidues = Math.Min(options.MaxResidues ?? model.Config.MaxResidues, model.Config.MaxResidues);
        if (MaxResidues < 1) throw TesseraException.Validation("MaxResidues must be at least 1.");
        if (options.LongSequences == LongSequencePolicy.Chunk && (options.ChunkOverlap < 0 || options.ChunkOverlap >= MaxResidues))
            throw TesseraException.Validation($"ChunkOverlap must be between 0 and {MaxResidues - 1} residues, got {options.ChunkOverlap}.");
        if (options.BatchSize < 1) throw TesseraException.Validation("The batch size must be at least 1.");
    }

    public int MaxResidues { get; }

    public EsmModel Model => _model;

    /// <summary>Embeds <paramref name="sequences"/>, results in input order. <paramref name="progress"/> receives the count of finished sequences.</summary>
    public IReadOnlyList<EsmSequenceEmbedding> Embed(IReadOnlyList<string> sequences, bool perResidue = false, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        var hidden = _model.Config.Hidden;
        var residues = new int[sequences.Count][];
        var windows = new List<Window>();
        for (var s = 0; s < sequences.Count; s++)
        {
            residues[s] = [.. _model.Tokenizer.EncodeResidues(sequences[s])];
            if (residues[s].Length == 0) throw TesseraException.Validation($"Sequence {s + 1} has no residues.");
            if (residues[s].Length > MaxResidues && _options.LongSequences == LongSequencePolicy.Reject)
                throw TesseraException.Validation(
                    $"Sequence {s + 1} has {residues[s].Length} residues, over the limit of {MaxResidues}; use the chunk policy to embed it in overlapping windows.");
            foreach (var start in WindowStarts(residues[s].Length)) windows.Add(new Window(s, start, Math.Min(MaxResidues, residues[s].Length - start)));
        }

        // Per-residue sums exist only from a sequence's first window to its last, so memory
        // follows the batches in flight, not the whole input.
        var sums = new float[]?[sequences.Count];
        var coverage = new int[]?[sequences.Count];
        var windowsLeft = new int[sequences.Count];
        foreach (var window in windows) windowsLeft[window.Sequence]++;

        var results = new EsmSequenceEmbedding[sequences.Count];
        var done = 0;
        // Sorting by length makes each batch pad little; the sort is stable so equal lengths keep input order.
        var ordered = windows.OrderBy(w => w.Length).ToList();
        for (var first = 0; first < ordered.Count; first += _options.BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = ordered.GetRange(first, Math.Min(_options.BatchSize, ordered.Count - first));
            var tokens = batch.Select(w => Tokens(residues[w.Sequence], w)).ToArray();
            lock (_gate)
            {
                var output = _model.Encoder.Forward(tokens, _workspace, _threads);
                var t = tokens.Max(x => x.Length);
                for (var b = 0; b < batch.Count; b++)
                {
                    var window = batch[b];
                    // Rows 1…length: the residues, without BOS (row 0) and EOS.
                    var states = output.Slice((b * t + 1) * hidden, window.Length * hidden);
                    var count = residues[window.Sequence].Length;
                    var sum = sums[window.Sequence] ??= new float[count * hidden];
                    var covered = coverage[window.Sequence] ??= new int[count];
                    var target = sum.AsSpan(window.Start * hidden, window.Length * hidden);
                    System.Numerics.Tensors.TensorPrimitives.Add(target, states, target);
                    for (var i = 0; i < window.Length; i++) covered[window.Start + i]++;
                }
            }
            foreach (var window in batch)
            {
                if (--windowsLeft[window.Sequence] > 0) continue;
                results[window.Sequence] = Pool(sums[window.Sequence]!, coverage[window.Sequence]!, hidden, perResidue || _options.PerResidue);
                sums[window.Sequence] = null;
                coverage[window.Sequence] = null;
                progress?.Report(++done);
            }
        }
        return results;
    }

    /// <summary>Window starts: 0, then steps of (max − overlap), the last one aligned to the end.</summary>
    private IEnumerable<int> WindowStarts(int length)
    {
        if (length <= MaxResidues)
        {
            yield return 0;
            yield break;
        }
        var step = MaxResidues - _options.ChunkOverlap;
        var start = 0;
        while (start + MaxResidues < length)
        {
            yield return start;
            start += step;
        }
        yield return length - MaxResidues;
    }

    private int[] Tokens(int[] residues, Window window)
    {
        var tokens = new int[window.Length + 2];
        tokens[0] = _model.Tokenizer.ClsId;
        residues.AsSpan(window.Start, window.Length).CopyTo(tokens.AsSpan(1));
        tokens[^1] = _model.Tokenizer.EosId;
        return tokens;
    }

    private static EsmSequenceEmbedding Pool(float[] sums, int[] coverage, int hidden, bool keepResidues)
    {
        var count = coverage.Length;
        for (var i = 0; i < count; i++)
        {
            if (coverage[i] > 1) System.Numerics.Tensors.TensorPrimitives.Divide(sums.AsSpan(i * hidden, hidden), coverage[i], sums.AsSpan(i * hidden, hidden));
        }
        // Accumulated in double: a float running sum over ~1000 rows would cost digits the reference keeps.
        var total = new double[hidden];
        for (var i = 0; i < count; i++)
        {
            var row = sums.AsSpan(i * hidden, hidden);
            for (var j = 0; j < hidden; j++) total[j] += row[j];
        }
        var mean = new float[hidden];
        for (var j = 0; j < hidden; j++) mean[j] = (float)(total[j] / count);
        return new EsmSequenceEmbedding(count, mean, keepResidues ? sums : null);
    }

    private readonly record struct Window(int Sequence, int Start, int Length);
}
