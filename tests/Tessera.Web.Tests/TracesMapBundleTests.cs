using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tessera.Testing;

namespace Tessera.Web.Tests;

/// <summary>
/// The map page's committed bundle (src/Tessera.Traces/Web/Assets/map.js) was built from the committed lock file and
/// entry scripts: its banner names the exact library versions and the SHA-256 of its inputs, and both must match
/// what is committed now. A change to an input without <c>npm ci &amp;&amp; npm run build</c> fails here.
/// </summary>
public sealed partial class TracesMapBundleTests
{
    private static readonly string Script = Path.Combine(RepoPaths.Root, "src", "Tessera.Traces", "Web", "MapScript");

    // The same list, in the same order, as build.mjs hashes.
    private static readonly string[] Inputs = ["package-lock.json", "build.mjs", "map-entry.js", "points.js", "kmeans.js", "grid.js", "lod.js", "density.js"];

    [GeneratedRegex(@"^/\* tessera-traces-map libraries: (?<libraries>.+) inputs-sha256: (?<hash>[0-9a-f]{64}) \*/")]
    private static partial Regex Banner();

    [Fact]
    public void The_committed_bundle_was_built_from_the_committed_inputs_and_locked_versions()
    {
        var bundle = File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "Tessera.Traces", "Web", "Assets", "map.js"));
        var banner = Banner().Match(bundle);
        Assert.True(banner.Success, "map.js has no build banner: rebuild it with npm ci && npm run build in " + Script);

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var input in Inputs) hash.AppendData(Encoding.UTF8.GetBytes(File.ReadAllText(Path.Combine(Script, input)).Replace("\r\n", "\n", StringComparison.Ordinal)));
        Assert.Equal(Convert.ToHexStringLower(hash.GetHashAndReset()), banner.Groups["hash"].Value);

        using var lockFile = JsonDocument.Parse(File.ReadAllText(Path.Combine(Script, "package-lock.json")));
        var packages = lockFile.RootElement.GetProperty("packages");
        foreach (var library in banner.Groups["libraries"].Value.Split(' '))
        {
            var at = library.LastIndexOf('@');
            var locked = packages.GetProperty("node_modules/" + library[..at]).GetProperty("version").GetString();
            Assert.Equal(locked, library[(at + 1)..]);
        }
        Assert.Contains("@deck.gl/core@9.4.0", banner.Groups["libraries"].Value, StringComparison.Ordinal);
    }
}
