using System.CommandLine;
using System.Globalization;
using Tessera.Core.Errors;
using Tessera.Vectors;
using Tessera.Vectors.Hnsw;

namespace Tessera.Cli.Commands.Index;

/// <summary>Options shared by the index verbs.</summary>
internal static class IndexOptions
{
    public static Option<string> Metric() => new("--metric")
    {
        Description = "Distance: cosine, ip (inner product) or l2 (squared Euclidean).",
        DefaultValueFactory = _ => "l2",
    };

    public static Option<int> M() => new("--m") { Description = "HNSW links per node (level 0 keeps 2·M).", DefaultValueFactory = _ => 16 };

    public static Option<int> EfConstruction() => new("--ef-construction")
    {
        Description = "HNSW candidate list size while building.",
        DefaultValueFactory = _ => 200,
    };

    public static Option<string> Quantization() => new("--quantization")
    {
        Description = "What the graph walk reads: none (float32 vectors) or sq8 (8-bit codes, re-ranked with float32).",
        DefaultValueFactory = _ => "none",
    };

    public static Option<int> RerankMultiple() => new("--rerank")
    {
        Description = "With sq8: re-rank this many times k of the walk's best candidates with the float32 vectors.",
        DefaultValueFactory = _ => 4,
    };

    public static Option<string> Float32Storage() => new("--float32")
    {
        Description = "With sq8: where the float32 vectors live, resident (in memory) or mapped (a memory-mapped file the kernel pages in for re-ranking).",
        DefaultValueFactory = _ => "resident",
    };

    public static Option<int> Threads() => new("--threads") { Description = "Threads for building (0: all cores).", DefaultValueFactory = _ => 0 };

    public static Option<int> K() => new("--k") { Description = "Neighbours per query.", DefaultValueFactory = _ => 10 };

    public static Option<ulong> Seed() => new("--seed") { Description = "Seed of the level generator.", DefaultValueFactory = _ => 100UL };

    public static DistanceMetric ParseMetric(string name) => DistanceMetricNames.Parse(name);

    public static VectorQuantization ParseQuantization(string name) => name.ToLowerInvariant() switch
    {
        "none" => VectorQuantization.None,
        "sq8" => VectorQuantization.Sq8,
        _ => throw TesseraException.Validation($"--quantization takes none or sq8 (got '{name}')."),
    };

    public static VectorStorage ParseFloat32Storage(string name) => name.ToLowerInvariant() switch
    {
        "resident" => VectorStorage.Resident,
        "mapped" => VectorStorage.MemoryMapped,
        _ => throw TesseraException.Validation($"--float32 takes resident or mapped (got '{name}')."),
    };

    /// <summary>Parses a comma-separated list of positive integers such as <c>10,16,32</c>.</summary>
    public static int[] ParseEfList(string text)
    {
        var values = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var ef) || ef <= 0)
                throw TesseraException.Validation($"--ef takes positive integers separated by commas (got '{text}').");
            values.Add(ef);
        }
        if (values.Count == 0) throw TesseraException.Validation("--ef needs at least one value.");
        return [.. values];
    }

    public static void RequirePositive(int value, string option)
    {
        if (value <= 0) throw TesseraException.Validation($"{option} must be positive (got {value}).");
    }
}
