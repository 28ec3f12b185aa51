using System.Security.Cryptography;
using System.Text;
using Tessera.Data;

namespace Tessera.Cards.Download;

/// <summary>
/// Where an organization's downloaded images live: <c>&lt;data-dir&gt;/cards/&lt;org&gt;/images/ab/&lt;sha256 of the URL&gt;.&lt;ext&gt;</c>.
/// Named by the URL's hash, two URLs never share a file whatever their names; Scryfall puts a version stamp in its
/// image URLs, so a changed image arrives under a new URL and therefore a new file. A file under its final name is
/// always whole (it is renamed into place from a flushed <c>.part</c>), so its presence alone says it was downloaded.
/// </summary>
internal sealed class ImageFiles(DataPaths paths)
{
    public string Folder(Guid orgId) => Path.Combine(paths.DataDir, "cards", orgId.ToString("D"), "images");

    /// <summary>The file name relative to <see cref="Folder"/>.</summary>
    public static string NameOf(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(url)));
        return Path.Combine(hash[..2], hash + Extension(new Uri(url, UriKind.Absolute)));
    }

    /// <summary>The URL path's extension when it is a plain one (".jpg", ".png"), else ".img".</summary>
    private static string Extension(Uri url)
    {
        var extension = Path.GetExtension(url.AbsolutePath).ToLowerInvariant();
        return extension.Length is >= 2 and <= 6 && extension.Skip(1).All(char.IsAsciiLetterOrDigit) ? extension : ".img";
    }
}
