using Tessera.Data.Blobs;
using Tessera.Testing;

namespace Tessera.Data.Tests;

/// <summary>Everything at rest (database, WAL, blobs) is for the service's own user only: other local users read nothing.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class FilePermissionTests
{
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = OwnerOnlyFile | UnixFileMode.UserExecute;

    [Fact]
    public async Task A_new_sqlite_database_and_its_wal_files_are_owner_only_in_an_owner_only_folder()
    {
        using var dir = new TempDirectory();
        var dataDir = Path.Combine(dir.Path, "data");
        await using var database = new TesseraDatabase(DatabaseTarget.Parse(null, dataDir));
        await using (var connection = await database.OpenConnectionAsync())
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);";
            await command.ExecuteNonQueryAsync();
            Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(dataDir));
            foreach (var file in new[] { "tessera.db", "tessera.db-wal", "tessera.db-shm" })
                Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(Path.Combine(dataDir, file)));
        }
    }

    [Fact]
    public async Task Blobs_and_their_folders_are_owner_only()
    {
        using var dir = new TempDirectory();
        var root = Path.Combine(dir.Path, "data", "blobs");
        var store = new LocalBlobStore(root, 1 << 20, TimeProvider.System);
        var blob = await store.PutAsync(new MemoryStream("tenant data"u8.ToArray()));

        var path = store.PathFor(blob.Sha256);
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(path));
        for (var folder = Path.GetDirectoryName(path)!; folder.Length > dir.Path.Length; folder = Path.GetDirectoryName(folder)!)
            Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(folder));
        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(Path.Combine(root, "tmp")));
    }
}
