using System.CommandLine;
using System.Text.Json;
using Tessera.Cli.Hosting;
using Tessera.Core.Errors;
using Tessera.Omics.Search;
using Tessera.Vectors.Snapshots;

namespace Tessera.Cli.Commands.Index;

/// <summary>
/// <c>tessera index query</c>: searches a snapshot and prints one JSON line per query with ids and distances; or, with
/// <c>--collection omics</c>, searches a member's peptides as the API does and prints one JSON line per hit.
/// </summary>
internal static class IndexQueryCommand
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Command Create()
    {
        var indexPath = new Option<string?>("--index") { Description = "Snapshot written by 'tessera index build'." };
        var queriesPath = new Option<string?>("--queries") { Description = "Query vectors (.npy float32)." };
        var k = IndexOptions.K();
        var ef = new Option<int?>("--ef") { Description = "Search ef (default: the value stored with the index)." };
        var collection = new Option<string?>("--collection") { Description = "Instead of a file: search a collection in the database (omics)." };
        var user = new Option<string?>("--user") { Description = "With --collection: search as this member (email)." };
        var org = new Option<string>("--org") { Description = "With --collection: the member's organization.", DefaultValueFactory = _ => "default" };
        var sequence = new Option<string?>("--sequence") { Description = "With --collection omics: a peptide sequence to search for." };
        var peptide = new Option<Guid?>("--peptide") { Description = "With --collection omics: a stored peptide's id to search from." };
        var runs = new Option<Guid[]>("--runs") { Description = "With --collection omics: only these runs.", AllowMultipleArgumentsPerToken = true };
        var data = new DataOptions();
        var command = new Command("query", "Search an index snapshot for the nearest neighbours of each query, or a collection as one of its members.");
        foreach (var option in new Option[] { indexPath, queriesPath, k, ef, collection, user, org, sequence, peptide, runs }) command.Options.Add(option);
        data.AddTo(command);

        command.SetAction(async (ParseResult parse, CancellationToken cancellationToken) =>
        {
            var kValue = parse.GetValue(k);
            IndexOptions.RequirePositive(kValue, "--k");
            if (parse.GetValue(collection) is { } name)
            {
                OmicsCollectionCommands.RequireKnown(name);
                var member = parse.GetValue(user) ?? throw TesseraException.Validation("--collection searches as a member: give --user (and --org).");
                var request = new OmicsSearchService.Request(parse.GetValue(sequence), parse.GetValue(peptide), kValue, parse.GetValue(runs));
                return await OmicsCollectionCommands.QueryAsync(data.Flags(parse), member, parse.GetValue(org)!, request, cancellationToken).ConfigureAwait(false);
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
