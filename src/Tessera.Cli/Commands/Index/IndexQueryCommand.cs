using System.CommandLine;
using System.Text.Json;
using Tessera.Cli.Hosting;
using Tessera.Core.Errors;
using Tessera.Platform.Collections;
using Tessera.Vectors.Snapshots;

namespace Tessera.Cli.Commands.Index;

/// <summary>
/// <c>tessera index query</c>: searches a snapshot and prints one JSON line per query with ids and distances; or, with
/// <c>--collection NAME</c>, searches a module's collection as a member would over the API and prints one JSON line per hit.
/// </summary>
internal static class IndexQueryCommand
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Command Create(CliHost host)
    {
        var indexPath = new Option<string?>("--index") { Description = "Snapshot written by 'tessera index build'." };
        var queriesPath = new Option<string?>("--queries") { Description = "Query vectors (.npy float32)." };
        var k = IndexOptions.K();
        var ef = new Option<int?>("--ef") { Description = "Search ef (default: the value stored with the index)." };
        var collection = new Option<string?>("--collection") { Description = "Instead of a file: search a module's collection in the database." };
        var user = new Option<string?>("--user") { Description = "With --collection: search as this member (email)." };
        var org = new Option<string>("--org") { Description = "With --collection: the member's organization.", DefaultValueFactory = _ => "default" };
        var text = new Option<string?>("--text") { Description = "With --collection: text to embed and search for, as the collection's module reads it." };
        var id = new Option<Guid?>("--id") { Description = "With --collection: a stored item to search from." };
        var within = new Option<Guid[]>("--within") { Description = "With --collection: only these groups (e.g. runs).", AllowMultipleArgumentsPerToken = true };
        var data = new DataOptions();
        var command = new Command("query", "Search an index snapshot for the nearest neighbours of each query, or a collection as one of its members.");
        foreach (var option in new Option[] { indexPath, queriesPath, k, ef, collection, user, org, text, id, within }) command.Options.Add(option);
        data.AddTo(command);

        command.SetAction(async (ParseResult parse, CancellationToken cancellationToken) =>
        {
            var kValue = parse.GetValue(k);
            IndexOptions.RequirePositive(kValue, "--k");
            if (parse.GetValue(collection) is { } name)
            {
                var member = parse.GetValue(user) ?? throw TesseraException.Validation("--collection searches as a member: give --user (and --org).");
                var query = new CollectionQuery(parse.GetValue(text), parse.GetValue(id), kValue, parse.GetValue(within));
                return await CollectionCommands.QueryAsync(host, data.Flags(parse), name, member, parse.GetValue(org)!, query, cancellationToken).ConfigureAwait(false);
            }
            var path = parse.GetValue(indexPath) ?? throw TesseraException.Validation("Give --index and --queries (or --collection).");
            var queryFile = parse.GetValue(queriesPath) ?? throw TesseraException.Validation("Give --queries, the query vectors.");
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
                var queries = VectorFile.Read(queryFile, "queries");
                queries.RequireColumns(index.Dimension, path);
                for (var q = 0; q < queries.Rows; q++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var hits = index.Search(queries.Row(q), kValue, efValue);
                    var line = new QueryLine(q, Array.ConvertAll(hits, h => h.Id), Array.ConvertAll(hits, h => h.Distance));
                    Console.Out.WriteLine(JsonSerializer.Serialize(line, Json));
                }
            }
            return ExitCodes.Success;
        });
        return command;
    }

    internal sealed record QueryLine(int Query, long[] Ids, float[] Distances);
}
