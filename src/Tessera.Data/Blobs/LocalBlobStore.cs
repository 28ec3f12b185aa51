using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Tessera.Core;
using Tessera.Core.Blobs;
using Tessera.Core.Errors;

namespace Tessera.Data.Blobs;

/// <summary>
/// Blobs as files under <c>root/objects/ab/cd/abcd…</c>, named by their SHA-256. A write streams into
/// <c>root/tmp</c> while hashing, is flushed to disk, then renamed into place, so a writer killed mid-write
/// leaves nothing visible, and a large upload is never held in memory. Folders are 0700 and files 0600.
/// </summary>
public sealed partial class LocalBlobStore : IBlobStore
{
    // Temporary files this old belong to writers that died; younger ones may be another process's live write.
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromHours(24);
    private const int BufferSize = 1 << 16;

    private readonly string _objects;
    private readonly string _temp;
    private readonly TimeProvider _time;

    public LocalBlobStore(string root, long maxBlobBytes, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBlobBytes);
        ArgumentNullException.ThrowIfNull(time);
        Root = Path.GetFullPath(root);
        MaxBlobBytes = maxBlobBytes;
        _time = time;
        _objects = Path.Combine(Root, "objects");
        _temp = Path.Combine(Root, "tmp");
        PrivateFiles.CreateDirectory(_objects);
        PrivateFiles.CreateDirectory(_temp);
        RemoveAbandonedTemporaryFiles();
    }

    public string Root { get; }
    public long MaxBlobBytes { get; }

    public async Task<BlobRef> PutAsync(Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var temp = Path.Combine(_temp, $"{Guid.NewGuid():N}.part");
        try
        {
            string sha256;
            long size = 0;
            await using (var file = new FileStream(temp, PrivateFiles.CreateNew(BufferSize, FileOptions.Asynchronous)))
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = new byte[BufferSize];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    size += read;
                    if (size > MaxBlobBytes) throw TooLarge();
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
                sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            var final = PathFor(sha256);
            PrivateFiles.CreateDirectory(Path.GetDirectoryName(final)!);
            try
            {
                File.Move(temp, final, overwrite: false);
            }
            catch (IOException) when (File.Exists(final))
            {
                // The same content is already stored (or was just stored by a concurrent writer): keep one copy, and
                // make it young again so the sweeper's grace period covers this writer until it records a reference.
                File.Delete(temp);
                File.SetLastWriteTimeUtc(final, _time.GetUtcNow().UtcDateTime);
            }
            return new BlobRef(sha256, size);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public Task<Stream> OpenReadAsync(string sha256, CancellationToken cancellationToken = default)
    {
        var path = PathFor(sha256);
        try
        {
            Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferSize,
                FileOptions.Asynchronous | FileOptions.SequentialScan);
            return Task.FromResult(stream);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw TesseraException.NotFound("blob");
        }
    }

    public Task<bool> ExistsAsync(string sha256, CancellationToken cancellationToken = default) =>
        Task.FromResult(File.Exists(PathFor(sha256)));

    public async IAsyncEnumerable<StoredBlob> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var path in Directory.EnumerateFiles(_objects, "*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = Path.GetFileName(path);
            if (!ContentAddress().IsMatch(name)) continue;
            var written = File.GetLastWriteTimeUtc(path);
            // A file deleted meanwhile reads as written in 1601; it is gone either way.
            if (written.Year > 1601) yield return new StoredBlob(name, new DateTimeOffset(written, TimeSpan.Zero));
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    public Task<bool> DeleteAsync(string sha256, CancellationToken cancellationToken = default)
    {
        var path = PathFor(sha256);
        if (!File.Exists(path)) return Task.FromResult(false);
        File.Delete(path);
        return Task.FromResult(true);
    }

    /// <summary>Maps a content address to its file, rejecting anything that is not 64 hex digits (so no traversal).</summary>
    public string PathFor(string sha256)
    {
        if (sha256 is null || !ContentAddress().IsMatch(sha256))
            throw TesseraException.Validation("A blob key must be a SHA-256 digest: 64 lower-case hexadecimal characters.");
        return Path.Combine(_objects, sha256[..2], sha256[2..4], sha256);
    }

    private TesseraException TooLarge()
    {
        var error = new TesseraException(ErrorCodes.PayloadTooLarge, 413, $"The content exceeds the blob size limit of {MaxBlobBytes} bytes (setting blobs:max_bytes).");
        error.Extensions["limit"] = "blobs:max_bytes";
        error.Extensions["limit_bytes"] = MaxBlobBytes;
        return error;
    }

    private void RemoveAbandonedTemporaryFiles()
    {
        foreach (var file in Directory.EnumerateFiles(_temp, "*.part"))
        {
            if (_time.GetUtcNow().UtcDateTime - File.GetLastWriteTimeUtc(file) > AbandonedAfter) TryDelete(file);
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    // \A…\z: "$" would also match before a trailing line break.
    [GeneratedRegex(@"\A[0-9a-f]{64}\z")]
    private static partial Regex ContentAddress();
}
