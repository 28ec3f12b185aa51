namespace Tessera.Testing;

/// <summary>Locates the repository root and the shared fixtures folder beside it.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary><c>../shared/fixtures</c> beside the repository root.</summary>
    public static string Fixtures => Path.GetFullPath(Path.Combine(Root, "..", "shared", "fixtures"));

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Tessera.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (Tessera.slnx) above " + AppContext.BaseDirectory);
    }
}
