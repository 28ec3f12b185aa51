using System.IO.Compression;

namespace Tessera.Guides.Exports;

/// <summary>
/// Zip entries written the same way every time: every timestamp 1980-01-01 (the earliest a zip can hold), so the same
/// entries in the same order give the same bytes.
/// </summary>
internal static class StableZip
{
    public static readonly DateTimeOffset Epoch = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static Task AddAsync(ZipArchive zip, string name, byte[] content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        return AddAsync(zip, name, new MemoryStream(content, writable: false), cancellationToken);
    }

    public static async Task AddAsync(ZipArchive zip, string name, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(zip);
        ArgumentNullException.ThrowIfNull(content);
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        entry.LastWriteTime = Epoch;
        await using var stream = entry.Open();
        await content.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The zip <paramref name="package"/> again with its entries in ordinal name order and the fixed timestamp: for a
    /// package a library wrote with the clock's time on each entry and in an order of its own.
    /// </summary>
    public static byte[] Repack(byte[] package)
    {
        using var source = new ZipArchive(new MemoryStream(package), ZipArchiveMode.Read);
        using var target = new MemoryStream();
        using (var zip = new ZipArchive(target, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries.OrderBy(e => e.FullName, StringComparer.Ordinal))
            {
                var copy = zip.CreateEntry(entry.FullName, CompressionLevel.Optimal);
                copy.LastWriteTime = Epoch;
                using var from = entry.Open();
                using var to = copy.Open();
                from.CopyTo(to);
            }
        }
        return target.ToArray();
    }
}
