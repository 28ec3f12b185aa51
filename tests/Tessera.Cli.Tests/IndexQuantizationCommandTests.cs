using System.Text.Json.Nodes;
using Tessera.Core.Numerics;

namespace Tessera.Cli.Tests;

/// <summary>The file-mode index verbs with <c>--quantization</c>; they touch no database.</summary>
public sealed class IndexQuantizationCommandTests : IDisposable
{
    private const int Rows = 300, Dim = 32;
    private readonly string _folder = Directory.CreateTempSubdirectory("tessera-sq8-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task An_sq8_index_is_built_queried_and_benchmarked_from_the_command_line()
    {
        var random = new Random(31);
        var values = new float[Rows * Dim];
        for (var i = 0; i < values.Length; i++) values[i] = (float)random.NextDouble() * 2 - 1;
        var vectors = Path.Combine(_folder, "vectors.npy");
        Npy.WriteFile(vectors, values, Rows, Dim);
        var snapshot = Path.Combine(_folder, "sq8.hnsw");

        await SucceedsAsync(CliProcess.RunAsync("index", "build", "--input", vectors, "--out", snapshot, "--threads", "1", "--quantization", "sq8"));
        var answers = (await SucceedsAsync(CliProcess.RunAsync("index", "query", "--index", snapshot, "--queries", vectors, "--k", "3")))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!).ToList();
        Assert.Equal(Rows, answers.Count);
        Assert.All(answers, a => Assert.Equal(a["query"]!.GetValue<int>(), a["ids"]![0]!.GetValue<long>()));

        var bench = (await SucceedsAsync(CliProcess.RunAsync(
                "index", "bench", "--base", vectors, "--queries", vectors, "--k", "3", "--ef", "32", "--repeat", "1", "--quantization", "sq8", "--rerank", "2")))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!).Single();
        Assert.Equal(1.0, bench["recall_at_k"]!.GetValue<double>(), 2);
        // 32 codes padded to one 64-byte line, next to 128 bytes of float32.
        Assert.Equal(64, bench["quantized_bytes_per_vector"]!.GetValue<double>());
        Assert.Equal(128, bench["vector_bytes_per_vector"]!.GetValue<double>());

        var (exitCode, _, error) = await CliProcess.RunAsync("index", "build", "--input", vectors, "--out", snapshot, "--quantization", "pq4");
        Assert.NotEqual(0, exitCode);
        Assert.Contains("--quantization takes none or sq8 (got 'pq4')", error, StringComparison.Ordinal);
    }

    private static async Task<string> SucceedsAsync(Task<(int ExitCode, string Output, string Error)> run)
    {
        var (exitCode, stdout, stderr) = await run;
        Assert.True(exitCode == 0, $"exit {exitCode}\n{stdout}\n{stderr}");
        return stdout;
    }
}
