using System.Diagnostics;
using Tessera.Testing;

namespace Tessera.Cli.Tests;

public class BlobWriterCrashTests
{
    [Fact]
    public async Task A_writer_killed_mid_write_leaves_no_visible_blob()
    {
        using var dir = new TempDirectory();
        using var writer = Process.Start(CliProcess.StartInfo("blob", "put", "-", "--data-dir", dir.Path))!;
        var chunk = new byte[64 * 1024];
        Random.Shared.NextBytes(chunk);
        for (var i = 0; i < 32; i++) await writer.StandardInput.BaseStream.WriteAsync(chunk);
        await writer.StandardInput.BaseStream.FlushAsync();

        // Wait until the writer has bytes on disk, then kill it without warning.
        var temp = Path.Combine(dir.Path, "blobs", "tmp");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(Directory.Exists(temp) && Directory.GetFiles(temp).Any(f => new FileInfo(f).Length > 0)))
        {
            Assert.True(DateTime.UtcNow < deadline, "the writer never started writing");
            await Task.Delay(50);
        }
        writer.Kill(entireProcessTree: true);
        await writer.WaitForExitAsync();

        var objects = Path.Combine(dir.Path, "blobs", "objects");
        Assert.Empty(Directory.GetFiles(objects, "*", SearchOption.AllDirectories));

        // The store still works afterwards, and a complete write becomes visible.
        var file = Path.Combine(dir.Path, "input.bin");
        await File.WriteAllBytesAsync(file, chunk);
        var (code, output, _) = await CliProcess.RunAsync("blob", "put", file, "--data-dir", dir.Path);
        Assert.Equal(0, code);
        Assert.Equal($"{Tessera.Core.Hashing.Sha256Hex.Of(chunk)} {chunk.Length}", output.Trim());
        Assert.Single(Directory.GetFiles(objects, "*", SearchOption.AllDirectories));
    }
}
