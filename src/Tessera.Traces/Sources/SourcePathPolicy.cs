using Tessera.Core.Errors;
using Tessera.Data;

namespace Tessera.Traces.Sources;

/// <summary>
/// Which folders a source may watch. A source is configured by a tenant but read by the server's own account, so
/// a path is admitted only inside an allowed root: the data dir's <c>traces/inbox</c> plus the folders the
/// operator lists in <c>traces:allowed_roots</c>. Links are resolved first, so a symlink inside a root that points
/// at <c>/etc</c> is refused too.
/// </summary>
internal sealed class SourcePathPolicy
{
    public SourcePathPolicy(DataPaths paths, TracesSettings settings)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(settings);
        Inbox = System.IO.Path.Combine(paths.DataDir, "traces", "inbox");
        Roots = [Inbox, .. settings.AllowedRoots.SelectMany(r => r.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Select(Resolve)];
    }

    /// <summary>The default root, created on first use.</summary>
    public string Inbox { get; }

    public IReadOnlyList<string> Roots { get; }

    /// <summary>The folder, resolved and checked: it exists, is a directory, and lies inside an allowed root.</summary>
    public string Check(string? path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw TesseraException.Validation("path is required.");
        if (!System.IO.Path.IsPathFullyQualified(path)) throw TesseraException.Validation("path must be absolute.");
        Directory.CreateDirectory(Inbox);
        if (!Directory.Exists(path)) throw new TesseraException(TracesErrorCodes.SourcePathMissing, 400, $"The folder {path} does not exist or is not a directory.");
        var resolved = Resolve(path);
        if (!Roots.Any(root => IsWithin(resolved, Resolve(root))))
        {
            throw new TesseraException(TracesErrorCodes.SourcePathNotAllowed, 400,
                $"The folder {path} is outside the folders sources may watch ({string.Join(", ", Roots)}); an operator adds roots with traces:allowed_roots.");
        }
        return resolved;
    }

    private static bool IsWithin(string path, string root) =>
        path.Equals(root, StringComparison.Ordinal) ||
        path.StartsWith(root.EndsWith(System.IO.Path.DirectorySeparatorChar) ? root : root + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>The full path with every link along it followed (a missing tail stays as written).</summary>
    private static string Resolve(string path)
    {
        var full = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path));
        var parts = full.Split(System.IO.Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var current = System.IO.Path.GetPathRoot(full) ?? "/";
        foreach (var part in parts)
        {
            current = System.IO.Path.Combine(current, part);
            var info = new DirectoryInfo(current);
            if (info.Exists && info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
                current = System.IO.Path.TrimEndingDirectorySeparator(target.FullName);
        }
        return current;
    }
}
