namespace Tessera.Core;

/// <summary>
/// Writes files so that readers see either the old content or the whole new content, never half:
/// the data goes to a temporary sibling, is flushed to disk, then renamed over the target. Files are created 0600
/// (see <see cref="PrivateFiles"/>): they hold index snapshots, tokens and exports of tenant data.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var temp = TempPathFor(path);
        try
        {
            using (var stream = new FileStream(temp, PrivateFiles.CreateNew(1 << 16)))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public static Task WriteAsync(string path, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken = default) =>
        ReplaceAsync(path, temp => new FileStream(temp, PrivateFiles.CreateNew(1 << 16, FileOptions.Asynchronous)), write, cancellationToken);

    /// <summary>
    /// Like <see cref="WriteAsync"/>, but the temporary file starts as a copy of <paramref name="path"/> and is readable
    /// and seekable, for formats that append by rewriting their footer (Parquet row groups). The old file stays whole until the rename.
    /// </summary>
    public static Task AppendAsync(string path, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken = default) =>
        ReplaceAsync(path, temp =>
        {
            File.Copy(path, temp);
            return new FileStream(temp, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1 << 16, useAsync: true);
        }, write, cancellationToken);

    private static async Task ReplaceAsync(string path, Func<string, FileStream> open, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        var temp = TempPathFor(path);
        try
        {
            await using (var stream = open(temp))
            {
                await write(stream, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public static void WriteAllText(string path, string content) =>
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            writer.Write(content);
        });

    /// <summary>A unique temporary name beside <paramref name="path"/>, so the final rename stays on one file system.</summary>
    public static string TempPathFor(string path)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no directory.", nameof(path));
        PrivateFiles.CreateDirectory(directory);
        return Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
