using System.Text;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using Tessera.Core.Errors;
using Tessera.Guides.Instructions;

namespace Tessera.Guides.Exports;

/// <summary>
/// An export's PDF (PDFsharp): the title, then each step numbered, its text wrapped to the page and below it its
/// screenshot, scaled to the text's width (never enlarged past 96 dpi, at most 60% of a page tall); a step starts a new
/// page when it does not fit on this one. Text is set in the TrueType font at <c>guides:annotation_font_path</c>,
/// embedded as a Unicode subset, so any script the font has renders. The same content gives the same bytes: the
/// dates, the ids and the font subset's tag are fixed where PDFsharp would take the clock's and random ones.
/// </summary>
internal static class GuidePdf
{
    private const double Indent = 22;
    private const double Gap = 12;
    private const double StepGap = 18;
    private const double MaxImageShare = 0.6;

    public static byte[] Write(string title, IReadOnlyList<InstructionBlock> blocks, IReadOnlyDictionary<string, byte[]> images, string fontPath, Guid documentId)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(images);
        if (!File.Exists(fontPath))
            throw new TesseraException(GuidesErrorCodes.ToolFailed, 503, $"The font at {fontPath} (guides:annotation_font_path) cannot be read; install fonts-dejavu-core or set the setting.");
        FontFileResolver.EnsureInstalled();
        using var document = new PdfDocument();
        document.Info.Title = title;
        document.Info.Creator = ExportJobHandler.Generator;
        document.Info.CreationDate = StableZip.Epoch.UtcDateTime;
        document.Info.ModificationDate = StableZip.Epoch.UtcDateTime;
        // The trailer's /ID holds each character's low byte.
        var id = new string([.. documentId.ToByteArray().Select(b => (char)b)]);
        document.Internals.FirstDocumentID = id;
        document.Internals.SecondDocumentID = id;
        var options = new XPdfFontOptions(PdfFontEncoding.Unicode);
        var heading = new XFont(fontPath, 20, XFontStyleEx.Regular, options);
        var body = new XFont(fontPath, 11, XFontStyleEx.Regular, options);
        using (var flow = new PdfPageFlow(document))
        {
            foreach (var line in Wrap(flow.Graphics, title, heading, flow.Width))
            {
                // Placed before the page's graphics are taken: placing may start a new page.
                var top = flow.Place(heading.GetHeight());
                flow.Graphics.DrawString(line, heading, XBrushes.Black, PdfPageFlow.Margin, top, XStringFormats.TopLeft);
            }
            for (var i = 0; i < blocks.Count; i++)
            {
                flow.Skip(StepGap);
                DrawStep(flow, i + 1, blocks[i], body, blocks[i].FrameSha256 is { } sha256 ? images[sha256] : null);
            }
        }
        FixFontSubsetTags(document);
        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        var bytes = output.ToArray();
        FixMetadataIds(bytes, documentId);
        return bytes;
    }

    private static void DrawStep(PdfPageFlow flow, int number, InstructionBlock block, XFont font, byte[]? screenshot)
    {
        var lines = Wrap(flow.Graphics, block.Text, font, flow.Width - Indent);
        var lineHeight = font.GetHeight();
        using var image = screenshot is null ? null : XImage.FromStream(new MemoryStream(screenshot));
        var size = image is null ? XSize.Empty : Fit(image, flow.Width - Indent, flow.Height * MaxImageShare);
        // A step's text and screenshot stay on one page when they fit on one.
        flow.Reserve(lines.Count * lineHeight + (image is null ? 0 : Gap + size.Height));
        for (var l = 0; l < lines.Count; l++)
        {
            var top = flow.Place(lineHeight);
            if (l == 0) flow.Graphics.DrawString($"{number}.", font, XBrushes.Black, PdfPageFlow.Margin, top, XStringFormats.TopLeft);
            flow.Graphics.DrawString(lines[l], font, XBrushes.Black, PdfPageFlow.Margin + Indent, top, XStringFormats.TopLeft);
        }
        if (image is null) return;
        flow.Skip(Gap);
        var imageTop = flow.Place(size.Height);
        flow.Graphics.DrawImage(image, PdfPageFlow.Margin + Indent, imageTop, size.Width, size.Height);
    }

    /// <summary>The image's size in points: 96 dpi, shrunk (keeping its shape) to fit the width and height given.</summary>
    private static XSize Fit(XImage image, double width, double height)
    {
        var scale = Math.Min(0.75, Math.Min(width / image.PixelWidth, height / image.PixelHeight));
        return new XSize(image.PixelWidth * scale, image.PixelHeight * scale);
    }

    /// <summary>The text in lines no wider than <paramref name="width"/>, broken between words, or inside a word longer than a line.</summary>
    private static List<string> Wrap(XGraphics graphics, string text, XFont font, double width)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var word in text.ReplaceLineEndings(" ").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = line.Length == 0 ? word : $"{line} {word}";
            if (graphics.MeasureString(candidate, font).Width <= width)
            {
                line.Clear().Append(candidate);
                continue;
            }
            if (line.Length > 0) lines.Add(line.ToString());
            line.Clear();
            // A word wider than the line is broken between text elements, so no surrogate pair or accent is split.
            var elements = System.Globalization.StringInfo.GetTextElementEnumerator(word);
            while (elements.MoveNext())
            {
                var element = elements.GetTextElement();
                if (line.Length > 0 && graphics.MeasureString($"{line}{element}", font).Width > width)
                {
                    lines.Add(line.ToString());
                    line.Clear();
                }
                line.Append(element);
            }
        }
        if (line.Length > 0 || lines.Count == 0) lines.Add(line.ToString());
        return lines;
    }

    /// <summary>
    /// Gives each embedded font subset a tag counted from AAAAAA, where PDFsharp draws six random letters (the tag
    /// only has to tell a document's subsets apart).
    /// </summary>
    private static void FixFontSubsetTags(PdfDocument document)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var dictionary in document.Internals.GetAllObjects().OfType<PdfDictionary>())
        {
            foreach (var key in (string[])["/BaseFont", "/FontName"])
            {
                var name = dictionary.Elements.GetName(key);
                if (name.Length < 9 || name[7] != '+' || !name[1..7].All(char.IsAsciiLetterUpper)) continue;
                if (!tags.TryGetValue(name[1..7], out var tag)) tags.Add(name[1..7], tag = Tag(tags.Count));
                dictionary.Elements.SetName(key, $"/{tag}{name[7..]}");
            }
        }
    }

    private static string Tag(int n)
    {
        var letters = new char[6];
        for (var i = 5; i >= 0; i--, n /= 26) letters[i] = (char)('A' + n % 26);
        return new string(letters);
    }

    /// <summary>
    /// Writes the document id over the random UUIDs PDFsharp puts in the XMP metadata (DocumentID and InstanceID); the
    /// metadata stream is not compressed and a UUID's length is fixed, so every offset in the file stays right.
    /// </summary>
    private static void FixMetadataIds(byte[] pdf, Guid documentId)
    {
        var uuid = Encoding.ASCII.GetBytes(documentId.ToString("D"));
        foreach (var marker in (string[])["<xmpMM:DocumentID>uuid:", "<xmpMM:InstanceID>uuid:"])
        {
            var at = pdf.AsSpan().IndexOf(Encoding.ASCII.GetBytes(marker));
            if (at < 0 || !Guid.TryParseExact(Encoding.ASCII.GetString(pdf, at + marker.Length, uuid.Length), "D", out _))
                throw new InvalidOperationException($"PDFsharp wrote no {marker}: the PDF would not be the same twice (PDFsharp 6.2.4 writes it).");
            uuid.CopyTo(pdf, at + marker.Length);
        }
    }
}
