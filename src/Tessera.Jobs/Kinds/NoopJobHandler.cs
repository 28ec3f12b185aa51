using System.Text.Json.Nodes;

namespace Tessera.Jobs.Kinds;

/// <summary><c>system.noop</c>: does nothing and succeeds. Measures the engine's own overhead (the benchmark runs it).</summary>
internal sealed class NoopJobHandler : IJobHandler
{
    public const string KindName = "system.noop";

    public string Kind => KindName;
    public int Version => 1;
    public bool Cacheable => false;

    public Task<JsonNode?> ExecuteAsync(JobContext context, CancellationToken cancellationToken) => Task.FromResult<JsonNode?>(null);
}
