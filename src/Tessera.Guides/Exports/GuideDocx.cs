using System.Text;
using System.Xml.Linq;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Tessera.Guides.Anchors;
using Tessera.Guides.Instructions;
using A = DocumentFormat.OpenXml.Drawing;
using DW = DocumentFormat.OpenXml.Drawing.Wordprocessing;
using PIC = DocumentFormat.OpenXml.Drawing.Pictures;

namespace Tessera.Guides.Exports;

/// <summary>
/// An export's DOCX (Open XML SDK): the title, then each step as a paragraph "N. text" with its screenshot inline below
/// it, scaled to the page's width (never enlarged past 96 dpi), each screenshot stored once. The same content gives the
/// same bytes: every relationship id is named here where the SDK would draw random ones, the core properties (title,
/// creator, created and modified 1980-01-01) are written as a part of their own rather than through the packaging
/// API (which names that part at random), and the package is zipped again in a fixed order with fixed timestamps.
/// </summary>
internal static class GuideDocx
{
    private const string MainContentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";
    private const long EmuPerPixel = 9525;
    private const long MaxImageEmu = 6 * 914_400;

    public static byte[] Write(string title, IReadOnlyList<InstructionBlock> blocks, IReadOnlyDictionary<string, byte[]> images)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(images);
        using var package = new MemoryStream();
        using (var document = WordprocessingDocument.Create(package, WordprocessingDocumentType.Document))
        {
            var core = document.AddNewPart<CoreFilePropertiesPart>("rIdCore");
            using (var stream = core.GetStream(FileMode.Create))
                CoreProperties(title).Save(stream, SaveOptions.DisableFormatting);
            var main = document.AddNewPart<MainDocumentPart>(MainContentType, "rIdMain");
            var parts = new Dictionary<string, string>(StringComparer.Ordinal);
            var body = new Body(new Paragraph(new Run(new RunProperties(new Bold(), new FontSize { Val = "36" }), PreservedText(title))));
            for (var i = 0; i < blocks.Count; i++)
            {
                body.Append(new Paragraph(new Run(PreservedText($"{i + 1}. {blocks[i].Text}"))));
                if (blocks[i].FrameSha256 is not { } sha256) continue;
                if (!parts.TryGetValue(sha256, out var part))
                {
                    parts.Add(sha256, part = $"rIdImage{parts.Count + 1}");
                    using var bytes = new MemoryStream(images[sha256]);
                    main.AddImagePart(ImagePartType.Png, part).FeedData(bytes);
                }
                body.Append(new Paragraph(new Run(Picture(part, i + 1, AnnotationRenderer.SizeOf(images[sha256])))));
            }
            // A4 with 2 cm margins (in twentieths of a point).
            body.Append(new SectionProperties(
                new PageSize { Width = 11_906U, Height = 16_838U },
                new PageMargin { Top = 1134, Bottom = 1134, Left = 1134U, Right = 1134U, Header = 708U, Footer = 708U, Gutter = 0U }));
            main.Document = new Document(body);
        }
        return StableZip.Repack(package.ToArray());
    }

    private static Text PreservedText(string text) => new(XmlSafe(text.ReplaceLineEndings(" "))) { Space = SpaceProcessingModeValues.Preserve };

    /// <summary>
    /// The text without what XML 1.0 cannot hold (most control characters, lone surrogates): a transcript or a project
    /// name could carry one, and the document must still be written. Characters past U+FFFF (emoji) are kept.
    /// </summary>
    private static string XmlSafe(string text)
    {
        var kept = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (i + 1 < text.Length && System.Xml.XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i])) kept.Append(text, i++, 2);
            else if (System.Xml.XmlConvert.IsXmlChar(text[i])) kept.Append(text[i]);
        }
        return kept.ToString();
    }

    private static XDocument CoreProperties(string title)
    {
        XNamespace cp = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties";
        XNamespace dc = "http://purl.org/dc/elements/1.1/";
        XNamespace dcterms = "http://purl.org/dc/terms/";
        XNamespace xsi = "http://www.w3.org/2001/XMLSchema-instance";
        var epoch = StableZip.Epoch.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        return new XDocument(new XElement(cp + "coreProperties",
            new XAttribute(XNamespace.Xmlns + "cp", cp), new XAttribute(XNamespace.Xmlns + "dc", dc),
            new XAttribute(XNamespace.Xmlns + "dcterms", dcterms), new XAttribute(XNamespace.Xmlns + "xsi", xsi),
            new XElement(dc + "title", XmlSafe(title)),
            new XElement(dc + "creator", ExportJobHandler.Generator),
            new XElement(dcterms + "created", new XAttribute(xsi + "type", "dcterms:W3CDTF"), epoch),
            new XElement(dcterms + "modified", new XAttribute(xsi + "type", "dcterms:W3CDTF"), epoch)));
    }

    /// <summary>The screenshot in relationship <paramref name="part"/>, inline, at 96 dpi shrunk to fit 6 × 6 inches.</summary>
    private static Drawing Picture(string part, int step, (int Width, int Height) pixels)
    {
        var scale = Math.Min(1.0, Math.Min((double)MaxImageEmu / (pixels.Width * EmuPerPixel), (double)MaxImageEmu / (pixels.Height * EmuPerPixel)));
        var (cx, cy) = ((long)(pixels.Width * EmuPerPixel * scale), (long)(pixels.Height * EmuPerPixel * scale));
        var picture = new PIC.Picture(
            new PIC.NonVisualPictureProperties(new PIC.NonVisualDrawingProperties { Id = 0U, Name = $"step-{step}.png" }, new PIC.NonVisualPictureDrawingProperties()),
            new PIC.BlipFill(new A.Blip { Embed = part }, new A.Stretch(new A.FillRectangle())),
            new PIC.ShapeProperties(
                new A.Transform2D(new A.Offset { X = 0L, Y = 0L }, new A.Extents { Cx = cx, Cy = cy }),
                new A.PresetGeometry(new A.AdjustValueList()) { Preset = A.ShapeTypeValues.Rectangle }));
        return new Drawing(new DW.Inline(
            new DW.Extent { Cx = cx, Cy = cy },
            new DW.EffectExtent { LeftEdge = 0L, TopEdge = 0L, RightEdge = 0L, BottomEdge = 0L },
            new DW.DocProperties { Id = (uint)step, Name = $"Step {step}" },
            new DW.NonVisualGraphicFrameDrawingProperties(new A.GraphicFrameLocks { NoChangeAspect = true }),
            new A.Graphic(new A.GraphicData(picture) { Uri = "http://schemas.openxmlformats.org/drawingml/2006/picture" }))
        { DistanceFromTop = 0U, DistanceFromBottom = 0U, DistanceFromLeft = 0U, DistanceFromRight = 0U });
    }
}
