using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Tessera.Vectors;
using Tessera.Vectors.Hnsw;

namespace Tessera.Cli.Commands.Index;

/// <summary>
/// <c>tessera index bench</c>: builds an HNSW index over a base set and prints, per ef, recall@k against exact
/// search and query throughput, one JSON line each, so scripts can compare it with hnswlib and FAISS.
/// </summary>
internal static class IndexBenchCommand
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Command Create()
    {
        var basePath = new Option<string>("--base") { Description = "Base vectors (.npy float32, rows × dimensions).", Required = true };
        var queriesPath = new Option<string>("--queries") { Description = "Query vectors (.npy float32).", Required = true };
        var truthPath = new Option<string?>("--truth") { Description = "Ground-truth neighbour ids (.npy int32/int64, queries × ≥k); computed exactly when absent." };
        var metric = IndexOptions.Metric();
        var m = IndexOptions.M();
        var efConstruction = IndexOptions.EfConstruction();
        var efs = new Option<string>("--ef") { Description = "Search ef values, comma-separated.", DefaultValueFactory = _ => "10,16,32,64,128,256" };
        var threads = new Option<int>("--threads") { Description = "Threads for building and batched queries.", DefaultValueFactory = _ => 1 };
        var k = IndexOptions.K();
        var seed = IndexOptions.Seed();
        var quantization = IndexOptions.Quantization();
        var rerank = IndexOptions.RerankMultiple();
        var float32 = IndexOptions.Float32Storage();
        var repeat = new Option<int>("--repeat") { Description = "Timed query passes per ef; the median is reported.", DefaultValueFactory = _ => 3 };
        var filterFraction = new Option<double>("--filter-fraction")
        {
            Description = "Also measure recall under a filter admitting this share of the items (0: skip).",
            DefaultValueFactory = _ => 0.0,
        };
        var command = new Command("bench", "Measure recall@k, queries/s, build time and memory of an HNSW index.");
        foreach (var option in new Option[] { basePath, queriesPath, truthPath, metric, m, efConstruction, efs, threads, k, seed, quantization, rerank, float32, repeat, filterFraction })
            command.Options.Add(option);

        command.SetAction((ParseResult parse, CancellationToken cancellationToken) =>
        {
            var settings = new BenchSettings(
                parse.GetValue(basePath)!, parse.GetValue(queriesPath)!, parse.GetValue(truthPath),
                IndexOptions.ParseMetric(parse.GetValue(metric)!),
                new HnswOptions
                {
                    M = parse.GetValue(m),
                    EfConstruction = parse.GetValue(efConstruction),
                    Seed = parse.GetValue(seed),
                    Quantization = IndexOptions.ParseQuantization(parse.GetValue(quantization)!),
                    RerankMultiple = parse.GetValue(rerank),
                    Float32Storage = IndexOptions.ParseFloat32Storage(parse.GetValue(float32)!),
                },
                IndexOptions.ParseEfList(parse.GetValue(efs)!), parse.GetValue(threads), parse.GetValue(k), parse.GetValue(repeat),
                parse.GetValue(filterFraction));
            Run(settings, Console.Out, cancellationToken);
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    internal sealed record BenchSettings(
        string BasePath, string QueriesPath, string? TruthPath, DistanceMetric Metric, HnswOptions Options,
        int[] Efs, int Threads, int K, int Repeat, double FilterFraction);

    internal static void Run(BenchSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        settings.Options.Validate();
        IndexOptions.RequirePositive(settings.K, "--k");
        IndexOptions.RequirePositive(settings.Repeat, "--repeat");
        if (settings.FilterFraction is < 0 or > 1) throw Core.Errors.TesseraException.Validation("--filter-fraction must lie in [0, 1].");
        var data = VectorFile.Read(settings.BasePath, "base");
        var queries = VectorFile.Read(settings.QueriesPath, "queries");
        queries.RequireColumns(data.Columns, data.Path);
        var truth = settings.TruthPath is null
            ? GroundTruth.Exact(data, queries, settings.Metric, settings.K, null)
            : GroundTruth.Read(settings.TruthPath, queries.Rows, settings.K);

        var watch = Stopwatch.StartNew();
        var cpu = CpuSeconds();
        using var index = HnswIndex.Build(settings.Metric, data.Columns, data.Values, null, settings.Options, settings.Threads, cancellationToken: cancellationToken);
        var buildSeconds = watch.Elapsed.TotalSeconds;
        var buildCpuSeconds = CpuSeconds() - cpu;

        foreach (var ef in settings.Efs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var found = new SearchHit[queries.Rows][];
            // One untimed pass warms caches and the JIT, as the reference script does.
            for (var q = 0; q < queries.Rows; q++) index.Search(queries.Row(q), settings.K, ef);
            var cpuRates = new List<double>();
            var single = Median(settings.Repeat, () =>
            {
                var timer = Stopwatch.StartNew();
                var start = CpuSeconds();
                for (var q = 0; q < queries.Rows; q++) found[q] = index.Search(queries.Row(q), settings.K, ef);
                cpuRates.Add(queries.Rows / (CpuSeconds() - start));
                return queries.Rows / timer.Elapsed.TotalSeconds;
            });
            cpuRates.Sort();
            var batched = Median(settings.Repeat, () =>
            {
                var timer = Stopwatch.StartNew();
                index.SearchBatch(queries.Values, settings.K, ef, settings.Threads);
                return queries.Rows / timer.Elapsed.TotalSeconds;
            });
            // After the passes, so a mapped index reports the float32 pages its re-ranking brought into memory.
            var memory = index.Memory;
            double PerVector(long bytes) => Math.Round((double)bytes / data.Rows, 1);
            var line = new BenchLine(ef, GroundTruth.Recall(found, truth, settings.K), Math.Round(single, 1), Math.Round(batched, 1),
                Math.Round(cpuRates[cpuRates.Count / 2], 1), Math.Round(buildSeconds, 3), Math.Round(buildCpuSeconds, 3),
                memory.TotalBytes, PerVector(memory.TotalBytes), PerVector(memory.GraphBytes), PerVector(memory.QuantizedBytes),
                PerVector(memory.VectorBytes), memory.VectorsMapped, PerVector(memory.ResidentBytes),
                memory.MappedVectorBytesInMemory < 0 ? null : PerVector(memory.MappedVectorBytesInMemory));
            output.WriteLine(JsonSerializer.Serialize(line, Json));
        }

        if (settings.FilterFraction > 0) RunFiltered(settings, data, queries, index, output);
    }

    /// <summary>Recall and speed when only a random share of the items may be returned, as an ownership filter does.</summary>
    private static void RunFiltered(BenchSettings settings, VectorFile data, VectorFile queries, HnswIndex index, TextWriter output)
    {
        var random = new Random(unchecked((int)settings.Options.Seed));
        var allowed = new HashSet<long>();
        for (var id = 0; id < data.Rows; id++)
        {
            if (random.NextDouble() < settings.FilterFraction) allowed.Add(id);
        }
        var filter = SearchFilters.In(allowed);
        var truth = GroundTruth.Exact(data, queries, settings.Metric, settings.K, allowed);
        var ef = settings.Efs.Max();
        var found = new SearchHit[queries.Rows][];
        var qps = Median(settings.Repeat, () =>
        {
            var timer = Stopwatch.StartNew();
            for (var q = 0; q < queries.Rows; q++) found[q] = index.Search(queries.Row(q), settings.K, filter, ef);
            return queries.Rows / timer.Elapsed.TotalSeconds;
        });
        var line = new FilteredBenchLine(settings.FilterFraction, allowed.Count, ef, GroundTruth.Recall(found, truth, settings.K), Math.Round(qps, 1));
        output.WriteLine(JsonSerializer.Serialize(line, Json));
    }

    private static double Median(int repeat, Func<double> measure)
    {
        var samples = new double[repeat];
        for (var i = 0; i < repeat; i++) samples[i] = measure();
        Array.Sort(samples);
        return samples[repeat / 2];
    }

    /// <summary>Process CPU time: on a shared machine it tracks the work done better than the wall clock.</summary>
    private static double CpuSeconds() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    /// <summary>
    /// One ef's results. Qps fields are medians over the repeats: wall clock, one query per call; wall clock,
    /// <see cref="HnswIndex.SearchBatch"/> on --threads; and queries per CPU second, one query per call. Bytes per
    /// vector are the total and its parts: graph, quantized codes and float32 vectors; then what must stay resident
    /// (all but mapped float32 vectors) and, when mapped, how much of the float32 file is in the page cache after the passes.
    /// </summary>
    internal sealed record BenchLine(
        int Ef, double RecallAtK, double Qps, double QpsBatched, double QpsCpu, double BuildSeconds, double BuildCpuSeconds,
        long IndexBytes, double BytesPerVector, double GraphBytesPerVector, double QuantizedBytesPerVector, double VectorBytesPerVector,
        bool VectorsMapped, double ResidentBytesPerVector, double? MappedInMemoryBytesPerVector);

    internal sealed record FilteredBenchLine(double FilterFraction, int Allowed, int Ef, double RecallAtK, double Qps);
}
