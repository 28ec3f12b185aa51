using Tessera.Core.Numerics;
using Tessera.Testing;

namespace Tessera.Inference.Tests;

/// <summary>The shared read-only fixtures this project's tests use (see <see cref="RepoPaths.Fixtures"/>).</summary>
internal static class Fixtures
{
    private static readonly Lazy<IReadOnlyDictionary<string, NpyArray>> EsmReferenceArchive =
        new(() => Npy.ReadArchive(Path.Combine(EsmTiny, "reference.npz")));

    public static string EsmTiny => Path.Combine(RepoPaths.Fixtures, "esm2-tiny");

    public static string Peptides => Path.Combine(RepoPaths.Fixtures, "peptides");

    public static IReadOnlyDictionary<string, NpyArray> EsmReference => EsmReferenceArchive.Value;
}
