using Tessera.Jobs;

namespace Tessera.Web.Components;

/// <summary>What the jobs pages show about a job: which actions its state allows, its progress and its timings.</summary>
public static class JobView
{
    /// <summary>A job can be cancelled until it ends.</summary>
    public static bool CanCancel(JobInfo job) => !job.State.IsTerminal() && !job.CancelRequested;

    /// <summary>Only a failed job can be run again (as a new job).</summary>
    public static bool CanRetry(JobInfo job) => job.State == JobState.Failed;

    /// <summary>Progress as a fraction 0–1 when the job knows its total, else null (the page shows the count alone).</summary>
    public static double? Fraction(JobProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        return progress.Total is > 0 and var total ? Math.Clamp((double)progress.Done / total, 0, 1) : null;
    }

    public static string ProgressText(JobProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var counts = progress.Total is { } total ? $"{progress.Done} of {total}" : progress.Done == 0 ? "" : $"{progress.Done} done";
        return string.Join(" · ", new[] { counts, progress.Message ?? "" }.Where(s => s.Length > 0));
    }

    /// <summary>Waited (created → started) and ran (started → finished, or → now while it runs).</summary>
    public static (TimeSpan? Waited, TimeSpan? Ran) Timings(JobInfo job, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.StartedAt is not { } started) return (job.State.IsTerminal() ? null : now - job.CreatedAt, null);
        return (started - job.CreatedAt, (job.FinishedAt ?? now) - started);
    }

    /// <summary>The pages refresh themselves while any job shown can still change.</summary>
    public static bool AnyLive(IEnumerable<JobInfo> jobs) => jobs.Any(j => !j.State.IsTerminal());
}
