using Microsoft.Extensions.Logging;
using Tessera.Vectors.Hnsw;

namespace Tessera.Vectors.Management;

internal static partial class VectorIndexManagerLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Index {Collection}: built {Count} vectors in {Seconds:F1} s and swapped it in.")]
    public static partial void Swapped(ILogger logger, string collection, int count, double seconds);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Error, Message = "Index {Collection}: rebuild failed; the last good index keeps serving.")]
    public static partial void RebuildFailed(ILogger logger, string collection, Exception exception);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Index {Collection}: loaded {Count} vectors from {Path}.")]
    public static partial void Loaded(ILogger logger, string collection, int count, string path);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Error, Message = "Index {Collection}: the snapshot {Path} could not be loaded.")]
    public static partial void LoadFailed(ILogger logger, string collection, string path, Exception exception);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Information, Message = "Index {Collection}: added {Added} new vectors in {Seconds:F1} s; it holds {Count}.")]
    public static partial void Extended(ILogger logger, string collection, int added, int count, double seconds);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Warning, Message = "Index {Collection}: the saved snapshot could not be published to other nodes.")]
    public static partial void PublishFailed(ILogger logger, string collection, Exception exception);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Information, Message = "Index {Collection}: the snapshot was built with quantization {Stored}, the collection is now set to {Configured}; it serves until a rebuild with the new setting replaces it.")]
    public static partial void SettingsChanged(ILogger logger, string collection, VectorQuantization stored, VectorQuantization configured);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Warning, Message = "Index {Collection}: not adopting {Path}, built with quantization {Stored} where this node is set to {Configured}; this node's index keeps serving.")]
    public static partial void AdoptionSkipped(ILogger logger, string collection, string path, VectorQuantization stored, VectorQuantization configured);
}
