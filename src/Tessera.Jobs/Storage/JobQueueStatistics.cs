using Dapper;
using Tessera.Data;

namespace Tessera.Jobs.Storage;

/// <summary>The queue as an operator sees it, across every owner: for metrics, not for any user's view.</summary>
public sealed class JobQueueStatistics(TesseraDatabase database)
{
    /// <summary>Per kind with at least one job waiting for a worker, how many and since when the earliest is due.</summary>
    public async Task<IReadOnlyList<JobQueueDepth>> DepthsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<DepthRow>(new CommandDefinition(
            """
            SELECT kind AS Kind, COUNT(*) AS Queued, MIN(run_at) AS EarliestRunAt
            FROM jobs WHERE state IN ('queued', 'retrying')
            GROUP BY kind ORDER BY kind
            """,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => new JobQueueDepth(r.Kind, r.Queued, r.EarliestRunAt)).ToList();
    }

    /// <summary>How many jobs are not finished: queued, running or retrying.</summary>
    public async Task<long> OpenCountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM jobs WHERE state IN ('queued', 'running', 'retrying')", cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>From the first start to the last finish of the jobs of <paramref name="kind"/>.</summary>
    public async Task<TimeSpan> ProcessingSpanAsync(string kind, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var span = await connection.QuerySingleAsync<SpanRow>(new CommandDefinition(
            "SELECT MIN(started_at) AS First, MAX(finished_at) AS Last FROM jobs WHERE kind = @kind", new { kind }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return span.Last - span.First;
    }

    private sealed class DepthRow
    {
        public string Kind { get; set; } = "";
        public long Queued { get; set; }
        public DateTimeOffset EarliestRunAt { get; set; }
    }

    private sealed class SpanRow
    {
        public DateTimeOffset First { get; set; }
        public DateTimeOffset Last { get; set; }
    }
}
