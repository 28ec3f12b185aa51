// PCA fit/transform on N × D synthetic vectors and Parquet write throughput; writes the vectors and the unaligned
// coordinates for sklearn_pca.py to compare. Usage: TracesProjectionBench N D OUT_DIR
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Tessera.Traces.Parquet;
using Tessera.Traces.Projection;

var n = int.Parse(args[0], CultureInfo.InvariantCulture);
var d = int.Parse(args[1], CultureInfo.InvariantCulture);
var outDir = args[2];
Directory.CreateDirectory(outDir);

// Low-rank structure with decaying scales plus noise, around an offset mean (like sentence embeddings' clear leading directions).
var random = new Random(42);
var latent = 12;
var directions = Enumerable.Range(0, latent).Select(_ => Enumerable.Range(0, d).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray()).ToArray();
var values = new float[(long)n * d];
for (var r = 0; r < n; r++)
{
    var row = values.AsSpan(r * d, d);
    for (var c = 0; c < d; c++) row[c] = 0.1f + 0.02f * (float)(random.NextDouble() - 0.5);
    for (var k = 0; k < latent; k++)
    {
        var w = (float)(Math.Pow(0.6, k) * (random.NextDouble() * 2 - 1));
        for (var c = 0; c < d; c++) row[c] += w * directions[k][c];
    }
}
var rows = new VectorRows(values, d);
File.WriteAllBytes(Path.Combine(outDir, "vectors.f32"), MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

Pca.Fit(new VectorRows(values[..(1000 * d)], d)); // warm-up (JIT)
double Best(int runs, Action action)
{
    var best = double.MaxValue;
    for (var i = 0; i < runs; i++)
    {
        var watch = Stopwatch.StartNew();
        action();
        best = Math.Min(best, watch.Elapsed.TotalSeconds);
    }
    return best;
}
PcaModel model = null!;
var fit = Best(3, () => model = Pca.Fit(rows));
(double X, double Y)[] points = [];
var transform = Best(3, () => points = model.TransformAll(rows, aligned: false));
var coords = points.SelectMany(p => new[] { p.X, p.Y }).ToArray();
File.WriteAllBytes(Path.Combine(outDir, "tessera_coords.f64"), MemoryMarshal.AsBytes(coords.AsSpan()).ToArray());

var embeddingRows = Enumerable.Range(0, n).Select(r => new TracesExportRows.EmbeddingRow
{
    Seq = r + 1, Id = $"{r:x64}", Vector = MemoryMarshal.AsBytes(rows.Row(r)).ToArray(), Embedder = "bench-model", ModelHash = "0123456789abcdef",
}).ToList();
var parquetPath = Path.Combine(outDir, "embeddings.parquet");
var write = Best(3, () =>
{
    using var file = new FileStream(parquetPath, FileMode.Create, FileAccess.ReadWrite);
    TracesParquetFiles.WriteEmbeddingsToAsync(file, embeddingRows, append: false, CancellationToken.None).GetAwaiter().GetResult();
});
var megabytes = new FileInfo(parquetPath).Length / 1e6;
Console.WriteLine(FormattableString.Invariant($"tessera_fit_s={fit:F3} tessera_transform_s={transform:F3} cores={Environment.ProcessorCount}"));
Console.WriteLine(FormattableString.Invariant($"parquet_embeddings rows={n} file_mb={megabytes:F1} write_s={write:F3} rows_per_s={n / write:F0} mb_per_s={megabytes / write:F1}"));
