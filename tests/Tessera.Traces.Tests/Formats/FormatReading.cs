using System.Text;
using Tessera.Traces.Formats;

namespace Tessera.Traces.Tests.Formats;

/// <summary>Reads bytes or a file through an adapter the way ingestion does.</summary>
internal static class FormatReading
{
    public static async Task<TraceFileRead> ReadAsync(ITraceFormat format, string content, string relativePath = "runs/a.jsonl") =>
        await ReadAsync(format, Encoding.UTF8.GetBytes(content), relativePath);

    public static async Task<TraceFileRead> ReadAsync(ITraceFormat format, byte[] content, string relativePath = "runs/a.jsonl")
    {
        // A stream that hands out few bytes per read, so lines cross buffer boundaries as they do on disk.
        await using var stream = new TrickleStream(content, 7);
        return await format.ReadAsync(stream, relativePath, CancellationToken.None);
    }

    public static async Task<TraceFileRead> ReadFileAsync(ITraceFormat format, string root, string path)
    {
        await using var stream = File.OpenRead(path);
        return await format.ReadAsync(stream, Path.GetRelativePath(root, path).Replace('\\', '/'), CancellationToken.None);
    }

    private sealed class TrickleStream(byte[] content, int maxRead) : MemoryStream(content, writable: false)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, maxRead)], cancellationToken);
    }
}
