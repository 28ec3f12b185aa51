using System.Security.Cryptography;
using Tessera.Core.Errors;
using Tessera.Core.Hashing;
using Tessera.Data.Blobs;
using Tessera.Testing;

namespace Tessera.Data.Tests;

public class LocalBlobStoreTests
{
    [Fact]
    public async Task Put_streams_content_under_its_sha256_and_reads_back_identically()
    {
        using var dir = new TempDirectory();
        var store = new LocalBlobStore(dir.Path, 10 << 20, TimeProvider.System);
        var content = RandomNumberGenerator.GetBytes(3 << 20);

        var blob = await store.PutAsync(new MemoryStream(content));

        Assert.Equal(Sha256Hex.Of(content), blob.Sha256);
        Assert.Equal(content.Length, blob.Size);
        Assert.True(await store.ExistsAsync(blob.Sha256));
        await using var read = await store.OpenReadAsync(blob.Sha256);
        using var copy = new MemoryStream();
        await read.CopyToAsync(copy);
        Assert.Equal(content, copy.ToArray());
    }

    [Fact]
    public async Task Storing_the_same_bytes_twice_keeps_one_copy()
    {
        using var dir = new TempDirectory();
        var store = new LocalBlobStore(dir.Path, 1 << 20, TimeProvider.System);
        var a = await store.PutAsync(new MemoryStream("same"u8.ToArray()));
        var b = await store.PutAsync(new MemoryStream("same"u8.ToArray()));
        Assert.Equal(a, b);
        Assert.Single(Directory.GetFiles(Path.Combine(dir.Path, "objects"), "*", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(Path.Combine(dir.Path, "tmp")));
    }

    [Fact]
    public async Task Content_over_the_limit_is_refused_and_leaves_nothing_behind()
    {
        using var dir = new TempDirectory();
        var store = new LocalBlobStore(dir.Path, 1000, TimeProvider.System);
        var error = await Assert.ThrowsAsync<TesseraException>(() => store.PutAsync(new MemoryStream(new byte[1001])));
        Assert.Equal(ErrorCodes.PayloadTooLarge, error.Code);
        Assert.Equal(413, error.Status);
        Assert.Equal("blobs:max_bytes", error.Extensions["limit"]);
        Assert.Empty(Directory.GetFiles(dir.Path, "*", SearchOption.AllDirectories));
        var exact = await store.PutAsync(new MemoryStream(new byte[1000]));
        Assert.Equal(1000, exact.Size);
    }

    [Theory]
    [InlineData("../../../etc/passwd")]
    [InlineData("..")]
    [InlineData("/etc/passwd")]
    [InlineData("ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789")]
    [InlineData("abcdef0123456789abcdef0123456789abcdef0123456789abcdef012345678")]
    [InlineData("abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789/../x")]
    [InlineData("")]
    [InlineData("abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789\n")]
    public async Task Keys_that_are_not_a_sha256_are_rejected_so_no_path_escapes_the_store(string key)
    {
        using var dir = new TempDirectory();
        var store = new LocalBlobStore(dir.Path, 1000, TimeProvider.System);
        Assert.Equal(ErrorCodes.ValidationFailed, (await Assert.ThrowsAsync<TesseraException>(() => store.OpenReadAsync(key))).Code);
        Assert.Equal(ErrorCodes.ValidationFailed, (await Assert.ThrowsAsync<TesseraException>(() => store.DeleteAsync(key))).Code);
        Assert.Equal(ErrorCodes.ValidationFailed, (await Assert.ThrowsAsync<TesseraException>(() => store.ExistsAsync(key))).Code);
    }

    [Fact]
    public async Task Delete_removes_a_blob_and_a_missing_blob_reads_as_not_found()
    {
        using var dir = new TempDirectory();
        var store = new LocalBlobStore(dir.Path, 1000, TimeProvider.System);
        var blob = await store.PutAsync(new MemoryStream("x"u8.ToArray()));
        Assert.True(await store.DeleteAsync(blob.Sha256));
        Assert.False(await store.DeleteAsync(blob.Sha256));
        var error = await Assert.ThrowsAsync<TesseraException>(() => store.OpenReadAsync(blob.Sha256));
        Assert.Equal(ErrorCodes.ResourceNotFound, error.Code);
    }

    [Fact]
    public async Task A_cancelled_write_leaves_nothing_visible()
    {
        using var dir = new TempDirectory();
        var store = new LocalBlobStore(dir.Path, 10 << 20, TimeProvider.System);
        using var cts = new CancellationTokenSource();
        var source = new CancellingStream(RandomNumberGenerator.GetBytes(1 << 20), cts, cancelAfter: 200_000);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.PutAsync(source, cts.Token));
        Assert.Empty(Directory.GetFiles(dir.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Temporary_files_older_than_a_day_by_the_injected_clock_are_removed_at_start_and_younger_ones_kept()
    {
        using var dir = new TempDirectory();
        var clock = new ManualTimeProvider();
        var temp = Path.Combine(dir.Path, "tmp");
        Directory.CreateDirectory(temp);
        var abandoned = Path.Combine(temp, "abandoned.part");
        var live = Path.Combine(temp, "live.part");
        File.WriteAllText(abandoned, "a");
        File.WriteAllText(live, "b");
        File.SetLastWriteTimeUtc(abandoned, (clock.GetUtcNow() - TimeSpan.FromHours(25)).UtcDateTime);
        File.SetLastWriteTimeUtc(live, (clock.GetUtcNow() - TimeSpan.FromHours(1)).UtcDateTime);

        _ = new LocalBlobStore(dir.Path, 1000, clock);

        Assert.False(File.Exists(abandoned));
        Assert.True(File.Exists(live));
    }

    [Fact]
    public async Task Storing_existing_content_again_dates_it_by_the_injected_clock()
    {
        using var dir = new TempDirectory();
        var clock = new ManualTimeProvider();
        var store = new LocalBlobStore(dir.Path, 1000, clock);
        var blob = await store.PutAsync(new MemoryStream("same"u8.ToArray()));
        clock.Advance(TimeSpan.FromHours(3));

        await store.PutAsync(new MemoryStream("same"u8.ToArray()));

        var stored = Assert.Single(await store.ListAsync().ToListAsync());
        Assert.Equal(blob.Sha256, stored.Sha256);
        Assert.Equal(clock.GetUtcNow(), stored.LastWritten);
    }

    /// <summary>Cancels its token once a given number of bytes has been read.</summary>
    private sealed class CancellingStream(byte[] data, CancellationTokenSource cts, int cancelAfter) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Position >= cancelAfter) cts.Cancel();
            cancellationToken.ThrowIfCancellationRequested();
            return base.ReadAsync(buffer[..Math.Min(buffer.Length, 65536)], cancellationToken);
        }
    }
}
