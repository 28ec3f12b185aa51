using Microsoft.Extensions.Logging;

namespace Tessera.Traces;

/// <summary>What Traces logs, source-generated; event ids 5001–5099 belong to Traces ingestion.</summary>
internal static partial class TracesLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Source {SourceId}: stored {Records} record(s) from {Files} file(s); {Skipped} skipped.")]
    public static partial void BatchStored(ILogger logger, Guid sourceId, int records, int files, int skipped);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Source {SourceId}: record at {File} line {Line} was not embedded and is skipped: {Reason}")]
    public static partial void RecordSkipped(ILogger logger, Guid sourceId, string file, int line, string reason);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Source {SourceId}: could not read {File}: {Reason}")]
    public static partial void FileFailed(ILogger logger, Guid sourceId, string file, string reason);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Error, Message = "Source {SourceId}: discovery failed; the watcher tries again on the next poll.")]
    public static partial void DiscoveryFailed(ILogger logger, Guid sourceId, Exception exception);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Information, Message = "Traces watcher started: {Sources} enabled source(s).")]
    public static partial void WatcherStarted(ILogger logger, int sources);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Error, Message = "The watcher could not read its sources; it goes on with those it has and reads them again later.")]
    public static partial void SourcesUnreadable(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Warning, Message = "Source {SourceId}: file events unavailable for {Path}; polling only: {Reason}")]
    public static partial void EventsUnavailable(ILogger logger, Guid sourceId, string path, string reason);
}
