using System.Buffers;
using System.Text.Json;

namespace Tessera.Traces.Formats;

/// <summary>Receives the lines <see cref="JsonLines"/> finds, in order; the span is only valid during the call.</summary>
internal interface IJsonLineSink
{
    /// <summary>A non-blank line (without its '\n', a trailing '\r' or the file's BOM).</summary>
    void OnLine(int line, ReadOnlyMemory<byte> bytes);

    /// <summary>A line longer than the cap, skipped without being buffered whole.</summary>
    void OnOverlong(int line, long length);
}

/// <summary>
/// How far <see cref="JsonLines.ReadAsync"/> got: the bytes and lines it consumed, and whether an unfinished line
/// (anything but blanks) was left after them.
/// </summary>
internal readonly record struct JsonLinesExtent(long BytesConsumed, int LinesConsumed, bool PartialLineLeft);

/// <summary>
/// Streams a JSON Lines file up to its last complete line, so a file still being written is never read half-way.
/// A line is complete when it ends in '\n'; an unterminated last line counts too when it is a whole JSON object (a
/// strict prefix of an object text never is one, so a writer that omits the final newline still finishes its run).
/// Memory stays bounded by the line cap: a longer line is skipped in pieces and reported.
/// </summary>
internal static class JsonLines
{
    /// <summary>The default cap on one line: far above any real log entry, low enough that one bad line can't exhaust memory.</summary>
    public const int DefaultMaxLineBytes = 16 * 1024 * 1024;

    private const int ChunkBytes = 64 * 1024;

    public static async Task<JsonLinesExtent> ReadAsync(Stream content, IJsonLineSink sink, int maxLineBytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 1);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            var state = new ScanState();
            var filled = 0;
            while (true)
            {
                if (filled == buffer.Length) buffer = Grow(buffer, filled);
                var read = await content.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                var used = Scan(buffer, filled + read, state, sink, maxLineBytes, endOfContent: read == 0);
                filled += read;
                Buffer.BlockCopy(buffer, used, buffer, 0, filled - used);
                filled -= used;
                if (read == 0) break;
            }
            var partialLineLeft = !FinishUnterminated(buffer.AsMemory(0, filled), state, sink);
            return new JsonLinesExtent(state.BytesConsumed, state.LinesConsumed, partialLineLeft);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Hands out every complete line in <paramref name="buffer"/>[0..filled) and returns how many bytes it used up.</summary>
    private static int Scan(byte[] buffer, int filled, ScanState state, IJsonLineSink sink, int maxLineBytes, bool endOfContent)
    {
        var start = 0;
        if (state.AtFileStart && (filled >= 3 || endOfContent))
        {
            state.AtFileStart = false;
            if (buffer.AsSpan(0, filled).StartsWith("\uFEFF"u8))
            {
                start = 3;
                state.PendingBytes = 3;
            }
        }
        else if (state.AtFileStart)
        {
            return 0; // too few bytes yet to tell whether a BOM starts the file
        }

        while (start < filled)
        {
            var newline = buffer.AsSpan(start, filled - start).IndexOf((byte)'\n');
            if (newline < 0)
            {
                if (state.SkippedBytes > 0 || filled - start > maxLineBytes)
                {
                    // An overlong line: drop what we have of it and keep counting until its newline.
                    state.SkippedBytes += filled - start;
                    state.PendingBytes += filled - start;
                    return filled;
                }
                return start;
            }

            var lineNumber = state.LinesConsumed + 1;
            var length = newline;
            if (state.SkippedBytes > 0 || length > maxLineBytes)
            {
                sink.OnOverlong(lineNumber, state.SkippedBytes + length + 1);
            }
            else
            {
                Deliver(buffer.AsMemory(start, length), lineNumber, sink);
            }
            state.SkippedBytes = 0;
            state.LinesConsumed++;
            state.BytesConsumed += state.PendingBytes + newline + 1;
            state.PendingBytes = 0;
            start += newline + 1;
        }
        return start;
    }

    /// <summary>Takes the unterminated tail as the last line when it is a whole object; false when an unfinished line is left.</summary>
    private static bool FinishUnterminated(ReadOnlyMemory<byte> tail, ScanState state, IJsonLineSink sink)
    {
        if (state.SkippedBytes > 0) return false; // an overlong line still being written
        var line = TrimCarriageReturn(tail);
        if (line.Span.Trim(" \t\r"u8).IsEmpty) return true;
        if (!IsWholeObject(line.Span)) return false;
        Deliver(line, state.LinesConsumed + 1, sink);
        state.LinesConsumed++;
        state.BytesConsumed += state.PendingBytes + tail.Length;
        return true;
    }

    private static void Deliver(ReadOnlyMemory<byte> line, int lineNumber, IJsonLineSink sink)
    {
        line = TrimCarriageReturn(line);
        if (line.Span.Trim(" \t\r"u8).IsEmpty) return;
        sink.OnLine(lineNumber, line);
    }

    private static ReadOnlyMemory<byte> TrimCarriageReturn(ReadOnlyMemory<byte> line) =>
        line.Span.EndsWith("\r"u8) ? line[..^1] : line;

    private static bool IsWholeObject(ReadOnlySpan<byte> line)
    {
        var trimmed = line.Trim(" \t\r"u8);
        if (trimmed.IsEmpty || trimmed[0] != (byte)'{') return false;
        try
        {
            var reader = new Utf8JsonReader(trimmed, isFinalBlock: true, state: default);
            return reader.Read() && reader.TrySkip() && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static byte[] Grow(byte[] buffer, int filled)
    {
        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
        Buffer.BlockCopy(buffer, 0, larger, 0, filled);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }

    private sealed class ScanState
    {
        public bool AtFileStart = true;
        public long BytesConsumed;
        public int LinesConsumed;

        /// <summary>Bytes already taken out of the buffer (a BOM, pieces of an overlong line) but not yet consumed.</summary>
        public long PendingBytes;

        /// <summary>Bytes of the current overlong line dropped so far; 0 when not inside one.</summary>
        public long SkippedBytes;
    }
}
