using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Tessera.Data;
using Tessera.Jobs.Storage;

namespace Tessera.Jobs.Workers;

/// <summary>
/// One worker: claims jobs of its kinds while it has free slots, runs each on its own task, renews its leases
/// on every heartbeat (learning of cancellations and lost leases there), and returns dead workers' jobs to the
/// queue. It sleeps until a wake-up (in-process, or a PostgreSQL NOTIFY) or the poll interval. Stopping
/// cancels running handlers and gives their jobs back to the queue.
/// </summary>
internal sealed class JobWorker(
    JobClaims claims, JobLeases leases, JobRunner runner, JobHandlerRegistry handlers, JobWakeups wakeups,
    TesseraDatabase database, JobsOptions options, JobWorkerSettings settings, TimeProvider time, ILogger<JobWorker> logger)
{
    private readonly ConcurrentDictionary<Guid, RunningJob> _running = new();
    private readonly OutcomeBatcher _outcomes = new(leases, logger);

    /// <summary>The longest wait between claim tries while the database fails.</summary>
    private TimeSpan MaxClaimWait => options.PollInterval * 16;

    public string WorkerId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>The kinds this worker claims: those it has handlers for, narrowed by its settings.</summary>
    public IReadOnlyList<string> Kinds => handlers.Kinds
        .Where(k => settings.Kinds is null || settings.Kinds.Contains(k))
        .Order(StringComparer.Ordinal)
        .ToList();

    public async Task RunAsync(CancellationToken stopping)
    {
        var kinds = Kinds;
        using var background = new CancellationTokenSource();
        var heartbeat = Task.Run(() => HeartbeatLoopAsync(background.Token), CancellationToken.None);
        var outcomes = Task.Run(_outcomes.RunAsync, CancellationToken.None);
        var listener = database.Dialect == SqlDialect.Postgres
            ? Task.Run(() => PostgresWakeupListener.RunAsync(database, wakeups, options, logger, background.Token), CancellationToken.None)
            : Task.CompletedTask;
        JobsLog.WorkerStarted(logger, WorkerId, settings.Concurrency, string.Join(", ", kinds));
        using var slots = new SemaphoreSlim(settings.Concurrency, settings.Concurrency);
        try
        {
            await ClaimLoopAsync(kinds, slots, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var job in _running.Values) job.Stop(StopReason.Shutdown);
            await Task.WhenAll(_running.Values.Select(j => j.Completion)).ConfigureAwait(false);
            _outcomes.Complete();
            await outcomes.ConfigureAwait(false);
            await background.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(heartbeat, listener).ConfigureAwait(false);
            JobsLog.WorkerStopped(logger, WorkerId);
        }
    }

    private async Task ClaimLoopAsync(IReadOnlyList<string> kinds, SemaphoreSlim slots, CancellationToken stopping)
    {
        var outage = new OutageBackoff(options.PollInterval, MaxClaimWait);
        while (!stopping.IsCancellationRequested)
        {
            await slots.WaitAsync(stopping).ConfigureAwait(false);
            var free = 1;
            while (free < options.ClaimBatch && slots.Wait(0, CancellationToken.None)) free++;

            var signal = wakeups.WorkSignal;
            IReadOnlyList<JobRow> claimed;
            try
            {
                claimed = await claims.ClaimAsync(WorkerId, kinds, free, settings.Jobs, stopping).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                slots.Release(free);
                var (started, wait) = outage.Failed();
                if (started) JobsLog.ClaimFailed(logger, WorkerId, MaxClaimWait.TotalMilliseconds, e);
                await Task.Delay(wait, time, stopping).ConfigureAwait(false);
                continue;
            }
            var recovered = outage.Succeeded();
            if (recovered > 0) JobsLog.ClaimRecovered(logger, WorkerId, recovered);
            if (claimed.Count < free) slots.Release(free - claimed.Count);
            foreach (var row in claimed) Start(row, slots);
            if (claimed.Count == 0) await WaitForWorkAsync(signal, stopping).ConfigureAwait(false);
        }
    }

    private void Start(JobRow row, SemaphoreSlim slots)
    {
        var job = new RunningJob(row);
        // Claimed again while an older run here has not yet noticed that it lost the job: that run is stale.
        if (_running.TryGetValue(row.Id, out var stale)) stale.Stop(StopReason.LeaseLost);
        _running[row.Id] = job;
        job.Completion = Task.Run(async () =>
        {
            try
            {
                await runner.RunAsync(job, WorkerId, _outcomes).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // The outcome could not be written (e.g. the database is unreachable): the lease expires and the job runs again.
                JobsLog.OutcomeNotRecorded(logger, WorkerId, row.Id, e);
            }
            finally
            {
                _running.TryRemove(new KeyValuePair<Guid, RunningJob>(row.Id, job));
                job.Dispose();
                slots.Release();
                // A finished job may have released dependents or a parent.
                wakeups.PulseWork();
            }
        }, CancellationToken.None);
    }

    private async Task WaitForWorkAsync(Task signal, CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var poll = Task.Delay(options.PollInterval, time, timeout.Token);
        await Task.WhenAny(signal, poll).ConfigureAwait(false);
        await timeout.CancelAsync().ConfigureAwait(false);
        stopping.ThrowIfCancellationRequested();
    }

    private async Task HeartbeatLoopAsync(CancellationToken stop)
    {
        var recoveryEvery = TimeSpan.FromTicks(Math.Max(options.Heartbeat.Ticks, options.Lease.Ticks / 4));
        var lastRecovery = DateTimeOffset.MinValue;
        var outage = new OutageBackoff(options.Heartbeat, options.Heartbeat);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using (var wait = CancellationTokenSource.CreateLinkedTokenSource(stop))
                {
                    await Task.WhenAny(Task.Delay(options.Heartbeat, time, wait.Token), wakeups.CancelSignal).ConfigureAwait(false);
                    await wait.CancelAsync().ConfigureAwait(false);
                }
                stop.ThrowIfCancellationRequested();
                await RenewLeasesAsync(stop).ConfigureAwait(false);
                if (time.GetUtcNow() - lastRecovery >= recoveryEvery)
                {
                    lastRecovery = time.GetUtcNow();
                    if (await leases.RecoverExpiredAsync(stop).ConfigureAwait(false) > 0) wakeups.PulseWork();
                }
                var recovered = outage.Succeeded();
                if (recovered > 0) JobsLog.RenewRecovered(logger, WorkerId, recovered);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                if (outage.Failed().Started) JobsLog.RenewFailed(logger, WorkerId, e);
            }
        }
    }

    private async Task RenewLeasesAsync(CancellationToken stop)
    {
        // Only jobs claimed before the renewal starts can be judged by it.
        var before = _running.Keys.ToList();
        if (before.Count == 0) return;
        var held = (await leases.HeartbeatAsync(WorkerId, stop).ConfigureAwait(false)).ToDictionary(h => h.Id);
        foreach (var id in before)
        {
            if (!_running.TryGetValue(id, out var job)) continue;
            if (!held.TryGetValue(id, out var lease)) job.Stop(StopReason.LeaseLost);
            else if (lease.CancelRequested != 0) job.Stop(StopReason.Cancelled);
        }
    }
}
