using System.Text.Json.Nodes;
using Tessera.Data;
using Tessera.Jobs.Storage;

namespace Tessera.Jobs;

/// <summary>
/// What a handler sees of its job: the input, the last checkpoint (resume from it), and the writes it may make.
/// Every write is conditional on this worker's lease; when the lease was lost (another worker took the job
/// over) the write throws <see cref="JobLeaseLostException"/> and the handler's token is cancelled.
/// </summary>
public sealed class JobContext
{
    private readonly JobRow _row;
    private readonly JobLease _lease;
    private readonly JobLeases _leases;
    private readonly TesseraDatabase _database;
    private readonly Action _onLeaseLost;

    internal JobContext(JobRow row, JobLease lease, JobLeases leases, TesseraDatabase database, Action onLeaseLost)
    {
        _row = row;
        _lease = lease;
        _leases = leases;
        _database = database;
        _onLeaseLost = onLeaseLost;
        Input = JsonText.Parse(row.Input);
        Checkpoint = JsonText.Parse(row.Checkpoint);
    }

    public Guid JobId => _row.Id;
    public string Kind => _row.Kind;
    public JobOwner Owner => new(_row.OwnerUserId, _row.OwnerOrgId);

    /// <summary>1 on the first run; higher after retries and after a dead worker's lease expired.</summary>
    public int Attempt => _row.Attempts;

    public JsonNode? Input { get; }

    /// <summary>The last checkpoint saved by any run of this job; null on a fresh start.</summary>
    public JsonNode? Checkpoint { get; private set; }

    internal bool WaitingForChildren { get; private set; }

    public async Task ReportProgressAsync(long done, long? total = null, string? message = null, CancellationToken cancellationToken = default) =>
        EnsureHeld(await _leases.ReportProgressAsync(JobId, _lease, done, total, message, cancellationToken).ConfigureAwait(false));

    /// <summary>Saves where the work stands; a later run (after a crash or a retry) starts from it.</summary>
    public async Task SaveCheckpointAsync(JsonNode? checkpoint, CancellationToken cancellationToken = default)
    {
        EnsureHeld(await _leases.SaveCheckpointAsync(JobId, _lease, checkpoint, cancellationToken).ConfigureAwait(false));
        Checkpoint = checkpoint?.DeepClone();
    }

    /// <summary>Appends a log line to the job's events.</summary>
    public async Task LogAsync(string line, CancellationToken cancellationToken = default) =>
        EnsureHeld(await _leases.LogAsync(JobId, _lease, line, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Enqueues a child job (same owner). Give it an idempotency key (scoped to this job) so a resumed run that
    /// enqueues again finds the child it already made.
    /// </summary>
    public async Task<JobInfo> EnqueueChildAsync(JobRequest request, CancellationToken cancellationToken = default)
    {
        var result = await _leases.EnqueueChildAsync(_row, _lease, request, cancellationToken).ConfigureAwait(false);
        EnsureHeld(result is not null);
        return result!.Job;
    }

    /// <summary>
    /// Asks to run again once every child has finished (fan-in): after the handler returns, the job waits instead
    /// of succeeding, and its next run reads <see cref="GetChildrenAsync"/>. Save a checkpoint to know which phase it is in.
    /// </summary>
    public void WaitForChildren() => WaitingForChildren = true;

    public async Task<IReadOnlyList<JobInfo>> GetChildrenAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return (await JobReader.ChildrenAsync(connection, JobId, cancellationToken).ConfigureAwait(false)).Select(r => r.ToInfo()).ToList();
    }

    /// <summary>The pipeline steps this job depends on, with their results.</summary>
    public async Task<IReadOnlyList<JobInfo>> GetDependenciesAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return (await JobReader.DependenciesAsync(connection, JobId, cancellationToken).ConfigureAwait(false)).Select(r => r.ToInfo()).ToList();
    }

    private void EnsureHeld(bool held)
    {
        if (held) return;
        _onLeaseLost();
        throw new JobLeaseLostException($"Job {JobId} was taken over by another worker after this worker's lease expired.");
    }
}
