using Microsoft.Extensions.FileSystemGlobbing;
using Microsoft.Extensions.FileSystemGlobbing.Abstractions;

namespace Tessera.Traces.Ingest;

/// <summary>The files under a source's folder that its glob matches, as '/'-separated paths relative to the folder.</summary>
internal static class SourceFiles
{
    public static IReadOnlyList<string> Match(string folder, string glob)
    {
        if (!Directory.Exists(folder)) return [];
        var matcher = new Matcher(StringComparison.Ordinal);
        foreach (var pattern in glob.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) matcher.AddInclude(pattern);
        return matcher.Execute(new DirectoryInfoWrapper(new DirectoryInfo(folder))).Files
            .Select(f => f.Path.Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
