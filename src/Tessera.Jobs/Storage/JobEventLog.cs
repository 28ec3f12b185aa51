using System.Data.Common;
using Dapper;

namespace Tessera.Jobs.Storage;

/// <summary>
/// Appends to <c>job_events</c>. The sequence number comes from <c>jobs.event_seq</c>, bumped by the same
/// statement that changes the job, so the row lock orders a job's events in commit order.
/// </summary>
internal static class JobEventLog
{
    public static Task AppendAsync(
        DbConnection connection, DbTransaction transaction, Guid jobId, long seq, string type,
        string? fromState, string? toState, string? message, string? data, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO job_events (job_id, seq, type, from_state, to_state, message, data, created_at)
            VALUES (@jobId, @seq, @type, @fromState, @toState, @message, @data, @now)
            """,
            new { jobId, seq, type, fromState, toState, message, data, now },
            transaction, cancellationToken: cancellationToken));

    /// <summary>Bumps the job's sequence (optionally only while <paramref name="lease"/> holds it) and appends one event.</summary>
    public static async Task<bool> AppendNextAsync(
        DbConnection connection, DbTransaction transaction, Guid jobId, JobLease? lease, string type,
        string? message, string? data, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var seq = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            $"""
            UPDATE jobs SET event_seq = event_seq + 1
            WHERE id = @jobId {(lease is null ? "" : $"AND {JobLease.Guard}")}
            RETURNING event_seq
            """,
            new { jobId, leaseWorker = lease?.WorkerId, leaseAttempt = lease?.Attempt }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (seq is null) return false;
        await AppendAsync(connection, transaction, jobId, seq.Value, type, null, null, message, data, now, cancellationToken).ConfigureAwait(false);
        return true;
    }
}
