using System.Reflection;
using Tessera.Testing;

namespace Tessera.Cli.Tests.Conventions;

/// <summary>
/// Internal by default: each src project's public types are listed in <c>Conventions/PublicApi/&lt;project&gt;.txt</c>,
/// one per line, and a type that becomes public (or stops being public) must change that file in the same commit.
/// One file per project keeps branches that add types to different projects from touching the same file.
/// </summary>
public class PublicSurfaceTests
{
    /// <summary>Set to 1 to rewrite the baseline files from the current build instead of comparing.</summary>
    private const string UpdateVariable = "TESSERA_UPDATE_PUBLIC_API";

    private static readonly string BaselineFolder = Path.Combine(RepoPaths.Root, "tests", "Tessera.Cli.Tests", "Conventions", "PublicApi");

    /// <summary>Projects whose assembly is named otherwise.</summary>
    private static readonly Dictionary<string, string> AssemblyNames = new(StringComparer.Ordinal) { ["Tessera.Cli"] = "tessera" };

    /// <summary>Every project under src, so a new module is covered from its first commit.</summary>
    public static TheoryData<string> Projects() => new(
        Directory.GetDirectories(Path.Combine(RepoPaths.Root, "src")).Select(Path.GetFileName).OfType<string>()
            .Where(name => File.Exists(Path.Combine(RepoPaths.Root, "src", name, name + ".csproj"))).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Projects))]
    public void Public_types_match_the_committed_baseline(string project)
    {
        var actual = Assembly.Load(AssemblyNames.GetValueOrDefault(project, project)).GetExportedTypes()
            .Where(t => !t.Name.StartsWith('<'))
            .Select(t => t.FullName!.Replace('+', '.'))
            .Order(StringComparer.Ordinal)
            .ToList();
        var file = Path.Combine(BaselineFolder, project + ".txt");
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllLines(file, actual);
            return;
        }

        var expected = File.Exists(file) ? File.ReadAllLines(file).Where(l => l.Length > 0).ToList() : [];
        var added = actual.Except(expected, StringComparer.Ordinal).ToList();
        var removed = expected.Except(actual, StringComparer.Ordinal).ToList();
        Assert.True(added.Count == 0 && removed.Count == 0,
            $"The public types of {project} differ from {Path.GetRelativePath(RepoPaths.Root, file)}.\n" +
            (added.Count > 0 ? $"Now public (make them internal unless another assembly needs them):\n  {string.Join("\n  ", added)}\n" : "") +
            (removed.Count > 0 ? $"No longer public:\n  {string.Join("\n  ", removed)}\n" : "") +
            $"If the change is meant, update the file: {UpdateVariable}=1 dotnet test tests/Tessera.Cli.Tests --filter PublicSurfaceTests, and commit it.");
    }
}
