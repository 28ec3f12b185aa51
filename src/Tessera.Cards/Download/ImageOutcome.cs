namespace Tessera.Cards.Download;

/// <summary>What became of one image URL in a run.</summary>
internal sealed record ImageOutcome(ImageWork Work, ImageOutcomeKind Kind)
{
    /// <summary>Why it failed: <c>http_&lt;status&gt;</c>, <c>timeout</c>, <c>connection</c>, <c>truncated</c>, <c>empty</c> or <c>busy</c>.</summary>
    public string? Reason { get; init; }

    public int? HttpStatus { get; init; }
    public string? ETag { get; init; }
    public DateTimeOffset? LastModified { get; init; }
    public long Bytes { get; init; }
    public string? Sha256 { get; init; }

    /// <summary>Requests made for it (0 when the file was already there and not revalidated).</summary>
    public int Attempts { get; init; }
}

internal enum ImageOutcomeKind
{
    /// <summary>Fetched and stored.</summary>
    Downloaded,

    /// <summary>Already on disk; not asked for again.</summary>
    Present,

    /// <summary>Already on disk, and the server said it has not changed (304); the record of its download stands.</summary>
    Unchanged,

    Failed,
}
