using System.Globalization;
using Microsoft.Extensions.Configuration;
using Tessera.Core.Errors;

namespace Tessera.Jobs;

/// <summary>
/// Queue and worker settings, read from the <c>jobs:</c> section of the layered configuration
/// (e.g. <c>TESSERA__JOBS__LEASE_SECONDS=2</c>).
/// </summary>
public sealed record JobsOptions
{
    /// <summary>How long a claim holds a job without a heartbeat; a dead worker's jobs come back after this.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a worker renews its leases and learns of cancellations.</summary>
    public TimeSpan Heartbeat { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long an idle worker sleeps before looking again when no wake-up arrives.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Most jobs one claim takes (fewer round trips under load).</summary>
    public int ClaimBatch { get; init; } = 16;

    public int DefaultMaxAttempts { get; init; } = 5;
    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromMinutes(5);

    public const int DefaultMaxInputBytes = 256 << 10;

    /// <summary>Largest job input (canonical JSON, UTF-8 bytes) an enqueue accepts; bulk data belongs in a blob.</summary>
    public int MaxInputBytes { get; init; } = DefaultMaxInputBytes;

    /// <summary>Most running jobs per organization across all workers; 0 for no quota.</summary>
    public int OrgMaxRunning { get; init; }

    /// <summary>
    /// Whether a claim serves the organization that has run least recently among those waiting (on by default, so
    /// one organization's backlog cannot starve the others); off, jobs run in plain priority order.
    /// </summary>
    public bool FairShare { get; init; } = true;

    /// <summary>Most running jobs per kind across all workers (<c>jobs:kind_limits:&lt;kind&gt;</c>); absent kinds are unlimited.</summary>
    public IReadOnlyDictionary<string, int> KindLimits { get; init; } = new Dictionary<string, int>();

    /// <summary>Most event streams one token (or, without a token, one user) may hold open at once.</summary>
    public int StreamsPerToken { get; init; } = 8;

    /// <summary>How often an open event stream checks that its token is still valid (not revoked or expired).</summary>
    public TimeSpan StreamRecheck { get; init; } = TimeSpan.FromSeconds(15);

    public static JobsOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("jobs");
        var defaults = new JobsOptions();
        var options = new JobsOptions
        {
            Lease = Seconds(section, "lease_seconds", defaults.Lease),
            Heartbeat = Milliseconds(section, "heartbeat_ms", defaults.Heartbeat),
            PollInterval = Milliseconds(section, "poll_ms", defaults.PollInterval),
            ClaimBatch = Int(section, "claim_batch", defaults.ClaimBatch, 1),
            DefaultMaxAttempts = Int(section, "max_attempts", defaults.DefaultMaxAttempts, 1),
            BackoffBase = Milliseconds(section, "backoff_base_ms", defaults.BackoffBase),
            BackoffMax = Milliseconds(section, "backoff_max_ms", defaults.BackoffMax),
            MaxInputBytes = Int(section, "max_input_bytes", defaults.MaxInputBytes, 1),
            OrgMaxRunning = Int(section, "org_max_running", 0, 0),
            FairShare = Bool(section, "fair_share", defaults.FairShare),
            StreamsPerToken = Int(section, "streams_per_token", defaults.StreamsPerToken, 1),
            StreamRecheck = Milliseconds(section, "stream_recheck_ms", defaults.StreamRecheck),
            KindLimits = section.GetSection("kind_limits").GetChildren()
                .ToDictionary(c => c.Key, c => Int(section, "kind_limits:" + c.Key, 0, 1), StringComparer.Ordinal),
        };
        if (options.Heartbeat >= options.Lease)
            throw TesseraException.Validation($"Setting 'jobs:heartbeat_ms' ({options.Heartbeat.TotalMilliseconds}) must be shorter than 'jobs:lease_seconds' ({options.Lease.TotalSeconds} s), or leases expire between heartbeats.");
        return options;
    }

    private static TimeSpan Seconds(IConfiguration section, string key, TimeSpan fallback) =>
        section[key] is { Length: > 0 } ? TimeSpan.FromSeconds(Double(section, key)) : fallback;

    private static TimeSpan Milliseconds(IConfiguration section, string key, TimeSpan fallback) =>
        section[key] is { Length: > 0 } ? TimeSpan.FromMilliseconds(Double(section, key)) : fallback;

    private static double Double(IConfiguration section, string key)
    {
        var text = section[key];
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value <= 0)
            throw TesseraException.Validation($"Setting 'jobs:{key}' is '{text}', but must be a positive number.");
        return value;
    }

    private static bool Bool(IConfiguration section, string key, bool fallback)
    {
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        if (!bool.TryParse(text, out var value))
            throw TesseraException.Validation($"Setting 'jobs:{key}' is '{text}', but must be true or false.");
        return value;
    }

    private static int Int(IConfiguration section, string key, int fallback, int min)
    {
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min)
            throw TesseraException.Validation($"Setting 'jobs:{key}' is '{text}', but must be an integer of at least {min}.");
        return value;
    }
}
