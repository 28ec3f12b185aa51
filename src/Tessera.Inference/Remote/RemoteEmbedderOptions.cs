namespace Tessera.Inference.Remote;

/// <summary>
/// One OpenAI-compatible embeddings endpoint (another Tessera, Hugging Face TEI, vLLM, OpenAI itself) registered as
/// <see cref="Name"/>. <see cref="Endpoint"/> is the API base, e.g. <c>http://gpu-box:8080/v1</c>; requests go to
/// <c>{Endpoint}/embeddings</c>.
/// </summary>
public sealed record RemoteEmbedderOptions(string Name, Uri Endpoint, string Model, int Dimension)
{
    /// <summary>Sent as <c>Authorization: Bearer …</c> when set.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Texts per request.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Limit on one attempt (request and response body); a timed-out attempt is retried.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after the first attempt of a batch (0 = none).</summary>
    public int MaxRetries { get; init; } = 4;

    /// <summary>First backoff delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Longest wait before a retry. A server asking (by <c>Retry-After</c>) for a longer wait is not retried: the
    /// error carries its <c>Retry-After</c> to the caller instead.
    /// </summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Share of failed attempts within <see cref="BreakerSamplingDuration"/> that opens the circuit.</summary>
    public double BreakerFailureRatio { get; init; } = 0.5;

    /// <summary>Attempts within the sampling window before the ratio counts.</summary>
    public int BreakerMinimumThroughput { get; init; } = 10;

    public TimeSpan BreakerSamplingDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit refuses calls before letting one probe through.</summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(30);
}
