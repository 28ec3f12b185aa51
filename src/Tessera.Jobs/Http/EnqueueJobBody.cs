using System.Text.Json.Nodes;

namespace Tessera.Jobs.Http;

/// <summary>The body of <c>POST /api/v1/jobs</c>.</summary>
internal sealed record EnqueueJobBody(string Kind, JsonNode? Input)
{
    public string? IdempotencyKey { get; init; }
    public int Priority { get; init; }
    public DateTimeOffset? RunAt { get; init; }
    public int? MaxAttempts { get; init; }
}
