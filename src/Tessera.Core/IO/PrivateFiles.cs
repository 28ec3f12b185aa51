namespace Tessera.Core;

/// <summary>
/// Files and folders for the service's own user only (0600 and 0700): the data dir holds the URL-signing key,
/// token and password hashes and every tenant's data, which no other local user may read. No-ops on Windows,
/// where the folder's ACL decides.
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode DirectoryMode = FileMode | UnixFileMode.UserExecute;

    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Creates <paramref name="path"/> and any missing parents as 0700; folders that exist keep their mode.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }
        // Directory.CreateDirectory(path, mode) gives the mode to the last folder only; missing parents would be 0755.
        var missing = new Stack<string>();
        for (var folder = Path.GetFullPath(path); !Directory.Exists(folder); folder = Path.GetDirectoryName(folder)!)
            missing.Push(folder);
        while (missing.TryPop(out var folder)) Directory.CreateDirectory(folder, DirectoryMode);
    }

    /// <summary>Options for a new file that is 0600 from its first byte (not chmod-ed afterwards, which leaves a window).</summary>
    public static FileStreamOptions CreateNew(int bufferSize, FileOptions options = FileOptions.None)
    {
        var stream = new FileStreamOptions
        {
            Mode = System.IO.FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = bufferSize,
            Options = options,
        };
        if (!OperatingSystem.IsWindows()) stream.UnixCreateMode = FileMode;
        return stream;
    }

    /// <summary>Creates an empty 0600 file unless one exists, so a program that creates it later (SQLite) inherits nothing looser.</summary>
    public static void EnsureFile(string path)
    {
        try
        {
            using (new FileStream(path, CreateNew(1))) { }
        }
        catch (IOException) when (File.Exists(path))
        {
        }
    }

    /// <summary>Whether group or others may read, write or enter <paramref name="path"/> (a file or a folder).</summary>
    public static bool IsLooserThanPrivate(string path) =>
        !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & GroupOrOther) != 0;
}
