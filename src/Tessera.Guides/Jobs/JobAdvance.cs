using System.Data.Common;
using Tessera.Guides.Storage;

namespace Tessera.Guides.Jobs;

/// <summary>
/// Every status change of a guide job goes through here, inside the caller's transaction on the job's locked row:
/// the transition is checked (<see cref="GuideJobStatus.Ensure"/>), the row written with whatever else changes with it,
/// and the change recorded once in <c>guides_job_transitions</c>.
/// </summary>
internal static class JobAdvance
{
    public const string ActorApi = "api";
    public const string ActorWorker = "worker";
    public const string ActorCallback = "callback";

    /// <summary>Moves <paramref name="job"/> to <paramref name="changed"/>'s status (or only writes it when the status stays) and returns what was written.</summary>
    public static async Task<GuideJob> ToAsync(DbConnection c, DbTransaction t, GuideJob job, GuideJob changed, string actor, string? reason, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(changed);
        var moved = !string.Equals(job.Status, changed.Status, StringComparison.Ordinal);
        if (moved) GuideJobStatus.Ensure(job.Status, changed.Status);
        var written = changed with { UpdatedAt = now };
        await GuideRows.UpdateJobAsync(c, t, written, ct).ConfigureAwait(false);
        if (moved) await GuideRows.InsertTransitionAsync(c, t, job.Id, job.Status, changed.Status, actor, reason, now, ct).ConfigureAwait(false);
        return written;
    }
}
