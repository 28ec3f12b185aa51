using Microsoft.Extensions.Logging;

namespace Tessera.Cards;

/// <summary>
/// What Cards logs, source-generated; event ids 4001–4099 belong to Cards. Failures are Information: the import or
/// download report carries them to the caller (a CLI line, a job result), and the CLI shows warnings on the console,
/// where a line per failed image would interleave with the summary and its JSON.
/// </summary>
internal static partial class CardsLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Catalog import {ImportId} from {Source}: {Cards} card(s); {Added} added, {Changed} changed, {Removed} removed, {Invalid} invalid.")]
    public static partial void Imported(ILogger logger, Guid importId, string source, int cards, int added, int changed, int removed, int invalid);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Catalog import {ImportId} from {Source} failed: {Reason}")]
    public static partial void ImportFailed(ILogger logger, Guid importId, string source, string reason);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Image {Url} failed after {Attempts} attempt(s): {Reason}")]
    public static partial void ImageFailed(ILogger logger, string url, int attempts, string reason);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Download finished: {Downloaded} downloaded, {Skipped} skipped, {Failed} failed of {Total}.")]
    public static partial void DownloadFinished(ILogger logger, long downloaded, long skipped, long failed, long total);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "{Reason}")]
    public static partial void ClassicalFallback(ILogger logger, string reason);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "Resuming an embedding checkpoint: {Difference}.")]
    public static partial void CheckpointDiffers(ILogger logger, string difference);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Information, Message = "Index {Partition} built with M={M}, efConstruction={EfConstruction}: {Count} vector(s) in {Seconds:0.0} s.")]
    public static partial void IndexBuilt(ILogger logger, string partition, int m, int efConstruction, int count, double seconds);
}
