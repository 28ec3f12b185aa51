using System.Text.Json;
using Parquet;
using Tessera.Testing;

namespace Tessera.Cli.Tests;

/// <summary><c>tessera traces ingest</c> runs the whole pipeline: records stored, embedded, projected onto the map and written to Parquet.</summary>
public sealed class TracesIngestCommandTests : IDisposable
{
    private readonly string _runs = Directory.CreateTempSubdirectory("tessera-traces-cli-").FullName;

    public void Dispose() => Directory.Delete(_runs, recursive: true);

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Ingest_stores_projects_and_writes_the_parquet_files_and_reports_the_seconds_spent_embedding(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        // Two finished runs of 20 seed entries and one unfinished run, which is left for later.
        await File.WriteAllTextAsync(Path.Combine(_runs, "a.jsonl"), Run(20, finished: true));
        await File.WriteAllTextAsync(Path.Combine(_runs, "b.jsonl"), Run(20, finished: true));
        await File.WriteAllTextAsync(Path.Combine(_runs, "c.jsonl"), Run(5, finished: false));

        var (code, output, error) = await CliProcess.RunAsync(
            "traces", "ingest", _runs, "--embedder", "tessera-text-hashed-ngrams-v1", "--json", "--data-dir", scratch.DataDir, "--database", scratch.Target);

        Assert.True(code == 0, error);
        var report = JsonDocument.Parse(output).RootElement.GetProperty("report");
        Assert.Equal((40, 2, 1), (report.GetProperty("records_added").GetInt32(), report.GetProperty("files_processed").GetInt32(), report.GetProperty("files_incomplete").GetInt32()));
        var embedSeconds = report.GetProperty("embed_seconds").GetDouble();
        var wallSeconds = report.GetProperty("wall_seconds").GetDouble();
        Assert.InRange(embedSeconds, double.Epsilon, wallSeconds);

        var organizations = Directory.GetDirectories(Path.Combine(scratch.DataDir, "traces"));
        var folder = Assert.Single(organizations);
        Assert.Equal(40, await RowsAsync(Path.Combine(folder, "logs.parquet")));
        Assert.Equal(40, await RowsAsync(Path.Combine(folder, "embeddings.parquet")));

        // The records are searchable from the command line as the owner (the local demo member) sees them over HTTP.
        string[] data = ["--data-dir", scratch.DataDir, "--database", scratch.Target];
        var query = await CliProcess.RunAsync(["index", "query", "--collection", "traces", "--user", "demo@tessera.local", "--org", "demo",
            "--text", "step 3: open the file, read the failing test and try fix number 10", "--k", "3", .. data]);
        Assert.True(query.ExitCode == 0, query.Error);
        var hits = query.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, hits.Count);
        Assert.Equal("step 3: open the file, read the failing test and try fix number 10", hits[0].GetProperty("record").GetProperty("text").GetString());
        var byId = await CliProcess.RunAsync(["index", "query", "--collection", "traces", "--user", "demo@tessera.local", "--org", "demo",
            "--id", Guid.NewGuid().ToString(), .. data]);
        Assert.NotEqual(0, byId.ExitCode);
        Assert.Contains("searched by text", byId.Error, StringComparison.Ordinal);
    }

    private static string Run(int entries, bool finished) => string.Concat(Enumerable.Range(0, entries).Select(i => SeedRun.Line(
        i / 3, i % 3, $"step {i}: open the file, read the failing test and try fix number {i * 7 % 11}", finished && i == entries - 1 ? "done" : null)));

    private static async Task<long> RowsAsync(string file)
    {
        await using var reader = await ParquetReader.CreateAsync(file);
        long rows = 0;
        for (var group = 0; group < reader.RowGroupCount; group++)
        {
            using var rowGroup = reader.OpenRowGroupReader(group);
            rows += rowGroup.RowCount;
        }
        return rows;
    }
}
