namespace Tessera.Cards.Download;

/// <summary>A download run's summary. Every rate is guarded, so an empty or instant run reads 0, never NaN or infinity.</summary>
internal sealed record DownloadReport
{
    public long Total { get; init; }
    public long Downloaded { get; init; }

    /// <summary>Already on disk: not asked for again, or answered 304.</summary>
    public long Skipped { get; init; }

    /// <summary>Of <see cref="Skipped"/>, the ones the server confirmed unchanged (a revalidating run).</summary>
    public long Unchanged { get; init; }

    public long Failed { get; init; }

    /// <summary>Failures counted by reason (<c>http_404</c>, <c>timeout</c>, <c>truncated</c>…).</summary>
    public SortedDictionary<string, long> FailedByReason { get; init; } = new(StringComparer.Ordinal);

    public long Bytes { get; init; }
    public double ElapsedSeconds { get; init; }

    public long Done => Downloaded + Skipped + Failed;

    public double ImagesPerSecond => ElapsedSeconds > 0 ? Done / ElapsedSeconds : 0;

    public double BytesPerSecond => ElapsedSeconds > 0 ? Bytes / ElapsedSeconds : 0;

    /// <summary>Seconds left at the current pace; null before the pace is known.</summary>
    public double? EtaSeconds => ImagesPerSecond > 0 ? Math.Max(0, Total - Done) / ImagesPerSecond : null;

    /// <summary>The share of attempted images that failed, 0 when none was attempted.</summary>
    public double FailureRate => Done > 0 ? (double)Failed / Done : 0;

    public DownloadReport Add(ImageOutcome outcome, double elapsedSeconds)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var report = this with { ElapsedSeconds = elapsedSeconds };
        switch (outcome.Kind)
        {
            case ImageOutcomeKind.Downloaded:
                return report with { Downloaded = Downloaded + 1, Bytes = Bytes + outcome.Bytes };
            case ImageOutcomeKind.Present:
                return report with { Skipped = Skipped + 1 };
            case ImageOutcomeKind.Unchanged:
                return report with { Skipped = Skipped + 1, Unchanged = Unchanged + 1 };
            default:
                var reasons = new SortedDictionary<string, long>(FailedByReason, StringComparer.Ordinal);
                var reason = outcome.Reason ?? "unknown";
                reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
                return report with { Failed = Failed + 1, FailedByReason = reasons };
        }
    }
}
