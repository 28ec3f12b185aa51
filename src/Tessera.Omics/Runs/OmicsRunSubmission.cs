using Tessera.Core.Identity;
using Tessera.Jobs;
using Tessera.Omics.Embedding;
using Tessera.Omics.Storage;
using Tessera.Platform.Blobs;

namespace Tessera.Omics.Runs;

/// <summary>Stores an upload as a run and enqueues its embedding job in the same transaction.</summary>
internal sealed class OmicsRunSubmission(OmicsUploadService uploads, OmicsEmbedderChoice embedders, JobService jobs)
{
    public sealed record Submitted(OmicsRun Run, JobInfo Job);

    public async Task<Submitted> SubmitAsync(Principal owner, OmicsUploadService.Upload upload, string? embedderName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(upload);
        owner.Require(Permissions.RunsWrite);
        await using var file = await uploads.StoreAsync(upload.Content, cancellationToken).ConfigureAwait(false);
        return await SubmitAsync(owner, file, upload.FileName, upload.Name, embedderName, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Submits a file already in the blob store (streamed there by the upload endpoint).</summary>
    public async Task<Submitted> SubmitAsync(
        Principal owner, StagedUpload file, string fileName, string? name, string? embedderName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var embedder = embedders.Resolve(embedderName);
        JobInfo? job = null;
        var run = await uploads.CreateRunAsync(owner, file, fileName, name, async (c, t, stored) =>
        {
            // No run without its job, no job without its run.
            var request = new JobRequest(OmicsEmbedJobHandler.JobKind, OmicsEmbedJobHandler.Input(stored.Id, embedder));
            job = (await jobs.EnqueueAsync(JobOwner.Of(owner), request, c, t, cancellationToken).ConfigureAwait(false)).Job;
            await OmicsRepository.SetJobAsync(c, t, stored.Id, job.Id, cancellationToken).ConfigureAwait(false);
            return stored with { JobId = job.Id };
        }, cancellationToken).ConfigureAwait(false);
        jobs.WakeWorkers();
        return new Submitted(run, job!);
    }
}
