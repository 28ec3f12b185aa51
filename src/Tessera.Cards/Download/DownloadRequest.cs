using Tessera.Core.Errors;

namespace Tessera.Cards.Download;

/// <summary>What a download run fetches and how hard it pushes; <see cref="Validate"/> names the flag that is out of range.</summary>
internal sealed record DownloadRequest
{
    public const int DefaultWorkers = 16;
    public const int MaxWorkers = 128;
    public const string DefaultSize = "normal";

    /// <summary>The image sizes Scryfall publishes.</summary>
    public static readonly IReadOnlyList<string> Sizes = ["small", "normal", "large", "png", "art_crop", "border_crop"];

    public string Size { get; init; } = DefaultSize;
    public int Workers { get; init; } = DefaultWorkers;

    /// <summary>At most this many images (in URL order); null: all.</summary>
    public int? Limit { get; init; }

    /// <summary>Send a conditional request for images already on disk instead of skipping them.</summary>
    public bool Revalidate { get; init; }

    /// <summary>Requests per second per host; null: <c>cards:requests_per_second</c>.</summary>
    public double? RequestsPerSecond { get; init; }

    /// <summary>Seeds the retry jitter; null: from the clock.</summary>
    public int? Seed { get; init; }

    public DownloadRequest Validate()
    {
        if (!Sizes.Contains(Size)) throw TesseraException.Validation($"size (--size) must be one of {string.Join(", ", Sizes)} (got '{Size}').");
        if (Workers is < 1 or > MaxWorkers) throw TesseraException.Validation($"workers (--workers) must be from 1 to {MaxWorkers} (got {Workers}).");
        if (Limit is < 1) throw TesseraException.Validation($"limit (--limit) must be at least 1 (got {Limit}); leave it out to download every image.");
        if (RequestsPerSecond is { } rate && (double.IsNaN(rate) || rate < 0.1 || rate > 1000))
            throw TesseraException.Validation($"rate (--rate) must be from 0.1 to 1000 requests per second (got {rate}).");
        return this;
    }
}
