using System.Text.RegularExpressions;

namespace Tessera.Testing;

/// <summary>The C# sources under <c>src/</c>, for tests that hold the whole tree to a convention.</summary>
public static class SourceTree
{
    /// <summary>Every <c>src/**/*.cs</c> outside build output, as a path relative to the repository root with forward slashes.</summary>
    public static IReadOnlyList<string> CSharpFiles() =>
        Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RepoPaths.Root, f).Replace('\\', '/'))
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>"path:line: text" for each line of a source file that matches <paramref name="pattern"/>, comments included.</summary>
    public static IEnumerable<string> Matches(string relativePath, Regex pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, relativePath));
        for (var i = 0; i < lines.Length; i++)
        {
            if (pattern.IsMatch(lines[i])) yield return $"{relativePath}:{i + 1}: {lines[i].Trim()}";
        }
    }
}
