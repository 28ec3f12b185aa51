using System.Text.Json.Nodes;

namespace Tessera.Jobs.Kinds;

/// <summary>
/// <c>system.echo</c>: returns its input's <c>value</c>. Cacheable, so equal inputs are answered from the cache.
/// It can also fail on purpose, to exercise retries and failure handling end to end:
/// <c>{"value": 1, "transient_failures": 2}</c> fails transiently on its first two attempts;
/// <c>{"value": 1, "fail": "message"}</c> fails permanently with code ECHO_FAILED.
/// </summary>
internal sealed class EchoJobHandler : IJobHandler
{
    public const string KindName = "system.echo";

    public string Kind => KindName;
    public int Version => 1;
    public bool Cacheable => true;

    public Task<JsonNode?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Input?["fail"]?.GetValue<string>() is { } message) throw new PermanentJobException("ECHO_FAILED", message);
        var transientFailures = context.Input?["transient_failures"]?.GetValue<int>() ?? 0;
        if (context.Attempt <= transientFailures)
            throw new TransientJobException($"simulated transient failure {context.Attempt} of {transientFailures}");
        return Task.FromResult(context.Input?["value"]?.DeepClone());
    }
}
