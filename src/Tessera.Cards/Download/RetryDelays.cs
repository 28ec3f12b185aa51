using System.Net.Http.Headers;

namespace Tessera.Cards.Download;

/// <summary>
/// How long to wait before the next attempt: exponential backoff (base × 2^(attempt−1), capped) with jitter, so
/// workers that failed together do not retry together; a server's Retry-After is honoured when it asks for longer.
/// The jitter comes from a seeded generator so a test can repeat a run exactly.
/// </summary>
internal sealed class RetryDelays(TimeSpan baseDelay, TimeSpan max, int seed)
{
    private readonly Random _random = new(seed);
    private readonly Lock _gate = new();

    public TimeSpan Max => max;

    /// <summary>The delay after failed attempt <paramref name="attempt"/> (1-based): between half and all of the exponential step.</summary>
    public TimeSpan Backoff(int attempt)
    {
        var step = baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        double jitter;
        lock (_gate) jitter = 0.5 + (_random.NextDouble() / 2);
        return TimeSpan.FromMilliseconds(Math.Min(step, max.TotalMilliseconds) * jitter);
    }

    /// <summary>
    /// The wait a response asks for: its Retry-After (seconds or a date) when longer than the backoff; null when
    /// that exceeds <see cref="Max"/>, meaning the server wants to be left alone longer than this run waits.
    /// </summary>
    public TimeSpan? After(int attempt, RetryConditionHeaderValue? retryAfter, DateTimeOffset now)
    {
        var backoff = Backoff(attempt);
        var asked = retryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - now,
            _ => TimeSpan.Zero,
        };
        if (asked > max) return null;
        return asked > backoff ? asked : backoff;
    }
}
