using Tessera.Cards.Download;
using Tessera.Core.Errors;

namespace Tessera.Cards.Embedding;

/// <summary>What an embedding run embeds and how; <see cref="Validate"/> names the flag that is out of range.</summary>
internal sealed record EmbedRequest
{
    public const int DefaultCheckpointEvery = 500;
    public const int DefaultBatchSize = 32;

    /// <summary>The catalog image size to embed (what was downloaded).</summary>
    public string Size { get; init; } = DownloadRequest.DefaultSize;

    /// <summary>An image embedder's name; null: the pretrained ResNet18, or the classical descriptor when its files are missing.</summary>
    public string? Model { get; init; }

    /// <summary>Images decoded and embedded together (one per core at a time).</summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>Images per committed checkpoint: an interrupted run loses at most this many images' work.</summary>
    public int CheckpointEvery { get; init; } = DefaultCheckpointEvery;

    /// <summary>At most this many images still to embed (in card order); null: all.</summary>
    public int? Limit { get; init; }

    public EmbedRequest Validate()
    {
        if (!DownloadRequest.Sizes.Contains(Size)) throw TesseraException.Validation($"size (--size) must be one of {string.Join(", ", DownloadRequest.Sizes)} (got '{Size}').");
        if (BatchSize is < 1 or > 1024) throw TesseraException.Validation($"batch size (--batch-size) must be from 1 to 1024 (got {BatchSize}).");
        if (CheckpointEvery is < 1 or > 1_000_000) throw TesseraException.Validation($"checkpoint interval (--checkpoint-every) must be from 1 to 1000000 (got {CheckpointEvery}).");
        if (Limit is < 1) throw TesseraException.Validation($"limit (--limit) must be at least 1 (got {Limit}); leave it out to embed every image.");
        return this;
    }
}
