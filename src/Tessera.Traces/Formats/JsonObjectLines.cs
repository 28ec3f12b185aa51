using System.Text.Json;

namespace Tessera.Traces.Formats;

/// <summary>
/// The common half of a JSON Lines adapter: parses each line, reports a line that is not a JSON object (or is over
/// the cap) as a problem, and hands each object to the format's own mapping.
/// </summary>
internal abstract class JsonObjectLines(int maxLineBytes) : IJsonLineSink
{
    public List<TraceEntry> Entries { get; } = [];
    public List<TraceProblem> Problems { get; } = [];

    /// <summary>Reads <paramref name="content"/> into this sink.</summary>
    public Task<JsonLinesExtent> ReadAsync(Stream content, CancellationToken cancellationToken) =>
        JsonLines.ReadAsync(content, this, maxLineBytes, cancellationToken);

    public void OnOverlong(int line, long length)
    {
        Problems.Add(TraceProblems.Overlong(line, length, maxLineBytes));
        OnUnreadable();
    }

    public void OnLine(int line, ReadOnlyMemory<byte> bytes)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            Problems.Add(new TraceProblem(line, JsonText.Describe(e)));
            OnUnreadable();
            return;
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                Problems.Add(new TraceProblem(line, $"expected a JSON object, found {document.RootElement.ValueKind.ToString().ToLowerInvariant()}"));
                OnUnreadable();
                return;
            }
            OnObject(line, document.RootElement);
        }
    }

    /// <summary>One line's object; valid only during the call.</summary>
    protected abstract void OnObject(int line, JsonElement root);

    /// <summary>A line that could not be read as an object.</summary>
    protected virtual void OnUnreadable()
    {
    }

    protected void Skip(int line, string reason) => Problems.Add(new TraceProblem(line, reason));
}
