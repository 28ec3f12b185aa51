using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Guides.Instructions;

namespace Tessera.Guides.Exports;

/// <summary>
/// An export's bundle: a zip holding the document (<c>guide.md</c>, <c>guide.html</c>, <c>guide.pdf</c> or
/// <c>guide.docx</c>), each screenshot once under <c>images/</c> (named by its hash), and <c>provenance.json</c>. The
/// PDF and DOCX embed their screenshots and the bundle holds them too, so every format's bundle has the same shape.
/// Byte for byte the same for the same content (title, steps, screenshots, format and the provenance given): entries
/// in a fixed order, every timestamp 1980-01-01, no ids and nothing from the clock.
/// </summary>
internal static class ExportBundle
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>
    /// The hash of what a bundle is made of, and nothing else (no ids, no clock): the format, the title, and each
    /// step's text and screenshot. The same request finds the same export by it, and the same content gives the same
    /// identity (and bundle) in any job, database or run.
    /// </summary>
    public static string Identity(string format, string title, IReadOnlyList<InstructionBlock> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        var content = new StringBuilder("guides-export/1\n").Append(format).Append('\n').Append(title.ReplaceLineEndings(" ")).Append('\n');
        foreach (var block in blocks) content.Append(block.FrameSha256 ?? "-").Append(' ').Append(block.Text.ReplaceLineEndings(" ")).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content.ToString())));
    }

    /// <summary>The image entry of a screenshot.</summary>
    public static string ImagePath(string sha256) => $"images/{sha256[..16]}.png";

    /// <summary>
    /// Writes the bundle to <paramref name="target"/>. <paramref name="openImage"/> opens a screenshot by hash;
    /// <paramref name="provenance"/> goes in as <c>provenance.json</c>; a PDF's text is set in the TrueType font at
    /// <paramref name="fontPath"/>.
    /// </summary>
    public static async Task WriteAsync(
        Stream target, string title, IReadOnlyList<InstructionBlock> blocks, string format, JsonObject provenance, string fontPath,
        Func<string, CancellationToken, Task<Stream>> openImage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(openImage);
        ArgumentNullException.ThrowIfNull(provenance);
        var shots = blocks.Select(b => b.FrameSha256).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        // A PDF or DOCX embeds the screenshots, so they are read first; Markdown and HTML only link them, and they are
        // copied into the zip one at a time.
        var images = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var sha256 in format is ExportFormat.Pdf or ExportFormat.Docx ? shots : [])
        {
            await using var image = await openImage(sha256, cancellationToken).ConfigureAwait(false);
            using var bytes = new MemoryStream();
            await image.CopyToAsync(bytes, cancellationToken).ConfigureAwait(false);
            images.Add(sha256, bytes.ToArray());
        }
        var (name, document) = format switch
        {
            ExportFormat.Html => ("guide.html", Encoding.UTF8.GetBytes(Html(title, blocks))),
            ExportFormat.Pdf => ("guide.pdf", GuidePdf.Write(title, blocks, images, fontPath, DocumentId(format, title, blocks))),
            ExportFormat.Docx => ("guide.docx", GuideDocx.Write(title, blocks, images)),
            _ => ("guide.md", Encoding.UTF8.GetBytes(Markdown(title, blocks))),
        };
        using var zip = new ZipArchive(target, ZipArchiveMode.Create, leaveOpen: true);
        await StableZip.AddAsync(zip, name, document, cancellationToken).ConfigureAwait(false);
        foreach (var sha256 in shots)
        {
            if (images.TryGetValue(sha256, out var read))
            {
                await StableZip.AddAsync(zip, ImagePath(sha256), read, cancellationToken).ConfigureAwait(false);
                continue;
            }
            await using var image = await openImage(sha256, cancellationToken).ConfigureAwait(false);
            await StableZip.AddAsync(zip, ImagePath(sha256), image, cancellationToken).ConfigureAwait(false);
        }
        await StableZip.AddAsync(zip, "provenance.json", Encoding.UTF8.GetBytes(provenance.ToJsonString(Indented) + "\n"), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A document's own id (a PDF's /ID): the first half of its identity, so it comes from the content alone.</summary>
    private static Guid DocumentId(string format, string title, IReadOnlyList<InstructionBlock> blocks) =>
        new(Convert.FromHexString(Identity(format, title, blocks).AsSpan(0, 32)));

    public static string Markdown(string title, IReadOnlyList<InstructionBlock> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        var text = new StringBuilder().Append("# ").Append(EscapeMarkdown(title)).Append("\n\n");
        for (var i = 0; i < blocks.Count; i++)
        {
            // Markdown's own characters in a step stay text; a line break inside a step would end its list item.
            text.Append(i + 1).Append(". ").Append(EscapeMarkdown(blocks[i].Text)).Append('\n');
            if (blocks[i].FrameSha256 is { } sha256) text.Append("\n   ![Step ").Append(i + 1).Append("](").Append(ImagePath(sha256)).Append(")\n");
            text.Append('\n');
        }
        return text.ToString();
    }

    public static string Html(string title, IReadOnlyList<InstructionBlock> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        var t = WebUtility.HtmlEncode(title);
        var html = new StringBuilder()
            .Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").Append(t).Append("</title>\n")
            .Append("<style>body{font-family:sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.5}")
            .Append("li{margin-bottom:1.5rem}img{display:block;max-width:100%;margin-top:.5rem;border:1px solid #ccc}</style>\n")
            .Append("</head>\n<body>\n<h1>").Append(t).Append("</h1>\n<ol>\n");
        for (var i = 0; i < blocks.Count; i++)
        {
            html.Append("<li id=\"step-").Append(i + 1).Append("\">").Append(WebUtility.HtmlEncode(blocks[i].Text));
            if (blocks[i].FrameSha256 is { } sha256)
                html.Append("<img src=\"").Append(ImagePath(sha256)).Append("\" alt=\"Step ").Append(i + 1).Append("\">");
            html.Append("</li>\n");
        }
        return html.Append("</ol>\n</body>\n</html>\n").ToString();
    }

    private static string EscapeMarkdown(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var ch in text.ReplaceLineEndings(" "))
        {
            if ("\\`*_{}[]()#+!|<>".Contains(ch, StringComparison.Ordinal)) escaped.Append('\\');
            escaped.Append(ch);
        }
        return escaped.ToString();
    }
}
