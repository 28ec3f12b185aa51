using Tessera.Traces.Formats;

namespace Tessera.Traces.Ingest;

/// <summary>The adapter that reads a file of a source: the format the source names (for every file its glob matches), or with <c>auto</c> the first that claims the path.</summary>
internal sealed class TraceFormatChoice(IEnumerable<ITraceFormat> formats)
{
    private readonly IReadOnlyList<ITraceFormat> all = formats.ToList();

    public ITraceFormat? For(string format, string relativePath) => format == "auto"
        ? all.FirstOrDefault(f => f.Claims(relativePath))
        : all.FirstOrDefault(f => f.Name == format);
}
