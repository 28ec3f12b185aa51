using System.Text.Json.Nodes;
using Tessera.Cards.Download;
using Tessera.Cards.Embedding;
using Tessera.Cards.Index;
using Tessera.Core.Errors;
using Tessera.Jobs;

namespace Tessera.Cards.Jobs;

/// <summary>
/// The <c>cards.embed</c> job: embeds the organization's downloaded images, then brings the index up to date with
/// the new vectors (use <c>cards.build</c> for chosen HNSW parameters). A retry or a takeover after a crash resumes
/// from the vectors already committed.
/// </summary>
internal sealed class CardsEmbedJobHandler(CardsEmbeddingService embeddings, CardsIndexService index) : IJobHandler
{
    public const string JobKind = "cards.embed";

    public string Kind => JobKind;
    public int Version => 1;
    public bool Cacheable => false;

    public static JsonObject Input(EmbedRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new()
        {
            ["size"] = request.Size, ["model"] = request.Model, ["batch_size"] = request.BatchSize, ["checkpoint_every"] = request.CheckpointEvery, ["limit"] = request.Limit,
        };
    }

    public async Task<JsonNode?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.Input as JsonObject ?? throw new PermanentJobException(CardsErrorCodes.InvalidJobInput, "The job input is not an object.");
        EmbedReport report;
        try
        {
            var request = new EmbedRequest
            {
                Size = input["size"]?.GetValue<string>() ?? DownloadRequest.DefaultSize,
                Model = input["model"]?.GetValue<string>(),
                BatchSize = input["batch_size"]?.GetValue<int>() ?? EmbedRequest.DefaultBatchSize,
                CheckpointEvery = input["checkpoint_every"]?.GetValue<int>() ?? EmbedRequest.DefaultCheckpointEvery,
                Limit = input["limit"]?.GetValue<int>(),
            };
            report = await embeddings.EmbedAsync(context.Owner.OrgId, request, (done, total) => context.ReportProgressAsync(done, total, "images", cancellationToken), cancellationToken)
                .ConfigureAwait(false);
            var partition = await index.PartitionAsync(context.Owner.OrgId, report.Embedder, cancellationToken).ConfigureAwait(false);
            await index.Vectors.UpdateAsync(partition).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (TesseraException e) when (e.Status is >= 400 and < 500)
        {
            throw new PermanentJobException(e.Code, e.Message);
        }
        return CardsJobResults.Of(report);
    }
}
