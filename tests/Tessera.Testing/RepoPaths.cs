namespace Tessera.Testing;

/// <summary>Locates the repository root and the shared fixtures folder beside it.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary><c>TESSERA_FIXTURES</c> when set, else <c>../shared/fixtures</c> beside the repository root.</summary>
    public static string Fixtures => FindFixtures();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Tessera.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (Tessera.slnx) above " + AppContext.BaseDirectory);
    }

    private static string FindFixtures()
    {
        var configured = Environment.GetEnvironmentVariable("TESSERA_FIXTURES");
        var folder = !string.IsNullOrEmpty(configured) ? configured : Path.GetFullPath(Path.Combine(Root, "..", "shared", "fixtures"));
        return Directory.Exists(folder)
            ? folder
            : throw new InvalidOperationException($"Shared fixtures not found at {folder}: clone beside shared/ or set TESSERA_FIXTURES.");
    }
}
