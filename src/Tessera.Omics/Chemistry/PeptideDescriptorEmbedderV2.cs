using Microsoft.Extensions.AI;
using Tessera.Core.Hashing;
using Tessera.Inference.Embeddings;

namespace Tessera.Omics.Chemistry;

/// <summary>
/// Version 2 of the classical peptide embedder: the v1 vector (<see cref="PeptideDescriptorEmbedder"/>, unchanged, unit
/// length) followed by two blocks, then L2-normalised as a whole:
/// <list type="number">
/// <item>reduced-alphabet 3-mer composition over the 7 conjoint-triad classes, centred on its mean (343), norm 0.7;</item>
/// <item>terminal composition: the amino acids of the first and of the last <see cref="TerminalLength"/> residues (2 × 20), norm 0.5.</item>
/// </list>
/// Chosen on bench/peptide-knn (cosine 7-NN, 5-fold CV): ROC AUC 0.928 → 0.947 on amp_iamp2l, 0.954 → 0.962 on amp_modlamp (seed 42; seeds 1, 7 and 2024 give 0.960–0.964 on amp_modlamp).
/// The model hash covers v1's definition hash plus these constants.
/// </summary>
public sealed class PeptideDescriptorEmbedderV2 : ITesseraEmbedder
{
    public const string ModelName = "tessera-peptide-descriptors-v2";
    public const int TerminalLength = 3;

    private const double TripletWeight = 0.7;
    private const double TerminalWeight = 0.5;
    private const int Classes = PeptideScales.ReducedClassCount;
    private const int TripletCount = Classes * Classes * Classes;

    private static readonly int V1Dimension = new PeptideDescriptorEmbedder().Descriptor.Dimension;
    private static readonly int DimensionValue = V1Dimension + TripletCount + 40;

    private readonly TimeProvider _time;

    public PeptideDescriptorEmbedderV2(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        var v1Hash = new PeptideDescriptorEmbedder().Descriptor.ModelHash;
        var definition = $"{ModelName}\nv1={v1Hash}\ntriplets=classes7,centred,norm{TripletWeight}\nterminal={TerminalLength},norm{TerminalWeight}\n";
        Descriptor = new EmbedderDescriptor(ModelName, DimensionValue, Sha256Hex.Of(definition), EmbeddingPooling.WholeSequence, "none (any length)")
        {
            Modality = EmbeddingModality.ProteinSequence,
            Origin = EmbedderOrigin.Classical,
        };
    }

    public EmbedderDescriptor Descriptor { get; }

    /// <summary>The unit-length v2 descriptor of one peptide (same input rules as v1).</summary>
    public static float[] Embed(string sequence)
    {
        var v1 = PeptideDescriptorEmbedder.Embed(sequence);
        var residues = new List<int>(sequence.Length);
        foreach (var c in sequence)
        {
            var index = PeptideScales.IndexOf(c);
            if (index >= 0) residues.Add(index);
        }
        var features = new double[DimensionValue];
        for (var i = 0; i < v1.Length; i++) features[i] = v1[i];
        var triplets = features.AsSpan(V1Dimension, TripletCount);
        var terminal = features.AsSpan(V1Dimension + TripletCount, 40);

        var windows = residues.Count - 2;
        for (var i = 0; i < windows; i++)
        {
            var key = (PeptideScales.ReducedClass[residues[i]] * Classes + PeptideScales.ReducedClass[residues[i + 1]]) * Classes + PeptideScales.ReducedClass[residues[i + 2]];
            triplets[key] += 1.0 / windows;
        }
        var mean = windows > 0 ? 1.0 / TripletCount : 0;
        for (var i = 0; i < TripletCount; i++) triplets[i] -= mean;

        var ends = Math.Min(TerminalLength, residues.Count);
        for (var i = 0; i < ends; i++)
        {
            terminal[residues[i]] += 1.0 / ends;
            terminal[20 + residues[^(i + 1)]] += 1.0 / ends;
        }

        ScaleToNorm(triplets, TripletWeight);
        ScaleToNorm(terminal, TerminalWeight);
        ScaleToNorm(features, 1.0);
        return [.. features.Select(v => (float)v)];
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var vectors = new List<float[]>();
        foreach (var value in values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            vectors.Add(Embed(value));
        }
        return Task.FromResult(EmbeddingResults.From(vectors, Descriptor, _time));
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => EmbeddingResults.Service(this, serviceType, serviceKey);

    /// <summary>Stateless: nothing to release.</summary>
    public void Dispose()
    {
    }

    private static void ScaleToNorm(Span<double> block, double norm)
    {
        var sum = 0.0;
        foreach (var v in block) sum += v * v;
        if (sum == 0) return;
        var factor = norm / Math.Sqrt(sum);
        for (var i = 0; i < block.Length; i++) block[i] *= factor;
    }
}
