using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using Tessera.Vectors.Hnsw;
using Tessera.Vectors.Snapshots;

namespace Tessera.Cli.Commands.Index;

/// <summary>
/// <c>tessera index build</c>: builds an HNSW index over a <c>.npy</c> matrix (ids are row numbers) and writes a
/// snapshot atomically. Collection-backed builds arrive with the stored-embedding tables.
/// </summary>
internal static class IndexBuildCommand
{
    public static Command Create()
    {
        var input = new Option<string>("--input") { Description = "Vectors to index (.npy float32, rows × dimensions); ids are row numbers.", Required = true };
        var output = new Option<string>("--out") { Description = "Snapshot file to write.", Required = true };
        var metric = IndexOptions.Metric();
        var m = IndexOptions.M();
        var efConstruction = IndexOptions.EfConstruction();
        var ef = new Option<int>("--ef") { Description = "Default search ef stored with the index.", DefaultValueFactory = _ => 64 };
        var threads = IndexOptions.Threads();
        var seed = IndexOptions.Seed();
        var command = new Command("build", "Build an HNSW index from a .npy matrix and save it as a snapshot.");
        foreach (var option in new Option[] { input, output, metric, m, efConstruction, ef, threads, seed }) command.Options.Add(option);

        command.SetAction(async (ParseResult parse, CancellationToken cancellationToken) =>
        {
            var options = new HnswOptions { M = parse.GetValue(m), EfConstruction = parse.GetValue(efConstruction), EfSearch = parse.GetValue(ef), Seed = parse.GetValue(seed) };
            options.Validate();
            var metricValue = IndexOptions.ParseMetric(parse.GetValue(metric)!);
            var data = VectorFile.Read(parse.GetValue(input)!, "input");
            var path = parse.GetValue(output)!;
            var watch = Stopwatch.StartNew();
            await AnsiConsole.Progress().StartAsync(async context =>
            {
                var task = context.AddTask($"Indexing {data.Rows:N0} vectors", maxValue: data.Rows);
                var progress = new Progress<int>(done => task.Value = done);
                using var index = await Task.Run(
                    () => HnswIndex.Build(metricValue, data.Columns, data.Values, null, options, parse.GetValue(threads), progress, cancellationToken),
                    cancellationToken).ConfigureAwait(false);
                task.Value = data.Rows;
                var save = context.AddTask("Writing snapshot", maxValue: 1);
                HnswSnapshot.Save(index, path);
                save.Value = 1;
            }).ConfigureAwait(false);
            AnsiConsole.MarkupLineInterpolated($"Wrote {path} ({new FileInfo(path).Length:N0} bytes, {data.Rows:N0} vectors × {data.Columns}) in {watch.Elapsed.TotalSeconds:F1} s.");
            return ExitCodes.Success;
        });
        return command;
    }
}
