using System.Text.Json.Nodes;
using Tessera.Data;
using Tessera.Jobs;
using Tessera.Omics.Search;
using Tessera.Omics.Storage;
using Tessera.Platform.Collections;

namespace Tessera.Omics.Embedding;

/// <summary>
/// The <c>omics.embed</c> job: embeds every peptide of a run. Safe to re-run after a crash or a lease takeover:
/// vectors already stored are skipped, so the work resumes where it stopped.
/// </summary>
internal sealed class OmicsEmbedJobHandler(OmicsEmbeddingService embeddings, VectorCollections collections, TesseraDatabase database, TimeProvider time) : IJobHandler
{
    public const string JobKind = "omics.embed";

    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    public string Kind => JobKind;
    public int Version => 1;
    public bool Cacheable => false;

    public static JsonObject Input(Guid runId, string embedder) => new() { ["run_id"] = runId.ToString(), ["embedder"] = embedder };

    public async Task<JsonNode?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        var runId = Guid.Parse(context.Input?["run_id"]?.GetValue<string>() ?? throw new PermanentJobException(OmicsErrorCodes.InvalidJobInput, "The job input has no run_id."));
        var embedder = context.Input?["embedder"]?.GetValue<string>() ?? throw new PermanentJobException(OmicsErrorCodes.InvalidJobInput, "The job input has no embedder.");
        // Progress is a database write: report at most a few times a second, and always the last batch.
        var lastReport = long.MinValue;
        OmicsEmbeddingService.Outcome outcome;
        try
        {
            outcome = await embeddings.EmbedRunAsync(runId, embedder, p =>
            {
                if (p.Done < p.Total && lastReport != long.MinValue && time.GetElapsedTime(lastReport) < ProgressInterval) return Task.CompletedTask;
                lastReport = time.GetTimestamp();
                return context.ReportProgressAsync(p.Done, p.Total, "peptides embedded", cancellationToken);
            }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not (OperationCanceledException or JobLeaseLostException or TransientJobException))
        {
            // The job fails for good (only transient errors are retried): the run must not read 'parsed' forever.
            await using var c = await database.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
            await OmicsRepository.MarkFailedAsync(c, runId, $"embedding failed: {e.Message}", time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        // Bring the embedder's index up to date with the new vectors (coalesced with concurrent requests; a failed
        // update keeps the previous index serving and shows as degraded in /readyz). Searches meanwhile scan the new
        // vectors exactly, so they are found either way.
        var indexStarted = time.GetTimestamp();
        var status = await collections.Get(OmicsSearchService.CollectionName).UpdateAsync(OmicsSearchService.PartitionOf(outcome.Embedder)).ConfigureAwait(false);
        return new JsonObject
        {
            ["index_health"] = status.Health.ToString().ToLowerInvariant(),
            ["index_count"] = status.Count,
            ["run_id"] = runId.ToString(),
            ["embedder"] = outcome.Embedder.Name,
            ["dimension"] = outcome.Embedder.Dimension,
            ["model_hash"] = outcome.Embedder.ModelHash,
            // This attempt's share: after a crash the next attempt embeds only what is missing.
            ["embedded"] = outcome.Embedded,
            ["model_seconds"] = Math.Round(outcome.ModelTime.TotalSeconds, 3),
            ["index_seconds"] = Math.Round(time.GetElapsedTime(indexStarted).TotalSeconds, 3),
        };
    }
}
