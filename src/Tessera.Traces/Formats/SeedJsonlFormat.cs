using System.Text.Json;

namespace Tessera.Traces.Formats;

/// <summary>
/// The seed's JSONL: one object per line with <c>iteration</c>, <c>idx_in_iteration</c>, <c>type</c>, optional
/// <c>timestamp</c>, and the entry's text (see docs/traces-formats.md for the mapping). A run is complete when its
/// last non-empty line has a non-null <c>final_answer</c>.
/// </summary>
internal sealed class SeedJsonlFormat(int maxLineBytes = JsonLines.DefaultMaxLineBytes) : ITraceFormat
{
    public const string FormatName = "seed";

    // Bookkeeping fields, never part of an entry's text.
    private static readonly HashSet<string> BookkeepingFields = ["iteration", "idx_in_iteration", "type", "timestamp", "id", "filename"];

    public string Name => FormatName;

    public bool Claims(string relativePath) => relativePath.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase);

    public async Task<TraceFileRead> ReadAsync(Stream content, string relativePath, CancellationToken cancellationToken)
    {
        var sink = new Sink(maxLineBytes);
        var extent = await sink.ReadAsync(content, cancellationToken).ConfigureAwait(false);
        return new TraceFileRead(sink.Entries, sink.Problems, sink.LastLineIsFinal, extent.BytesConsumed, extent.LinesConsumed);
    }

    private sealed class Sink(int maxLineBytes) : JsonObjectLines(maxLineBytes)
    {
        private readonly Dictionary<(int, int), int> _firstLineOf = [];

        public bool LastLineIsFinal { get; private set; }

        protected override void OnUnreadable() => LastLineIsFinal = false;

        protected override void OnObject(int line, JsonElement root)
        {
            LastLineIsFinal = root.TryGetProperty("final_answer", out var answer) && answer.ValueKind != JsonValueKind.Null;
            if (!JsonText.TryNonNegativeInt(root, "iteration", out var iteration))
                Skip(line, "'iteration' is missing or not a non-negative integer");
            else if (!JsonText.TryNonNegativeInt(root, "idx_in_iteration", out var idx))
                Skip(line, "'idx_in_iteration' is missing or not a non-negative integer");
            else if (!root.TryGetProperty("type", out var typeValue) || typeValue.ValueKind != JsonValueKind.String || JsonText.Of(typeValue) is not { } type)
                Skip(line, "'type' is missing or not a string");
            else if (TextOf(root, type) is not { } text)
                Skip(line, $"the {type} entry has no text");
            else if (!_firstLineOf.TryAdd((iteration, idx), line))
                Skip(line, $"iteration {iteration}, idx_in_iteration {idx} already appeared on line {_firstLineOf[(iteration, idx)]}");
            else
                Entries.Add(new TraceEntry(line, iteration, idx, type, text, JsonText.Timestamp(root, "timestamp")));
        }

        /// <summary><c>text</c>; else the field named after the type (<c>thought</c>, <c>action</c>, <c>observation</c>, <c>final_answer</c>…); else <c>content</c>; else the other fields as JSON.</summary>
        private static string? TextOf(JsonElement root, string type) =>
            JsonText.Property(root, "text") ?? JsonText.Property(root, type) ?? JsonText.Property(root, "content") ?? OtherFields(root);

        private static string? OtherFields(JsonElement root)
        {
            var others = root.EnumerateObject().Where(p => !BookkeepingFields.Contains(p.Name) && p.Value.ValueKind != JsonValueKind.Null).ToList();
            if (others.Count == 0) return null;
            return "{" + string.Join(",", others.Select(p => JsonSerializer.Serialize(p.Name) + ":" + p.Value.GetRawText())) + "}";
        }
    }
}
