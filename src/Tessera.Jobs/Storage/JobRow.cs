using System.Text.Json.Nodes;

namespace Tessera.Jobs.Storage;

/// <summary>One <c>jobs</c> row as Dapper reads it (<see cref="Columns"/> names the properties).</summary>
internal sealed class JobRow
{
    /// <summary>Every column, aliased to the property names.</summary>
    public const string Columns = """
        id AS Id, kind AS Kind, kind_version AS KindVersion, owner_user_id AS OwnerUserId, owner_org_id AS OwnerOrgId,
        state AS State, priority AS Priority, run_at AS RunAt, input AS Input, input_hash AS InputHash,
        input_signature AS InputSignature, idempotency_key AS IdempotencyKey, attempts AS Attempts,
        max_attempts AS MaxAttempts, backoff_base_ms AS BackoffBaseMs, lease_owner AS LeaseOwner,
        lease_expires_at AS LeaseExpiresAt, heartbeat_at AS HeartbeatAt, cancel_requested AS CancelRequested,
        progress_done AS ProgressDone, progress_total AS ProgressTotal, progress_message AS ProgressMessage,
        checkpoint AS Checkpoint, result AS Result, error_code AS ErrorCode, error_message AS ErrorMessage,
        error_detail AS ErrorDetail, cache_source_id AS CacheSourceId, parent_id AS ParentId, pipeline_id AS PipelineId,
        step_name AS StepName, on_dependency_failure AS OnDependencyFailure, retry_of AS RetryOf, event_seq AS EventSeq,
        created_at AS CreatedAt, updated_at AS UpdatedAt, started_at AS StartedAt, finished_at AS FinishedAt
        """;

    /// <summary>Every column but the input, which may be large: lists leave it out (one job's GET shows it).</summary>
    public static readonly string ColumnsWithoutInput = Columns.Replace("input AS Input, ", "", StringComparison.Ordinal);

    public Guid Id { get; set; }
    public string Kind { get; set; } = "";
    public int KindVersion { get; set; }
    public Guid OwnerUserId { get; set; }
    public Guid OwnerOrgId { get; set; }
    public string State { get; set; } = "";
    public int Priority { get; set; }
    public DateTimeOffset RunAt { get; set; }
    public string Input { get; set; } = "null";
    public string InputHash { get; set; } = "";
    public string InputSignature { get; set; } = "";
    public string? IdempotencyKey { get; set; }
    public int Attempts { get; set; }
    public int MaxAttempts { get; set; }
    public int BackoffBaseMs { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get; set; }
    public DateTimeOffset? HeartbeatAt { get; set; }
    public int CancelRequested { get; set; }
    public long ProgressDone { get; set; }
    public long? ProgressTotal { get; set; }
    public string? ProgressMessage { get; set; }
    public string? Checkpoint { get; set; }
    public string? Result { get; set; }
    public string? ErrorCode { get; set; }
    public string? ErrorMessage { get; set; }
    public string? ErrorDetail { get; set; }
    public Guid? CacheSourceId { get; set; }
    public Guid? ParentId { get; set; }
    public Guid? PipelineId { get; set; }
    public string? StepName { get; set; }
    public string OnDependencyFailure { get; set; } = "fail";
    public Guid? RetryOf { get; set; }
    public long EventSeq { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }

    public JobState StateValue => JobStates.Parse(State);

    public JobInfo ToInfo() => new()
    {
        Id = Id,
        Kind = Kind,
        KindVersion = KindVersion,
        OwnerUserId = OwnerUserId,
        OwnerOrgId = OwnerOrgId,
        State = StateValue,
        Priority = Priority,
        RunAt = RunAt,
        Input = JsonText.Parse(Input),
        InputSignature = InputSignature,
        IdempotencyKey = IdempotencyKey,
        Attempts = Attempts,
        MaxAttempts = MaxAttempts,
        LeaseOwner = LeaseOwner,
        LeaseExpiresAt = LeaseExpiresAt,
        HeartbeatAt = HeartbeatAt,
        CancelRequested = CancelRequested != 0,
        Progress = new JobProgress(ProgressDone, ProgressTotal, ProgressMessage),
        Checkpoint = JsonText.Parse(Checkpoint),
        Result = JsonText.Parse(Result),
        Error = ErrorCode is null ? null : new JobError(ErrorCode, ErrorMessage ?? "", ErrorDetail),
        CacheSourceId = CacheSourceId,
        ParentId = ParentId,
        PipelineId = PipelineId,
        StepName = StepName,
        RetryOf = RetryOf,
        CreatedAt = CreatedAt,
        UpdatedAt = UpdatedAt,
        StartedAt = StartedAt,
        FinishedAt = FinishedAt,
    };
}

/// <summary>JSON columns are stored as text: SQL NULL for a null node.</summary>
internal static class JsonText
{
    public static JsonNode? Parse(string? text) => text is null ? null : JsonNode.Parse(text);

    public static string? Write(JsonNode? node) => node?.ToJsonString();
}
