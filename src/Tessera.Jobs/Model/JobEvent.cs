using System.Text.Json.Nodes;

namespace Tessera.Jobs;

/// <summary>One entry of a job's append-only log; <see cref="Seq"/> grows by one per event of that job.</summary>
public sealed record JobEvent(Guid JobId, long Seq, string Type, string? FromState, string? ToState, string? Message, JsonNode? Data, DateTimeOffset CreatedAt);

/// <summary>The <see cref="JobEvent.Type"/> values.</summary>
public static class JobEventTypes
{
    public const string State = "state";
    public const string Progress = "progress";
    public const string Log = "log";
    public const string Cache = "cache";
}
