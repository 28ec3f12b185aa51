using System.Text.Json.Nodes;
using Tessera.Core.Errors;

namespace Tessera.Jobs.Kinds;

/// <summary>
/// <c>system.fanout</c>: enqueues one <c>system.echo</c> child per item of <c>values</c>, waits for them all
/// (fan-out / fan-in), then returns their results in order. Shows how a handler uses children and checkpoints:
/// the first run enqueues and waits; the run after the children finish collects.
/// Input: <c>{"values": [1, 2, 3]}</c>. Result: <c>{"results": [1, 2, 3], "children": 3}</c>.
/// </summary>
internal sealed class FanOutJobHandler : IJobHandler
{
    public const string KindName = "system.fanout";
    public const int MaxChildren = 10_000;

    public string Kind => KindName;
    public int Version => 1;
    public bool Cacheable => false;

    public async Task<JsonNode?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var values = context.Input?["values"] as JsonArray ?? [];
        if (values.Count > MaxChildren) throw new PermanentJobException(ErrorCodes.ValidationFailed, $"At most {MaxChildren} values.");

        if (context.Checkpoint?["phase"]?.GetValue<string>() != "collect")
        {
            for (var i = 0; i < values.Count; i++)
            {
                // Keyed per index, so a run resumed after a crash finds the children it already enqueued.
                await context.EnqueueChildAsync(
                    new JobRequest(EchoJobHandler.KindName, new JsonObject { ["value"] = values[i]?.DeepClone() }) { IdempotencyKey = $"item-{i}" },
                    cancellationToken).ConfigureAwait(false);
            }
            await context.SaveCheckpointAsync(new JsonObject { ["phase"] = "collect" }, cancellationToken).ConfigureAwait(false);
            context.WaitForChildren();
            return null;
        }

        var children = await context.GetChildrenAsync(cancellationToken).ConfigureAwait(false);
        if (children.Any(c => !c.State.IsTerminal()))
        {
            // Resumed before the children finished (a run that lost its lease between checkpoint and wait): wait again.
            context.WaitForChildren();
            return null;
        }
        var failed = children.Where(c => c.State != JobState.Succeeded).ToList();
        if (failed.Count > 0) throw new PermanentJobException("CHILD_FAILED", $"{failed.Count} of {children.Count} child job(s) did not succeed, e.g. {failed[0].Id} ({failed[0].State.Name()}).");
        return new JsonObject
        {
            ["results"] = new JsonArray(children.Select(c => c.Result?.DeepClone()).ToArray()),
            ["children"] = children.Count,
        };
    }
}
