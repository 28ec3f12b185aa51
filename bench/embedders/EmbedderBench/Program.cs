using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;
using Tessera.Inference.Classical;
using Tessera.Inference.Embeddings;
using Tessera.Inference.Onnx;
using EmbedderBench;

// Quality and single-thread throughput of the packaged embedders beside the classical defaults.
//   EmbedderBench STS_TSV [gallery images] [queries per transform]
var stsPath = args.Length > 0 ? args[0] : "bench/embedders/data/stsb-test-captions.tsv";
var galleryCount = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;
var queriesPerTransform = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 40;

// One intra-op thread, so every rate is per core.
var registry = new EmbedderRegistry(PretrainedEmbedders.All(new OnnxRuntimeOptions { IntraOpThreads = 1, BatchSize = 16 }));
var footprints = new List<string>();

var pairs = File.ReadAllLines(stsPath).Where(l => l.Length > 0).Select(l => l.Split('\t'))
    .Select(p => (Score: double.Parse(p[0], CultureInfo.InvariantCulture), A: p[1], B: p[2])).ToList();
var sentences = pairs.SelectMany(p => new[] { p.A, p.B }).Distinct(StringComparer.Ordinal).ToList();
Console.WriteLine($"## Text: {pairs.Count} STS-B pairs ({sentences.Count} distinct sentences), Spearman ρ of cosine vs human score");
Console.WriteLine();
Console.WriteLine("| model | Spearman ρ | texts/s (1 thread) |");
Console.WriteLine("|---|---|---|");
foreach (var name in new[] { PretrainedEmbedders.MiniLm, PretrainedEmbedders.ArcticXs, HashedNgramTextEmbedder.ModelName })
{
    var embedder = (ITesseraEmbedder)await Load(name);
    await embedder.GenerateAsync(sentences.Take(16)); // warm-up: first-run allocations stay out of the rate
    var clock = Stopwatch.StartNew();
    var vectors = await embedder.GenerateAsync(sentences);
    var seconds = clock.Elapsed.TotalSeconds;
    var bySentence = sentences.Select((s, i) => (s, vectors[i].Vector)).ToDictionary(x => x.s, x => x.Vector, StringComparer.Ordinal);
    var cosines = pairs.Select(p => Ranking.Cosine(bySentence[p.A].Span, bySentence[p.B].Span)).ToList();
    var rho = Ranking.Spearman(cosines, [.. pairs.Select(p => p.Score)]);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {rho:F3} | {sentences.Count / seconds:F0} |"));
    footprints.Add(Footprint(name));
}

Console.WriteLine();
Console.WriteLine($"## Images: {galleryCount} synthetic scenes; {queriesPerTransform} transformed copies per transform; recall@1 among the scenes");
Console.WriteLine();
var gallery = new List<byte[]>(galleryCount);
var queries = new List<(string Transform, int Source, byte[] Image)>();
for (var i = 0; i < galleryCount; i++)
{
    using var scene = SyntheticScenes.Scene(1000 + i);
    gallery.Add(SyntheticScenes.Png(scene));
}
for (var t = 0; t < SyntheticScenes.Transforms.Length; t++)
{
    for (var q = 0; q < queriesPerTransform; q++)
    {
        var source = (q * 7919 + t * 104729) % galleryCount;
        using var scene = SyntheticScenes.Scene(1000 + source);
        queries.Add((SyntheticScenes.Transforms[t], source, SyntheticScenes.Transformed(scene, SyntheticScenes.Transforms[t], t * 100_000 + q)));
    }
}
Console.WriteLine($"| model | {string.Join(" | ", SyntheticScenes.Transforms)} | all | images/s (1 thread) |");
Console.WriteLine($"|---|{string.Concat(Enumerable.Repeat("---|", SyntheticScenes.Transforms.Length))}---|---|");
foreach (var name in new[] { PretrainedEmbedders.ResNet18, ColourGradientHashImageEmbedder.ModelName })
{
    var embedder = (ITesseraImageEmbedder)await Load(name);
    var clock = Stopwatch.StartNew();
    var galleryVectors = await embedder.GenerateAsync(gallery.Select(g => new DataContent(g, "image/png")));
    var seconds = clock.Elapsed.TotalSeconds;
    var queryVectors = await embedder.GenerateAsync(queries.Select(q => new DataContent(q.Image, "image/png")));
    var hits = new Dictionary<string, int>(StringComparer.Ordinal);
    for (var q = 0; q < queries.Count; q++)
    {
        var best = -1;
        var bestScore = double.NegativeInfinity;
        for (var g = 0; g < galleryVectors.Count; g++)
        {
            var score = Ranking.Cosine(queryVectors[q].Vector.Span, galleryVectors[g].Vector.Span);
            if (score > bestScore) (best, bestScore) = (g, score);
        }
        if (best == queries[q].Source) hits[queries[q].Transform] = hits.GetValueOrDefault(queries[q].Transform) + 1;
    }
    var perTransform = SyntheticScenes.Transforms.Select(t => string.Create(CultureInfo.InvariantCulture, $"{(double)hits.GetValueOrDefault(t) / queriesPerTransform:F3}"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {string.Join(" | ", perTransform)} | {(double)hits.Values.Sum() / queries.Count:F3} | {galleryCount / seconds:F1} |"));
    footprints.Add(Footprint(name));
}

Console.WriteLine();
Console.WriteLine("## Load time and resident memory (growth of the process's working set over the model's load and runs)");
Console.WriteLine();
Console.WriteLine("| model | load s | resident MiB |");
Console.WriteLine("|---|---|---|");
foreach (var line in footprints) Console.WriteLine(line);
return;

async Task<IEmbedderModel> Load(string name)
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    using var process = Process.GetCurrentProcess();
    Baselines[name] = process.WorkingSet64;
    var clock = Stopwatch.StartNew();
    var model = await registry.GetModelAsync(name);
    LoadSeconds[name] = clock.Elapsed.TotalSeconds;
    return model;
}

string Footprint(string name)
{
    using var process = Process.GetCurrentProcess();
    var grown = (process.WorkingSet64 - Baselines[name]) / (1024.0 * 1024.0);
    return string.Create(CultureInfo.InvariantCulture, $"| {name} | {LoadSeconds[name]:F2} | {grown:F0} |");
}

internal static partial class Program
{
    private static readonly Dictionary<string, long> Baselines = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, double> LoadSeconds = new(StringComparer.Ordinal);
}
