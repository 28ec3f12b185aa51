using System.Numerics.Tensors;
using System.Text.Json;
using Tessera.Core.Identity;
using Tessera.Data;
using Tessera.Omics.Analytics;
using Tessera.Omics.Storage;

namespace Tessera.Omics.Analysis;

/// <summary>Summaries of one run and comparisons of two, from stored descriptors and embeddings.</summary>
internal sealed class OmicsAnalysisService(TesseraDatabase database)
{
    /// <summary>Comparisons search at most this many peptides of run A (a seeded sample), exactly, against all of B.</summary>
    public const int MaxComparedQueries = 5000;

    private static readonly (string Name, Func<OmicsPeptide, double> Value)[] Features =
    [
        ("length", p => p.Length),
        ("molecular_weight", p => p.MolecularWeight),
        ("net_charge_ph7", p => p.NetChargePh7),
        ("isoelectric_point", p => p.IsoelectricPoint),
        ("gravy", p => p.Gravy),
        ("aromaticity", p => p.Aromaticity),
        ("instability_index", p => p.InstabilityIndex),
    ];

    private static readonly double[] QuantileLevels = [0.05, 0.25, 0.5, 0.75, 0.95];

    /// <summary>One bar of the length histogram: peptides with From ≤ length &lt; To (the last bar includes To).</summary>
    public sealed record LengthBin(double From, double To, int Count);

    public sealed record Cluster(int Index, int Size, IReadOnlyList<string> Representatives);

    /// <summary>A run's summary; its statistics are rounded as <see cref="Shown"/> says.</summary>
    public sealed record RunSummary(
        Guid RunId, int RecordCount, int PeptideCount, int ErrorCount,
        IReadOnlyList<LengthBin> LengthHistogram,
        IReadOnlyDictionary<string, double> Composition,
        IReadOnlyDictionary<string, Statistics.Summary> Features,
        Statistics.Summary EmbeddingNorms, int EmbeddingDimension,
        double? Silhouette, IReadOnlyList<Cluster> Clusters);

    public sealed record Match(string SequenceA, string SequenceB, double Similarity);

    /// <summary>A descriptor's difference between the runs; <see cref="T"/> and <see cref="PValue"/> are null when the test is undefined, with the reason.</summary>
    public sealed record FeatureDelta(string Feature, double MeanA, double MeanB, double Delta, double? T, double? PValue, string? UndefinedReason);

    /// <summary>A comparison; cosines are clamped to [−1, 1] and statistics rounded as <see cref="Shown"/> says.</summary>
    public sealed record RunComparison(
        Guid RunA, Guid RunB, int SizeA, int SizeB, int SharedSequences, double CentroidCosine, int ComparedFromA,
        IReadOnlyDictionary<string, double> NearestNeighbourQuantiles, IReadOnlyList<FeatureDelta> FeatureDeltas, IReadOnlyList<Match> TopMatches);

    public async Task<RunSummary> SummarizeAsync(Principal owner, Guid runId, CancellationToken cancellationToken = default)
    {
        var data = await OmicsRunData.LoadAsync(database, owner, runId, cancellationToken).ConfigureAwait(false);
        var peptides = data.Peptides;
        var composition = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var p in peptides)
        {
            foreach (var (letter, share) in JsonSerializer.Deserialize<Dictionary<string, double>>(p.Composition)!)
                composition[letter] = composition.GetValueOrDefault(letter) + share / peptides.Count;
        }
        var clustering = FitClusters(data);
        var clusters = clustering is null ? [] : Representatives(clustering, data);
        return new RunSummary(
            runId, data.Run.RecordCount, peptides.Count, data.Run.ErrorCount,
            Statistics.Histogram(peptides.Select(p => (double)p.Length).ToList(), 10).Select(b => new LengthBin(Shown.Value(b.From), Shown.Value(b.To), b.Count)).ToList(),
            new SortedDictionary<string, double>(composition.ToDictionary(c => c.Key, c => Shown.Value(c.Value)), StringComparer.Ordinal),
            Features.ToDictionary(f => f.Name, f => Shown.Summary(Statistics.Summarize(peptides.Select(f.Value).ToList()))),
            Shown.Summary(Statistics.Summarize(data.Norms)), data.Vectors[0].Length,
            Shown.Value(clustering?.Silhouette), clusters);
    }

    /// <summary>
    /// The run's embeddings projected onto their first two principal components, each point with the cluster the
    /// summary found (same clustering, same seed), for drawing the run as a map.
    /// </summary>
    public async Task<IReadOnlyList<MapPoint>> MapAsync(Principal owner, Guid runId, CancellationToken cancellationToken = default)
    {
        var data = await OmicsRunData.LoadAsync(database, owner, runId, cancellationToken).ConfigureAwait(false);
        var clustering = FitClusters(data);
        var projected = Projection.Pca2(data.Vectors);
        return projected.Select((p, i) => new MapPoint(Shown.Value(p.X), Shown.Value(p.Y), clustering?.Assignments[i] ?? -1, data.Peptides[i].Sequence)).ToList();
    }

    private static KMeans.Clustering? FitClusters(OmicsRunData data) =>
        KMeans.ChooseBySilhouette(data.Vectors, maxK: Math.Min(10, data.Peptides.Count / 5 + 1), seed: 17);

    public async Task<RunComparison> CompareAsync(Principal owner, Guid runA, Guid runB, CancellationToken cancellationToken = default)
    {
        var a = await OmicsRunData.LoadAsync(database, owner, runA, cancellationToken).ConfigureAwait(false);
        var b = await OmicsRunData.LoadAsync(database, owner, runB, cancellationToken).ConfigureAwait(false);
        if (a.Run.Embedder != b.Run.Embedder || a.Run.ModelHash != b.Run.ModelHash)
            throw Core.Errors.TesseraException.Conflict(OmicsErrorCodes.EmbedderMismatch,
                $"The runs were embedded by different models ({a.Run.Embedder} and {b.Run.Embedder}); their vectors cannot be compared.");

        var sharedSequences = a.Peptides.Select(p => p.Sequence).Intersect(b.Peptides.Select(p => p.Sequence), StringComparer.Ordinal).Count();
        var queryIndices = Enumerable.Range(0, a.Peptides.Count).ToArray();
        if (queryIndices.Length > MaxComparedQueries)
        {
            new Random(23).Shuffle(queryIndices);
            queryIndices = queryIndices[..MaxComparedQueries];
        }
        var nearest = VectorMath.NearestNeighbours(queryIndices.Select(i => a.Vectors[i]).ToList(), b.Vectors);
        var similarities = nearest.Select(n => (double)n.Similarity).Order().ToList();
        var quantiles = QuantileLevels
            .ToDictionary(q => $"p{q * 100:0}", q => Shown.Cosine(Statistics.Quantile(similarities, q)));
        var top = nearest.Select((n, i) => new Match(a.Peptides[queryIndices[i]].Sequence, b.Peptides[n.Index].Sequence, Shown.Cosine(n.Similarity)))
            .OrderByDescending(m => m.Similarity).ThenBy(m => m.SequenceA, StringComparer.Ordinal).Take(10).ToList();
        var deltas = Features.Select(f =>
        {
            var test = Statistics.Welch(a.Peptides.Select(f.Value).ToList(), b.Peptides.Select(f.Value).ToList());
            return new FeatureDelta(f.Name, Shown.Value(test.MeanA), Shown.Value(test.MeanB), Shown.Value(test.Delta), Shown.Value(test.T), Shown.Value(test.PValue), test.UndefinedReason);
        }).ToList();
        var centroidCosine = TensorPrimitives.CosineSimilarity(VectorMath.Centroid(a.Vectors), VectorMath.Centroid(b.Vectors));
        return new RunComparison(runA, runB, a.Peptides.Count, b.Peptides.Count, sharedSequences, Shown.Cosine(centroidCosine), queryIndices.Length, quantiles, deltas, top);
    }

    private static List<Cluster> Representatives(KMeans.Clustering clustering, OmicsRunData data)
    {
        var clusters = new List<Cluster>();
        for (var c = 0; c < clustering.K; c++)
        {
            var members = Enumerable.Range(0, data.Peptides.Count).Where(i => clustering.Assignments[i] == c).ToList();
            var closest = members
                .OrderBy(i => TensorPrimitives.Distance(data.Vectors[i], clustering.Centroids[c]))
                .Take(3).Select(i => data.Peptides[i].Sequence).ToList();
            clusters.Add(new Cluster(c, members.Count, closest));
        }
        return clusters;
    }
}
