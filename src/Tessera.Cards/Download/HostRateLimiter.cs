using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace Tessera.Cards.Download;

/// <summary>
/// At most a given number of requests per second to each host (host and port), shared by every worker of a run;
/// retries wait their turn too. Permits are queued oldest first, so no worker starves.
/// </summary>
internal sealed class HostRateLimiter(double requestsPerSecond) : IAsyncDisposable
{
    /// <summary>Below this a token bucket's timer would tick too often for the process's timer resolution to keep up.</summary>
    private static readonly TimeSpan MinPeriod = TimeSpan.FromMilliseconds(50);

    private readonly ConcurrentDictionary<string, TokenBucketRateLimiter> _hosts = new(StringComparer.OrdinalIgnoreCase);

    public async Task WaitAsync(Uri url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        var limiter = _hosts.GetOrAdd(url.Authority, _ => Create(requestsPerSecond));
        using var lease = await limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        if (!lease.IsAcquired) throw new InvalidOperationException($"The rate limiter for {url.Authority} refused a permit.");
    }

    /// <summary>
    /// One permit per 1/rate seconds, or for fast rates the same average over 50 ms periods; the bucket holds one
    /// period's worth, so a burst never exceeds the rate.
    /// </summary>
    private static TokenBucketRateLimiter Create(double rate)
    {
        var period = TimeSpan.FromSeconds(1 / rate);
        if (period < MinPeriod) period = MinPeriod;
        var perPeriod = Math.Max(1, (int)Math.Round(rate * period.TotalSeconds));
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = perPeriod,
            TokensPerPeriod = perPeriod,
            ReplenishmentPeriod = period,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var limiter in _hosts.Values) await limiter.DisposeAsync().ConfigureAwait(false);
    }
}
