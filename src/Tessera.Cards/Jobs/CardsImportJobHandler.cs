using System.Text.Json.Nodes;
using Tessera.Cards.Catalog;
using Tessera.Core.Errors;
using Tessera.Jobs;

namespace Tessera.Cards.Jobs;

/// <summary>
/// The <c>cards.import</c> job: imports a catalog from an http(s) URL for the job's organization. Safe to run again
/// after a crash: an import compares every card with the stored one, so a rerun adds only what is missing.
/// </summary>
internal sealed class CardsImportJobHandler(CatalogImportService imports, CardsSettings settings) : IJobHandler
{
    public const string JobKind = "cards.import";

    public string Kind => JobKind;
    public int Version => 1;
    public bool Cacheable => false;

    public static JsonObject Input(string url) => new() { ["url"] = url };

    public static string HostNotAllowed(CardsSettings settings) =>
        $"Imports over the API fetch only from the hosts in cards:import_hosts ({settings.ImportHosts}); an operator can import any file with 'tessera cards import'.";

    public async Task<JsonNode?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var url = context.Input?["url"]?.GetValue<string>() ?? throw new PermanentJobException(CardsErrorCodes.InvalidJobInput, "The job input has no url.");
        // Checked here too: the jobs API enqueues any kind with any input, so the Cards endpoint is not the only way in.
        if (!settings.AllowsImportFrom(url)) throw new PermanentJobException(CardsErrorCodes.ImportHostNotAllowed, HostNotAllowed(settings));
        ImportReport report;
        try
        {
            report = await imports.ImportAsync(context.Owner.OrgId, context.Owner.UserId, url, null, cancellationToken).ConfigureAwait(false);
        }
        catch (TesseraException e)
        {
            // A file that is not a catalog, or a URL that answers an error, fails the same way on every retry.
            throw new PermanentJobException(e.Code, e.Message);
        }
        return new JsonObject
        {
            ["import_id"] = report.Id.ToString(),
            ["cards"] = report.Cards,
            ["added"] = report.Added,
            ["changed"] = report.Changed,
            ["unchanged"] = report.Unchanged,
            ["removed"] = report.Removed,
            ["invalid"] = report.Invalid,
        };
    }
}
