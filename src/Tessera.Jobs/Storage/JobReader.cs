using System.Data.Common;
using Dapper;

namespace Tessera.Jobs.Storage;

/// <summary>Reads jobs and their events, always through a <see cref="JobScope"/>.</summary>
internal static class JobReader
{
    public static Task<JobRow?> GetRowAsync(DbConnection connection, DbTransaction? transaction, Guid id, JobScope? scope, CancellationToken cancellationToken)
    {
        scope ??= JobScope.Operator;
        var parameters = new DynamicParameters(new { id });
        scope.Bind(parameters);
        return connection.QuerySingleOrDefaultAsync<JobRow>(new CommandDefinition(
            $"SELECT {JobRow.Columns} FROM jobs WHERE id = @id {scope.Sql()}", parameters, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>The job created by retrying <paramref name="id"/>, if there is one.</summary>
    public static Task<Guid?> RetryOfAsync(DbConnection connection, DbTransaction? transaction, Guid id, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(
            "SELECT id FROM jobs WHERE retry_of = @id LIMIT 1", new { id }, transaction, cancellationToken: cancellationToken));

    /// <summary>The scope's jobs, newest first, without their inputs (<see cref="JobRow.ColumnsWithoutInput"/>).</summary>
    public static async Task<IReadOnlyList<JobRow>> ListAsync(DbConnection connection, JobScope scope, JobListQuery query, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters(new { state = query.State?.Name(), kind = query.Kind, limit = query.Limit });
        scope.Bind(parameters);
        var rows = await connection.QueryAsync<JobRow>(new CommandDefinition(
            $"""
            SELECT {JobRow.ColumnsWithoutInput} FROM jobs
            WHERE (@state IS NULL OR state = @state) AND (@kind IS NULL OR kind = @kind) {scope.Sql()}
            ORDER BY created_at DESC, id DESC LIMIT @limit
            """,
            parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.AsList();
    }

    public static async Task<IReadOnlyList<JobRow>> ChildrenAsync(DbConnection connection, Guid parentId, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<JobRow>(new CommandDefinition(
            $"SELECT {JobRow.Columns} FROM jobs WHERE parent_id = @parentId ORDER BY created_at, id",
            new { parentId }, cancellationToken: cancellationToken)).ConfigureAwait(false)).AsList();

    public static async Task<IReadOnlyList<JobRow>> DependenciesAsync(DbConnection connection, Guid jobId, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<JobRow>(new CommandDefinition(
            $"SELECT {JobRow.Columns} FROM jobs WHERE id IN (SELECT depends_on_id FROM job_dependencies WHERE job_id = @jobId) ORDER BY created_at, id",
            new { jobId }, cancellationToken: cancellationToken)).ConfigureAwait(false)).AsList();

    public static async Task<IReadOnlyList<JobEvent>> EventsAsync(DbConnection connection, Guid jobId, long after, int limit, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<EventRow>(new CommandDefinition(
            """
            SELECT job_id AS JobId, seq AS Seq, type AS Type, from_state AS FromState, to_state AS ToState, message AS Message,
                   data AS Data, created_at AS CreatedAt
            FROM job_events WHERE job_id = @jobId AND seq > @after ORDER BY seq LIMIT @limit
            """,
            new { jobId, after, limit }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => new JobEvent(r.JobId, r.Seq, r.Type, r.FromState, r.ToState, r.Message, JsonText.Parse(r.Data), r.CreatedAt)).ToList();
    }

    private sealed class EventRow
    {
        public Guid JobId { get; set; }
        public long Seq { get; set; }
        public string Type { get; set; } = "";
        public string? FromState { get; set; }
        public string? ToState { get; set; }
        public string? Message { get; set; }
        public string? Data { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
    }
}
