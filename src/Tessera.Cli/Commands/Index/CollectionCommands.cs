using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Cli.Hosting;
using Tessera.Core.Errors;
using Tessera.Data.Identity;
using Tessera.Platform.Collections;
using Tessera.Vectors.Management;

namespace Tessera.Cli.Commands.Index;

/// <summary>
/// <c>tessera index build|query --collection NAME</c>: any module's vector collection, over the database. A build
/// reads every stored vector of each partition and replaces its snapshot (e.g. after an upgrade changed the snapshot
/// format); a query searches as a member would over HTTP, with the module's own owner filter.
/// </summary>
internal static class CollectionCommands
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static async Task<int> BuildAsync(CliHost host, IReadOnlyDictionary<string, string?> flags, string name, CancellationToken cancellationToken)
    {
        await using var services = await host.BuildMigratedAsync(flags, cancellationToken).ConfigureAwait(false);
        var collection = services.GetRequiredService<VectorCollections>().Get(name);
        var partitions = await collection.PartitionsAsync(cancellationToken).ConfigureAwait(false);
        if (partitions.Count == 0)
        {
            Console.WriteLine($"No {name} vectors are stored yet; nothing to index.");
            return ExitCodes.Success;
        }
        var failed = 0;
        foreach (var partition in partitions)
        {
            Console.WriteLine($"Indexing {partition.Embedder} ({partition.Dimension}-d, model {partition.ModelHash[..Math.Min(12, partition.ModelHash.Length)]})…");
            var status = await collection.UpdateAsync(partition, full: true).ConfigureAwait(false);
            if (status.Health == IndexHealth.Healthy)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {status.Count:N0} vectors in {status.LastBuildDuration?.TotalSeconds:F1} s, snapshot saved."));
            }
            else
            {
                failed++;
                Console.Error.WriteLine($"error: {partition.Embedder}: {status.LastError}");
            }
        }
        return failed == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }

    public static async Task<int> QueryAsync(
        CliHost host, IReadOnlyDictionary<string, string?> flags, string name, string user, string org, CollectionQuery query, CancellationToken cancellationToken)
    {
        await using var services = await host.BuildMigratedAsync(flags, cancellationToken).ConfigureAwait(false);
        services.GetRequiredService<VectorCollections>().Get(name);
        var search = services.GetServices<ICollectionSearch>().FirstOrDefault(s => s.Collection == name)
            ?? throw TesseraException.Validation($"Collection '{name}' cannot be searched from the command line.");
        var caller = await services.GetRequiredService<AccountService>().MemberPrincipalAsync(user, org, cancellationToken).ConfigureAwait(false);
        var report = await search.SearchAsync(caller, query, cancellationToken).ConfigureAwait(false);
        Console.Error.WriteLine(report.Summary);
        foreach (var hit in report.Hits) Console.WriteLine(JsonSerializer.Serialize(hit, hit.GetType(), Json));
        return ExitCodes.Success;
    }
}
