using System.Text.Json.Nodes;
using Tessera.Cards.Index;
using Tessera.Core.Errors;
using Tessera.Jobs;

namespace Tessera.Cards.Jobs;

/// <summary>The <c>cards.build</c> job: rebuilds the index of the organization's card vectors with chosen HNSW parameters and writes its manifest.</summary>
internal sealed class CardsBuildJobHandler(CardsIndexService index) : IJobHandler
{
    public const string JobKind = "cards.build";

    public string Kind => JobKind;
    public int Version => 1;
    public bool Cacheable => false;

    public static JsonObject Input(BuildRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new() { ["model"] = request.Model, ["m"] = request.M, ["ef_construction"] = request.EfConstruction };
    }

    public async Task<JsonNode?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.Input as JsonObject ?? throw new PermanentJobException(CardsErrorCodes.InvalidJobInput, "The job input is not an object.");
        try
        {
            var request = new BuildRequest
            {
                Model = input["model"]?.GetValue<string>(),
                M = input["m"]?.GetValue<int>() ?? BuildRequest.DefaultM,
                EfConstruction = input["ef_construction"]?.GetValue<int>() ?? BuildRequest.DefaultEfConstruction,
            };
            return CardsJobResults.Of(await index.BuildAsync(context.Owner.OrgId, request, cancellationToken).ConfigureAwait(false));
        }
        catch (TesseraException e) when (e.Status is >= 400 and < 500)
        {
            throw new PermanentJobException(e.Code, e.Message);
        }
    }
}
