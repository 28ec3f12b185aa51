using Tessera.Core.Numerics;

namespace Tessera.Inference.Tests;

/// <summary>Locates the shared read-only fixtures (…/shared/fixtures) from the test binaries, or TESSERA_FIXTURES.</summary>
internal static class Fixtures
{
    private static readonly Lazy<string> Root = new(FindRoot);
    private static readonly Lazy<IReadOnlyDictionary<string, NpyArray>> EsmReferenceArchive =
        new(() => Npy.ReadArchive(Path.Combine(EsmTiny, "reference.npz")));

    public static string EsmTiny => Path.Combine(Root.Value, "esm2-tiny");

    public static string Peptides => Path.Combine(Root.Value, "peptides");

    public static IReadOnlyDictionary<string, NpyArray> EsmReference => EsmReferenceArchive.Value;

    private static string FindRoot()
    {
        var configured = Environment.GetEnvironmentVariable("TESSERA_FIXTURES");
        if (!string.IsNullOrEmpty(configured)) return configured;
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "shared", "fixtures");
            if (Directory.Exists(Path.Combine(candidate, "esm2-tiny"))) return candidate;
        }
        throw new InvalidOperationException("shared/fixtures not found above the test binaries; set TESSERA_FIXTURES.");
    }
}
