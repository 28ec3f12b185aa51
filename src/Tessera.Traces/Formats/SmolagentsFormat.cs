using System.Globalization;
using System.Text.Json;

namespace Tessera.Traces.Formats;

/// <summary>
/// smolagents multi-agent logs: a run's <c>runs/&lt;id&gt;/messages.jsonl</c> (one message per line) and the
/// <c>output/*.jsonl</c> result files (one question/answer task per line). The file's name says which it is.
/// </summary>
internal sealed class SmolagentsFormat(int maxLineBytes = JsonLines.DefaultMaxLineBytes) : ITraceFormat
{
    public const string FormatName = "smolagents";
    public const string MessagesFileName = "messages.jsonl";

    public string Name => FormatName;

    public bool Claims(string relativePath) => IsMessages(relativePath) || IsOutput(relativePath);

    public async Task<TraceFileRead> ReadAsync(Stream content, string relativePath, CancellationToken cancellationToken)
    {
        if (IsMessages(relativePath))
        {
            var messages = new MessagesSink(maxLineBytes);
            var extent = await messages.ReadAsync(content, cancellationToken).ConfigureAwait(false);
            return new TraceFileRead(messages.Entries, messages.Problems, messages.HasFinalAnswer, extent.BytesConsumed, extent.LinesConsumed);
        }
        var tasks = new OutputSink(maxLineBytes);
        var read = await tasks.ReadAsync(content, cancellationToken).ConfigureAwait(false);
        // Tasks are appended one line at a time as each finishes; a file is complete once it has one and no line is
        // left half-written. The watcher's debounce (size and mtime stable) decides when it has stopped growing, and a
        // file that grows later is re-read, adding only the new tasks.
        var complete = tasks.Entries.Count > 0 && !read.PartialLineLeft;
        return new TraceFileRead(tasks.Entries, tasks.Problems, complete, read.BytesConsumed, read.LinesConsumed);
    }

    private static bool IsMessages(string relativePath) =>
        FileName(relativePath).Equals(MessagesFileName, StringComparison.OrdinalIgnoreCase);

    private static bool IsOutput(string relativePath)
    {
        var segments = relativePath.Split('/');
        return segments.Length >= 2 && segments[^2].Equals("output", StringComparison.OrdinalIgnoreCase)
            && segments[^1].EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase);
    }

    private static string FileName(string relativePath) => relativePath[(relativePath.LastIndexOf('/') + 1)..];

    /// <summary>
    /// A message per record. A <c>poll</c> opens a new iteration (a round of deliberation); the task and the messages
    /// before the first poll are iteration 0; idx_in_iteration counts the messages within the round.
    /// </summary>
    private sealed class MessagesSink(int maxLineBytes) : JsonObjectLines(maxLineBytes)
    {
        private int _iteration;
        private int _nextIdx;

        public bool HasFinalAnswer { get; private set; }

        protected override void OnObject(int line, JsonElement root)
        {
            if (!root.TryGetProperty("type", out var typeValue) || typeValue.ValueKind != JsonValueKind.String || JsonText.Of(typeValue) is not { } type)
            {
                Skip(line, "'type' is missing or not a string");
                return;
            }
            if (type == "poll" && (_iteration > 0 || _nextIdx > 0))
            {
                _iteration++;
                _nextIdx = 0;
            }
            if (type == "final_answer") HasFinalAnswer = true;
            var content = root.TryGetProperty("content", out var value) ? value : default;
            if (TextOf(type, content) is not { } text)
            {
                Skip(line, $"the {type} message has no content");
                return;
            }
            Entries.Add(new TraceEntry(line, _iteration, _nextIdx++, type, text, JsonText.Timestamp(root, "timestamp")));
        }

        private static string? TextOf(string type, JsonElement content) => type switch
        {
            "poll" => Joined(JsonText.Property(content, "question"), JsonText.Property(content, "proposal")) ?? JsonText.Of(content),
            "vote" => VoteText(content) ?? JsonText.Of(content),
            "final_answer" => JsonText.Property(content, "answer") ?? JsonText.Of(content),
            _ => JsonText.Of(content),
        };

        /// <summary>"YES (confidence 0.9): rationale".</summary>
        private static string? VoteText(JsonElement content)
        {
            if (JsonText.Property(content, "vote") is not { } vote) return null;
            var confidence = content.ValueKind == JsonValueKind.Object && content.TryGetProperty("confidence", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetDouble(out var value)
                ? string.Create(CultureInfo.InvariantCulture, $" (confidence {value})")
                : "";
            return JsonText.Property(content, "rationale") is { } rationale ? $"{vote}{confidence}: {rationale}" : vote + confidence;
        }

        private static string? Joined(string? first, string? second) =>
            first is null ? second : second is null ? first : first + "\n" + second;
    }

    /// <summary>A task per record: iteration is the task's 0-based line index, idx_in_iteration is 0.</summary>
    private sealed class OutputSink(int maxLineBytes) : JsonObjectLines(maxLineBytes)
    {
        public const string TaskType = "task_result";

        protected override void OnObject(int line, JsonElement root)
        {
            if (JsonText.Property(root, "question") is not { } question)
            {
                Skip(line, "'question' is missing or empty");
                return;
            }
            var answer = JsonText.Property(root, "answer") ?? "(no answer)";
            Entries.Add(new TraceEntry(line, line - 1, 0, TaskType, $"Question: {question}\nAnswer: {answer}", JsonText.Timestamp(root, "start_time")));
        }
    }
}
