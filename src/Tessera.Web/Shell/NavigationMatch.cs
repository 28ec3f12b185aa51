namespace Tessera.Web.Shell;

/// <summary>Which navigation link the current page belongs to: the longest link that is the path or a folder above it.</summary>
public static class NavigationMatch
{
    public static string? Current(string path, IEnumerable<string> hrefs)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(hrefs);
        return hrefs
            .Where(href => path == href || (href != "/" && path.StartsWith(href.TrimEnd('/') + "/", StringComparison.Ordinal)))
            .OrderByDescending(href => href.Length)
            .FirstOrDefault();
    }
}
