using System.CommandLine;
using System.Text.Json;
using Tessera.Core.Errors;
using Tessera.Vectors.Snapshots;

namespace Tessera.Cli.Commands.Index;

/// <summary><c>tessera index query</c>: searches a snapshot and prints one JSON line per query with ids and distances.</summary>
internal static class IndexQueryCommand
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Command Create()
    {
        var indexPath = new Option<string>("--index") { Description = "Snapshot written by 'tessera index build'.", Required = true };
        var queriesPath = new Option<string>("--queries") { Description = "Query vectors (.npy float32).", Required = true };
        var k = IndexOptions.K();
        var ef = new Option<int?>("--ef") { Description = "Search ef (default: the value stored with the index)." };
        var command = new Command("query", "Search an index snapshot for the nearest neighbours of each query.");
        foreach (var option in new Option[] { indexPath, queriesPath, k, ef }) command.Options.Add(option);

        command.SetAction((ParseResult parse, CancellationToken cancellationToken) =>
        {
            var path = parse.GetValue(indexPath)!;
            var kValue = parse.GetValue(k);
            IndexOptions.RequirePositive(kValue, "--k");
            var efValue = parse.GetValue(ef);
            if (efValue is <= 0) throw TesseraException.Validation($"--ef must be positive (got {efValue}).");
            if (!File.Exists(path)) throw TesseraException.Validation($"The index file {path} does not exist.");
            Vectors.Hnsw.HnswIndex index;
            try
            {
                index = HnswSnapshot.Load(path);
            }
            catch (InvalidDataException e)
            {
                throw TesseraException.Validation(e.Message);
            }
            using (index)
            {
                var queries = VectorFile.Read(parse.GetValue(queriesPath)!, "queries");
                queries.RequireColumns(index.Dimension, path);
                for (var q = 0; q < queries.Rows; q++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var hits = index.Search(queries.Row(q), kValue, efValue);
                    var line = new QueryLine(q, Array.ConvertAll(hits, h => h.Id), Array.ConvertAll(hits, h => h.Distance));
                    Console.Out.WriteLine(JsonSerializer.Serialize(line, Json));
                }
            }
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    internal sealed record QueryLine(int Query, long[] Ids, float[] Distances);
}
