using System.Text.Json.Nodes;
using Tessera.Cards.Download;
using Tessera.Core.Errors;
using Tessera.Jobs;

namespace Tessera.Cards.Jobs;

/// <summary>
/// The <c>cards.download</c> job: downloads the organization's catalog images of one size. A retry or a takeover
/// after a crash resumes: images already on disk are skipped. Every image failing fails the job.
/// </summary>
internal sealed class CardsDownloadJobHandler(CardsDownloadService downloads) : IJobHandler
{
    public const string JobKind = "cards.download";

    public string Kind => JobKind;
    public int Version => 1;
    public bool Cacheable => false;

    public static JsonObject Input(DownloadRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new() { ["size"] = request.Size, ["workers"] = request.Workers, ["limit"] = request.Limit, ["revalidate"] = request.Revalidate };
    }

    public async Task<JsonNode?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.Input as JsonObject ?? throw new PermanentJobException(CardsErrorCodes.InvalidJobInput, "The job input is not an object.");
        var request = new DownloadRequest
        {
            Size = input["size"]?.GetValue<string>() ?? DownloadRequest.DefaultSize,
            Workers = input["workers"]?.GetValue<int>() ?? DownloadRequest.DefaultWorkers,
            Limit = input["limit"]?.GetValue<int>(),
            Revalidate = input["revalidate"]?.GetValue<bool>() ?? false,
        };
        DownloadReport report;
        try
        {
            report = await downloads.DownloadAsync(context.Owner.OrgId, request, p => context.ReportProgressAsync(p.Done, p.Total, "images", cancellationToken), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (TesseraException e)
        {
            throw new PermanentJobException(e.Code, e.Message);
        }
        if (report.Failed > 0 && report.Failed == report.Done)
            throw new PermanentJobException(CardsErrorCodes.AllDownloadsFailed, $"Every download failed ({DownloadSummary.Reasons(report)}).");
        return new JsonObject
        {
            ["total"] = report.Total,
            ["downloaded"] = report.Downloaded,
            ["skipped"] = report.Skipped,
            ["failed"] = report.Failed,
            ["failed_by_reason"] = new JsonObject(report.FailedByReason.Select(r => KeyValuePair.Create(r.Key, (JsonNode?)r.Value))),
            ["bytes"] = report.Bytes,
        };
    }
}
