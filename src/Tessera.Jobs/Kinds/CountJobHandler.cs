using System.Text.Json.Nodes;
using Tessera.Core.Errors;

namespace Tessera.Jobs.Kinds;

/// <summary>
/// <c>system.count</c>: counts from 1 to <c>to</c>, waiting <c>delay_ms</c> per step and saving a checkpoint and
/// progress after each. A run that finds a checkpoint resumes after it and says so in the log and the result
/// (<c>resumed_from</c>). A diagnostic kind for checkpoints, leases, progress and cancellation.
/// Input: <c>{"to": 10, "delay_ms": 100}</c>. Result: <c>{"count": 10, "resumed_from": 0, "attempt": 1}</c>.
/// </summary>
internal sealed class CountJobHandler(TimeProvider time) : IJobHandler
{
    public const string KindName = "system.count";
    public const int MaxCount = 1_000_000;

    public string Kind => KindName;
    public int Version => 1;
    public bool Cacheable => false;

    public async Task<JsonNode?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var to = context.Input?["to"]?.GetValue<long>() ?? 10;
        var delay = TimeSpan.FromMilliseconds(context.Input?["delay_ms"]?.GetValue<long>() ?? 0);
        if (to is < 0 or > MaxCount) throw new PermanentJobException(ErrorCodes.ValidationFailed, $"'to' must be from 0 to {MaxCount}.");

        var resumedFrom = context.Checkpoint?["done"]?.GetValue<long>() ?? 0;
        if (resumedFrom > 0) await context.LogAsync($"resumed from checkpoint {resumedFrom}", cancellationToken).ConfigureAwait(false);
        for (var i = resumedFrom + 1; i <= to; i++)
        {
            if (delay > TimeSpan.Zero) await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            await context.SaveCheckpointAsync(new JsonObject { ["done"] = i }, cancellationToken).ConfigureAwait(false);
            await context.ReportProgressAsync(i, to, null, cancellationToken).ConfigureAwait(false);
        }
        return new JsonObject { ["count"] = to, ["resumed_from"] = resumedFrom, ["attempt"] = context.Attempt };
    }
}
