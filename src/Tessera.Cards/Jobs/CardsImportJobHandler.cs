using System.Text.Json.Nodes;
using Tessera.Cards.Catalog;
using Tessera.Core.Errors;
using Tessera.Jobs;

namespace Tessera.Cards.Jobs;

/// <summary>
/// The <c>cards.import</c> job: imports a catalog from an http(s) URL for the job's organization. Safe to run again
/// after a crash: an import compares every card with the stored one, so a rerun adds only what is missing.
/// </summary>
internal sealed class CardsImportJobHandler(CatalogImportService imports) : IJobHandler
{
    public const string JobKind = "cards.import";

    public string Kind => JobKind;
    public int Version => 1;
    public bool Cacheable => false;

    public static JsonObject Input(string url) => new() { ["url"] = url };

    public async Task<JsonNode?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var url = context.Input?["url"]?.GetValue<string>() ?? throw new PermanentJobException(CardsErrorCodes.InvalidJobInput, "The job input has no url.");
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
