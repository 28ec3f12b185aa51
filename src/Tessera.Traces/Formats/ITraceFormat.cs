namespace Tessera.Traces.Formats;

/// <summary>
/// A log format: which files are its own and how their entries become records. Adapters are stateless and
/// thread-safe; the whole file is read each time (a grown file is re-read and only new record ids are added).
/// </summary>
internal interface ITraceFormat
{
    /// <summary>The name sources and the CLI use: <c>seed</c>, <c>smolagents</c>, <c>swe-agent</c>.</summary>
    string Name { get; }

    /// <summary>Whether a file at <paramref name="relativePath"/> (relative to the source's folder, '/'-separated) belongs to this format, for <c>--format auto</c>.</summary>
    bool Claims(string relativePath);

    /// <summary>Reads <paramref name="content"/> up to its last complete line; never throws for bad content (it becomes problems).</summary>
    Task<TraceFileRead> ReadAsync(Stream content, string relativePath, CancellationToken cancellationToken);
}
