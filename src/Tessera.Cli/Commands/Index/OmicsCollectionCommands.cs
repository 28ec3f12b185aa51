using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Cli.Hosting;
using Tessera.Core.Errors;
using Tessera.Data.Identity;
using Tessera.Omics.Search;
using Tessera.Vectors.Management;

namespace Tessera.Cli.Commands.Index;

/// <summary>
/// <c>tessera index build|query --collection omics</c>: the server's own omics indexes, over the database. A build
/// reads every stored vector of each embedder and replaces its snapshot (e.g. after an upgrade changed the snapshot
/// format); a query searches as a member would over HTTP, with the same owner filter.
/// </summary>
internal static class OmicsCollectionCommands
{
    public const string Name = "omics";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static void RequireKnown(string collection)
    {
        if (collection != Name) throw TesseraException.Validation($"Unknown collection '{collection}'; the collections are: {Name}.");
    }

    public static async Task<int> BuildAsync(IReadOnlyDictionary<string, string?> flags, CancellationToken cancellationToken)
    {
        await using var services = await CliServices.BuildMigratedAsync(flags, cancellationToken).ConfigureAwait(false);
        var index = services.GetRequiredService<OmicsIndex>();
        var embedders = await index.StoredEmbeddersAsync(cancellationToken).ConfigureAwait(false);
        if (embedders.Count == 0)
        {
            Console.WriteLine("No omics vectors are stored yet; nothing to index.");
            return ExitCodes.Success;
        }
        var failed = 0;
        foreach (var embedder in embedders)
        {
            Console.WriteLine($"Indexing {embedder.Name} ({embedder.Dimension}-d, model {embedder.ModelHash[..12]})…");
            // A fresh process has read nothing yet, so this is always a full build from the database.
            var status = await index.For(embedder).RequestRebuild().ConfigureAwait(false);
            if (status.Health == IndexHealth.Healthy)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {status.Count:N0} vectors in {status.LastBuildDuration?.TotalSeconds:F1} s, snapshot saved."));
            }
            else
            {
                failed++;
                Console.Error.WriteLine($"error: {embedder.Name}: {status.LastError}");
            }
        }
        return failed == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }

    public static async Task<int> QueryAsync(
        IReadOnlyDictionary<string, string?> flags, string user, string org, OmicsSearchService.Request request, CancellationToken cancellationToken)
    {
        await using var services = await CliServices.BuildMigratedAsync(flags, cancellationToken).ConfigureAwait(false);
        var owner = await services.GetRequiredService<AccountService>().MemberPrincipalAsync(user, org, cancellationToken).ConfigureAwait(false);
        var found = await services.GetRequiredService<OmicsSearchService>().SearchAsync(owner, request, cancellationToken).ConfigureAwait(false);
        Console.Error.WriteLine($"{found.Hits.Count} hit(s) among {found.Searched:N0} peptides ({found.Embedder}).");
        foreach (var hit in found.Hits) Console.WriteLine(JsonSerializer.Serialize(hit, Json));
        return ExitCodes.Success;
    }
}
