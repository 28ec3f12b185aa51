using System.Text.Json.Nodes;

namespace Tessera.Jobs;

/// <summary>A job as callers see it (API, CLI, modules).</summary>
public sealed record JobInfo
{
    public required Guid Id { get; init; }
    public required string Kind { get; init; }
    public required int KindVersion { get; init; }
    public required Guid OwnerUserId { get; init; }
    public required Guid OwnerOrgId { get; init; }
    public required JobState State { get; init; }
    public required int Priority { get; init; }
    public required DateTimeOffset RunAt { get; init; }
    public JsonNode? Input { get; init; }
    public required string InputSignature { get; init; }
    public string? IdempotencyKey { get; init; }
    public required int Attempts { get; init; }
    public required int MaxAttempts { get; init; }
    public string? LeaseOwner { get; init; }
    public DateTimeOffset? LeaseExpiresAt { get; init; }
    public DateTimeOffset? HeartbeatAt { get; init; }
    public bool CancelRequested { get; init; }
    public required JobProgress Progress { get; init; }
    public JsonNode? Checkpoint { get; init; }
    public JsonNode? Result { get; init; }
    public JobError? Error { get; init; }
    public Guid? CacheSourceId { get; init; }
    public Guid? ParentId { get; init; }
    public Guid? PipelineId { get; init; }
    public string? StepName { get; init; }
    public Guid? RetryOf { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
}

public sealed record JobProgress(long Done, long? Total, string? Message);

public sealed record JobError(string Code, string Message, string? Detail);
