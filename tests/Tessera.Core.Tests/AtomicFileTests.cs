namespace Tessera.Core.Tests;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class AtomicFileTests
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task Files_written_atomically_are_readable_by_their_owner_only()
    {
        using var dir = new Tessera.Testing.TempDirectory();
        AtomicFile.WriteAllText(dir.File("a.txt"), "secret");
        await AtomicFile.WriteAsync(dir.File("b.bin"), (s, ct) => s.WriteAsync("secret"u8.ToArray(), ct).AsTask());
        // Replacing a file that was readable by everyone leaves it owner-only too.
        File.WriteAllText(dir.File("c.txt"), "old");
        File.SetUnixFileMode(dir.File("c.txt"), OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        AtomicFile.WriteAllText(dir.File("c.txt"), "new");

        foreach (var name in new[] { "a.txt", "b.bin", "c.txt" })
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(dir.File(name)));
    }
}
