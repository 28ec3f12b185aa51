namespace Tessera.Jobs;

/// <summary>
/// Exponential backoff with "equal jitter": attempt n waits between half and all of base·2^(n−1), capped at
/// <see cref="JobsOptions.BackoffMax"/>, so workers retrying together spread out. Tests pass a seeded Random.
/// </summary>
internal sealed class RetryBackoff(Random random, JobsOptions options)
{
    private readonly Lock _gate = new();

    public TimeSpan Delay(int attempt, TimeSpan baseDelay)
    {
        ArgumentNullException.ThrowIfNull(options);
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var full = Math.Min(baseDelay.TotalMilliseconds * Math.Pow(2, exponent), options.BackoffMax.TotalMilliseconds);
        double sample;
        lock (_gate) sample = random.NextDouble();
        return TimeSpan.FromMilliseconds(full / 2 + sample * full / 2);
    }
}
