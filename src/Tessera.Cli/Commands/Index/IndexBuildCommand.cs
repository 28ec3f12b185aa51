using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using Tessera.Cli.Hosting;
using Tessera.Core.Errors;
using Tessera.Vectors.Hnsw;
using Tessera.Vectors.Snapshots;

namespace Tessera.Cli.Commands.Index;

/// <summary>
/// <c>tessera index build</c>: builds an HNSW index over a <c>.npy</c> matrix (ids are row numbers) and writes a
/// snapshot atomically; or, with <c>--collection NAME</c>, rebuilds a module's collection indexes from the database.
/// </summary>
internal static class IndexBuildCommand
{
    public static Command Create(CliHost host)
    {
        var input = new Option<string?>("--input") { Description = "Vectors to index (.npy float32, rows × dimensions); ids are row numbers." };
        var output = new Option<string?>("--out") { Description = "Snapshot file to write." };
        var collection = new Option<string?>("--collection")
        {
            Description = "Instead of a file: rebuild a collection's indexes from the database, using --data-dir/--database.",
        };
        var data = new DataOptions();
        var metric = IndexOptions.Metric();
        var m = IndexOptions.M();
        var efConstruction = IndexOptions.EfConstruction();
        var ef = new Option<int>("--ef") { Description = "Default search ef stored with the index.", DefaultValueFactory = _ => 64 };
        var threads = IndexOptions.Threads();
        var seed = IndexOptions.Seed();
        var quantization = IndexOptions.Quantization();
        var rerank = IndexOptions.RerankMultiple();
        var command = new Command("build", "Build an HNSW index from a .npy matrix and save it as a snapshot, or rebuild a collection's indexes.");
        foreach (var option in new Option[] { input, output, collection, metric, m, efConstruction, ef, threads, seed, quantization, rerank }) command.Options.Add(option);
        data.AddTo(command);

        command.SetAction(async (ParseResult parse, CancellationToken cancellationToken) =>
        {
            if (parse.GetValue(collection) is { } name)
            {
                if (parse.GetValue(input) is not null || parse.GetValue(output) is not null)
                    throw TesseraException.Validation("--collection builds from the database; leave out --input and --out.");
                return await CollectionCommands.BuildAsync(host, data.Flags(parse), name, cancellationToken).ConfigureAwait(false);
            }
            var inputPath = parse.GetValue(input) ?? throw TesseraException.Validation("Give --input and --out (or --collection).");
            var path = parse.GetValue(output) ?? throw TesseraException.Validation("Give --out, the snapshot file to write.");
            var options = new HnswOptions
            {
                M = parse.GetValue(m),
                EfConstruction = parse.GetValue(efConstruction),
                EfSearch = parse.GetValue(ef),
                Seed = parse.GetValue(seed),
                Quantization = IndexOptions.ParseQuantization(parse.GetValue(quantization)!),
                RerankMultiple = parse.GetValue(rerank),
            };
            options.Validate();
            var metricValue = IndexOptions.ParseMetric(parse.GetValue(metric)!);
            var vectors = VectorFile.Read(inputPath, "input");
            var watch = Stopwatch.StartNew();
            await AnsiConsole.Progress().StartAsync(async context =>
            {
                var task = context.AddTask($"Indexing {vectors.Rows:N0} vectors", maxValue: vectors.Rows);
                var progress = new Progress<int>(done => task.Value = done);
                using var index = await Task.Run(
                    () => HnswIndex.Build(metricValue, vectors.Columns, vectors.Values, null, options, parse.GetValue(threads), progress, cancellationToken),
                    cancellationToken).ConfigureAwait(false);
                task.Value = vectors.Rows;
                var save = context.AddTask("Writing snapshot", maxValue: 1);
                HnswSnapshot.Save(index, path);
                save.Value = 1;
            }).ConfigureAwait(false);
            AnsiConsole.MarkupLineInterpolated($"Wrote {path} ({new FileInfo(path).Length:N0} bytes, {vectors.Rows:N0} vectors × {vectors.Columns}) in {watch.Elapsed.TotalSeconds:F1} s.");
            return ExitCodes.Success;
        });
        return command;
    }
}
