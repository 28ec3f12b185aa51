using System.Buffers;
using System.Text.Json;

namespace Tessera.Traces.Formats;

/// <summary>
/// SWE-agent's <c>.traj</c>: one JSON document whose <c>trajectory</c> lists steps with <c>thought</c>,
/// <c>action</c> and <c>observation</c>. Each non-empty field is a record (iteration = the step's 0-based index,
/// idx_in_iteration = 0 thought, 1 action, 2 observation), and a non-empty <c>info.submission</c> is one more record
/// after the last step. The run is complete when <c>info</c> has a submission or an exit status; a document that is
/// cut short (still being written) is simply not complete yet.
/// </summary>
internal sealed class SweAgentFormat(long maxDocumentBytes = SweAgentFormat.DefaultMaxDocumentBytes) : ITraceFormat
{
    public const string FormatName = "swe-agent";

    /// <summary>A .traj is parsed whole, so its size is capped; real ones are well under a few MiB.</summary>
    public const long DefaultMaxDocumentBytes = 256L * 1024 * 1024;

    private static readonly (string Field, int Idx)[] StepFields = [("thought", 0), ("action", 1), ("observation", 2)];

    public string Name => FormatName;

    public bool Claims(string relativePath) => relativePath.EndsWith(".traj", StringComparison.OrdinalIgnoreCase);

    public async Task<TraceFileRead> ReadAsync(Stream content, string relativePath, CancellationToken cancellationToken)
    {
        if (content.CanSeek && content.Length - content.Position > maxDocumentBytes) return TooLarge(content.Length - content.Position);
        var (buffer, length) = await ReadCappedAsync(content, cancellationToken).ConfigureAwait(false);
        try
        {
            if (length > maxDocumentBytes) return TooLarge(length);
            return Parse(buffer.AsMemory(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static TraceFileRead Parse(ReadOnlyMemory<byte> document)
    {
        JsonDocument parsed;
        try
        {
            parsed = JsonDocument.Parse(document);
        }
        catch (JsonException e)
        {
            return IsCutShort(document.Span) ? NotYet() : NotYet(new TraceProblem(0, JsonText.Describe(e)));
        }
        using (parsed)
        {
            var root = parsed.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("trajectory", out var trajectory) || trajectory.ValueKind != JsonValueKind.Array)
                return NotYet(new TraceProblem(0, "not a SWE-agent trajectory: expected an object with a 'trajectory' array"));

            var entries = new List<TraceEntry>();
            var problems = new List<TraceProblem>();
            var step = 0;
            foreach (var item in trajectory.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object)
                    problems.Add(new TraceProblem(step + 1, $"step {step + 1} is not an object"));
                else
                    foreach (var (field, idx) in StepFields)
                        if (JsonText.Property(item, field) is { } text) entries.Add(new TraceEntry(step + 1, step, idx, field, text, null));
                step++;
            }

            var info = root.TryGetProperty("info", out var i) && i.ValueKind == JsonValueKind.Object ? i : default;
            var submission = JsonText.Property(info, "submission");
            if (submission is not null) entries.Add(new TraceEntry(step + 1, step, 0, "submission", submission, null));
            var complete = submission is not null || JsonText.Property(info, "exit_status") is not null;
            return new TraceFileRead(entries, problems, complete, document.Length, step);
        }
    }

    /// <summary>Whether the bytes are a valid start of a JSON document that has not ended yet.</summary>
    private static bool IsCutShort(ReadOnlySpan<byte> document)
    {
        var reader = new Utf8JsonReader(document, isFinalBlock: false, state: default);
        try
        {
            while (reader.Read())
            {
            }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private async Task<(byte[] Buffer, int Length)> ReadCappedAsync(Stream content, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > maxDocumentBytes) break;
                var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, Array.MaxLength));
                Buffer.BlockCopy(buffer, 0, larger, 0, length);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = larger;
            }
            var read = await content.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0) break;
            length += read;
        }
        return (buffer, length);
    }

    private TraceFileRead TooLarge(long length) =>
        NotYet(new TraceProblem(0, $"the document is {length} bytes, more than the {maxDocumentBytes}-byte cap on one .traj; not read"));

    private static TraceFileRead NotYet(params TraceProblem[] problems) => new([], problems, false, 0, 0);
}
