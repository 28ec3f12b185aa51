namespace Tessera.Traces.Parquet;

/// <summary>
/// Replaces a file all at once: the new content is written to a temporary file beside it, flushed to disk, then
/// renamed over the old one. A failure before the rename deletes the temporary file and leaves the old file as it was.
/// </summary>
internal static class AtomicFile
{
    /// <param name="path">The file to replace.</param>
    /// <param name="startFromCurrent">Start the temporary file as a copy of the current one (to append to it).</param>
    /// <param name="write">Writes the new content into the (readable, seekable) temporary file.</param>
    /// <param name="cancellationToken">Cancels the write; the old file stays.</param>
    public static async Task ReplaceAsync(string path, bool startFromCurrent, Func<FileStream, Task> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            if (startFromCurrent) File.Copy(path, temporary);
            await using (var stream = new FileStream(temporary, startFromCurrent ? FileMode.Open : FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, useAsync: true))
            {
                await write(stream).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
