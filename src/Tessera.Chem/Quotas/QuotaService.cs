using System.Data.Common;
using System.Globalization;
using Tessera.Chem.Storage;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;
using Tessera.Jobs;

namespace Tessera.Chem.Quotas;

/// <summary>
/// Quotas per organization: executions queued or running at once, CPU seconds charged per UTC day, and bytes kept
/// (artifacts and tool logs). Each is the organization's own value when an organization admin set one, else the
/// deployment's default (<c>chem:quota_*</c>); 0 is no limit. The checks run inside the transaction that writes what
/// they guard, after a lock on the organization's quotas (<see cref="QuotaRows.LockAsync"/>), so parallel requests
/// cannot overshoot a limit together. A refusal is a problem naming the quota, its limit and the current use:
/// 429 with Retry-After for the two that pass with time, 403 for stored bytes.
/// </summary>
internal sealed class QuotaService(TesseraDatabase database, JobService jobs, ChemSettings settings, TimeProvider time)
{
    /// <summary>When to try again after the concurrency quota refused: executions take seconds to minutes.</summary>
    public static readonly TimeSpan ConcurrencyRetryAfter = TimeSpan.FromSeconds(10);

    public async Task<QuotaReport> GetAsync(Principal caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(Permissions.RunsRead);
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ReportAsync(c, caller.OrgId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets the organization's own quotas (organization admins: <c>members:manage</c>); each null takes the deployment's default again.</summary>
    public async Task<QuotaReport> SetAsync(Principal caller, QuotaLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(limits);
        caller.Require(Permissions.MembersManage);
        if (limits.MaxConcurrentExecutions < 0 || limits.CpuSecondsPerDay < 0 || limits.MaxStoredBytes < 0)
            throw TesseraException.Validation("Each quota is null (the deployment's default), 0 (no limit) or a positive number.");
        await database.InTransactionAsync(async (c, t) =>
        {
            await QuotaRows.LockAsync(c, t, database.Dialect, caller.OrgId, cancellationToken).ConfigureAwait(false);
            await QuotaRows.UpsertAsync(c, t, caller.OrgId, limits, caller.UserId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ReportAsync(connection, caller.OrgId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Inside the transaction that enqueues an execution's job: refuses it when the organization already has its limit
    /// of executions queued or running (429), has used its CPU seconds for the day (429), or keeps its limit of bytes (403).
    /// </summary>
    public async Task RequireExecutionRoomAsync(DbConnection c, DbTransaction t, Guid orgId, CancellationToken cancellationToken)
    {
        await QuotaRows.LockAsync(c, t, database.Dialect, orgId, cancellationToken).ConfigureAwait(false);
        var own = await QuotaRows.FindAsync(c, t, orgId, cancellationToken).ConfigureAwait(false);
        if (Limit(own?.MaxConcurrentExecutions, settings.QuotaMaxConcurrentExecutions) is { } concurrent)
        {
            var (running, ended) = await RunningAsync(c, t, orgId, concurrent, cancellationToken).ConfigureAwait(false);
            foreach (var (endedId, at) in ended) await ExecutionRows.MarkFinishedAsync(c, t, orgId, endedId, at, cancellationToken).ConfigureAwait(false);
            if (running >= concurrent)
                throw Refused(ChemErrorCodes.QuotaConcurrentExecutions, 429, QuotaNames.ConcurrentExecutions, concurrent, running,
                    $"Your organization may have {concurrent} execution(s) queued or running at once and has {running}; submit again when one has ended.",
                    ConcurrencyRetryAfter);
        }
        if (Limit(own?.CpuSecondsPerDay, settings.QuotaCpuSecondsPerDay) is { } cpu)
        {
            var (dayStart, dayEnd) = Day();
            var used = await QuotaRows.CpuSecondsSinceAsync(c, t, orgId, dayStart, cancellationToken).ConfigureAwait(false);
            if (used >= cpu)
                throw Refused(ChemErrorCodes.QuotaCpuSeconds, 429, QuotaNames.CpuSecondsPerDay, cpu, Math.Round(used, 3),
                    string.Create(CultureInfo.InvariantCulture, $"Your organization's executions may use {cpu} CPU seconds per day (UTC) and have used {used:0.###} today; the quota starts again at {dayEnd:O}."),
                    dayEnd - time.GetUtcNow());
        }
        await RequireStorageRoomAsync(c, t, orgId, 0, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Inside the transaction that records a file of <paramref name="adding"/> bytes: 403 when the organization would keep more than its limit.</summary>
    public async Task RequireStorageRoomAsync(DbConnection c, DbTransaction t, Guid orgId, long adding, CancellationToken cancellationToken)
    {
        await QuotaRows.LockAsync(c, t, database.Dialect, orgId, cancellationToken).ConfigureAwait(false);
        var own = await QuotaRows.FindAsync(c, t, orgId, cancellationToken).ConfigureAwait(false);
        if (Limit(own?.MaxStoredBytes, settings.QuotaMaxStoredBytes) is not { } bytes) return;
        var stored = await QuotaRows.StoredBytesAsync(c, t, orgId, cancellationToken).ConfigureAwait(false);
        // An execution adds files of a size unknown beforehand: it needs room left; an upload needs room for itself.
        if (adding == 0 ? stored < bytes : stored + adding <= bytes) return;
        var error = Refused(ChemErrorCodes.QuotaStoredBytes, 403, QuotaNames.StoredBytes, bytes, stored, adding == 0
            ? $"Your organization may keep {bytes} bytes (artifacts and tool logs) and keeps {stored}; an execution needs room for its outputs."
            : $"Your organization may keep {bytes} bytes (artifacts and tool logs) and keeps {stored}; this file of {adding} bytes does not fit.", null);
        if (adding > 0) error.Extensions["adding"] = adding;
        throw error;
    }

    private async Task<QuotaReport> ReportAsync(DbConnection c, Guid orgId, CancellationToken cancellationToken)
    {
        var own = await QuotaRows.FindAsync(c, null, orgId, cancellationToken).ConfigureAwait(false);
        var (dayStart, dayEnd) = Day();
        var (running, ended) = await RunningAsync(c, null, orgId, null, cancellationToken).ConfigureAwait(false);
        if (ended.Count > 0)
            await database.InTransactionAsync(async (tc, tt) =>
            {
                foreach (var (id, at) in ended) await ExecutionRows.MarkFinishedAsync(tc, tt, orgId, id, at, cancellationToken).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        var cpu = await QuotaRows.CpuSecondsSinceAsync(c, null, orgId, dayStart, cancellationToken).ConfigureAwait(false);
        var stored = await QuotaRows.StoredBytesAsync(c, null, orgId, cancellationToken).ConfigureAwait(false);
        return new QuotaReport(
            new QuotaStanding(QuotaNames.ConcurrentExecutions, Limit(own?.MaxConcurrentExecutions, settings.QuotaMaxConcurrentExecutions), own?.MaxConcurrentExecutions is not null, running),
            new QuotaStanding(QuotaNames.CpuSecondsPerDay, Limit(own?.CpuSecondsPerDay, settings.QuotaCpuSecondsPerDay), own?.CpuSecondsPerDay is not null, Math.Round(cpu, 3)),
            new QuotaStanding(QuotaNames.StoredBytes, Limit(own?.MaxStoredBytes, settings.QuotaMaxStoredBytes), own?.MaxStoredBytes is not null, stored),
            dayEnd);
    }

    /// <summary>
    /// The organization's executions queued or running, and those found ended (with when) for the caller to record.
    /// Chem's job handler records when an execution ends; a job that ended without it (cancelled, or its last worker
    /// died) is asked of the job engine, but only when the count reaches <paramref name="limit"/> (null: always).
    /// </summary>
    private async Task<(int Running, List<(Guid Id, DateTimeOffset At)> Ended)> RunningAsync(
        DbConnection c, DbTransaction? t, Guid orgId, long? limit, CancellationToken cancellationToken)
    {
        var open = await QuotaRows.OpenExecutionsAsync(c, t, orgId, cancellationToken).ConfigureAwait(false);
        var ended = new List<(Guid, DateTimeOffset)>();
        if (limit is { } max && open.Count < max) return (open.Count, ended);
        foreach (var (id, jobId) in open)
        {
            var job = await jobs.GetAsync(JobScope.Operator, jobId, cancellationToken).ConfigureAwait(false);
            if (job.State.IsTerminal()) ended.Add((id, job.FinishedAt ?? time.GetUtcNow()));
        }
        return (open.Count - ended.Count, ended);
    }

    private (DateTimeOffset Start, DateTimeOffset End) Day()
    {
        var now = time.GetUtcNow();
        var start = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        return (start, start.AddDays(1));
    }

    /// <summary>The organization's value, else the deployment's; 0 is no limit (null).</summary>
    private static long? Limit(long? own, long deployment) => (own ?? deployment) is var value && value > 0 ? value : null;

    private static TesseraException Refused(string code, int status, string quota, long limit, double used, string message, TimeSpan? retryAfter)
    {
        var error = new TesseraException(code, status, message) { RetryAfter = retryAfter };
        error.Extensions["quota"] = quota;
        error.Extensions["limit"] = limit;
        error.Extensions["used"] = used;
        return error;
    }
}
