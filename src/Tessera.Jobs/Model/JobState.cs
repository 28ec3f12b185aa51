using System.Text.Json.Serialization;

namespace Tessera.Jobs;

/// <summary>Where a job is in its life. Stored and serialized as the lower-case name (see <see cref="JobStates"/>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<JobState>))]
public enum JobState
{
    /// <summary>Not claimable yet: waits for its dependencies (DAG) or its children (fan-in).</summary>
    [JsonStringEnumMemberName("waiting")]
    Waiting,
    /// <summary>Claimable once <c>run_at</c> has passed.</summary>
    [JsonStringEnumMemberName("queued")]
    Queued,
    /// <summary>Leased by one worker.</summary>
    [JsonStringEnumMemberName("running")]
    Running,
    /// <summary>Failed transiently; claimable again at <c>run_at</c> (after the backoff).</summary>
    [JsonStringEnumMemberName("retrying")]
    Retrying,
    [JsonStringEnumMemberName("succeeded")]
    Succeeded,
    [JsonStringEnumMemberName("failed")]
    Failed,
    [JsonStringEnumMemberName("cancelled")]
    Cancelled,
    /// <summary>Never ran because a dependency did not succeed and the step's policy is <c>skip</c>.</summary>
    [JsonStringEnumMemberName("skipped")]
    Skipped,
}

/// <summary>The stored names of <see cref="JobState"/> values.</summary>
public static class JobStates
{
    public static string Name(this JobState state) => state switch
    {
        JobState.Waiting => "waiting",
        JobState.Queued => "queued",
        JobState.Running => "running",
        JobState.Retrying => "retrying",
        JobState.Succeeded => "succeeded",
        JobState.Failed => "failed",
        JobState.Cancelled => "cancelled",
        JobState.Skipped => "skipped",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static JobState Parse(string name) => TryParse(name, out var state)
        ? state
        : throw new ArgumentException($"Unknown job state '{name}'.", nameof(name));

    public static bool TryParse(string? name, out JobState state)
    {
        foreach (var candidate in Enum.GetValues<JobState>())
        {
            if (string.Equals(candidate.Name(), name, StringComparison.Ordinal))
            {
                state = candidate;
                return true;
            }
        }
        state = default;
        return false;
    }

    public static bool IsTerminal(this JobState state) =>
        state is JobState.Succeeded or JobState.Failed or JobState.Cancelled or JobState.Skipped;

    /// <summary>The terminal states as an SQL list literal, for <c>state IN (…)</c>.</summary>
    internal const string TerminalSqlList = "('succeeded', 'failed', 'cancelled', 'skipped')";
}
