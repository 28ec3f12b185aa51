using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using PdfSharp.Pdf;
using PdfSharp.Pdf.IO;
using SkiaSharp;
using Tessera.Core.Errors;
using Tessera.Guides.Exports;
using Tessera.Guides.Instructions;

namespace Tessera.Guides.Tests;

/// <summary>
/// The PDF and DOCX an export bundles, read back with PDFsharp and the Open XML SDK: every step's text (non-ASCII
/// too) and screenshot, pages as the layout promises, and the same bytes when made again a second later.
/// </summary>
public class ExportDocumentTests
{
    private const string Font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    private const string German = "Öffnen Sie die Einstellungen → Datenschutz";
    private static readonly Guid DocumentId = Guid.Parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");

    [Fact]
    public async Task A_pdf_sets_any_text_in_the_font_gives_each_step_with_a_tall_screenshot_its_own_page_and_is_the_same_a_second_later()
    {
        var (blocks, images) = Steps(tall: true);

        var pdf = GuidePdf.Write("Datenschutz für Anfänger", blocks, images, Font, DocumentId);
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        Assert.Equal(pdf, GuidePdf.Write("Datenschutz für Anfänger", blocks, images, Font, DocumentId));

        using var read = PdfReader.Open(new MemoryStream(pdf), PdfDocumentOpenMode.Import);
        // Each screenshot is taller than half a page, so each step (text and screenshot together) takes a page.
        Assert.Equal(3, read.PageCount);
        Assert.Equal("Datenschutz für Anfänger", read.Info.Title);
        Assert.Equal(new DateTime(1980, 1, 1), read.Info.CreationDate.ToUniversalTime());
        // The embedded font maps its glyphs back to the text's characters, Ö and → among them.
        var toUnicode = string.Concat(read.Internals.GetAllObjects().OfType<PdfDictionary>()
            .Select(d => d.Elements.GetDictionary("/ToUnicode")).OfType<PdfDictionary>()
            .Select(m => Encoding.ASCII.GetString(m.Stream.UnfilteredValue)));
        Assert.Contains("<00D6>", toUnicode, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<2192>", toUnicode, StringComparison.OrdinalIgnoreCase);
        // Each screenshot is embedded once.
        Assert.Equal(3, read.Internals.GetAllObjects().OfType<PdfDictionary>().Count(d => d.Elements.GetName("/Subtype") == "/Image"));
        // The XMP metadata's ids are the document's own, not PDFsharp's random ones.
        Assert.Contains($"<xmpMM:DocumentID>uuid:{DocumentId}</xmpMM:DocumentID>", Encoding.Latin1.GetString(pdf), StringComparison.Ordinal);
        Assert.Contains($"<xmpMM:InstanceID>uuid:{DocumentId}</xmpMM:InstanceID>", Encoding.Latin1.GetString(pdf), StringComparison.Ordinal);
    }

    [Fact]
    public void A_pdf_of_short_steps_without_screenshots_is_one_page_a_step_longer_than_a_page_runs_on_and_a_missing_font_is_a_tool_failure()
    {
        var blocks = new[] { Block("b1", German, null), Block("b2", "Klicken Sie auf Speichern.", null) };

        using var read = PdfReader.Open(new MemoryStream(GuidePdf.Write("Kurz", blocks, new Dictionary<string, byte[]>(), Font, DocumentId)), PdfDocumentOpenMode.Import);

        Assert.Equal(1, read.PageCount);
        // About a hundred lines of text and then a tall screenshot: the text runs over pages, the screenshot follows it.
        var (tall, images) = Steps(tall: true);
        var longStep = tall[0] with { Text = string.Join(' ', Enumerable.Repeat("Weiter →", 1200)) };
        using var runOn = PdfReader.Open(new MemoryStream(GuidePdf.Write("Lang", [longStep], images, Font, DocumentId)), PdfDocumentOpenMode.Import);
        Assert.True(runOn.PageCount >= 3, $"{runOn.PageCount} page(s)");
        Assert.Single(runOn.Pages[runOn.PageCount - 1].Resources.Elements.GetDictionary("/XObject")!.Elements);
        var refused = Assert.Throws<TesseraException>(() => GuidePdf.Write("Kurz", blocks, new Dictionary<string, byte[]>(), "/nowhere/font.ttf", DocumentId));
        Assert.Equal((GuidesErrorCodes.ToolFailed, 503), (refused.Code, refused.Status));
    }

    [Fact]
    public async Task A_docx_holds_the_title_each_numbered_step_and_each_screenshot_once_and_is_the_same_a_second_later()
    {
        var (blocks, images) = Steps(tall: false);
        // An emoji (past U+FFFF) is kept; a control character, which XML cannot hold, is left out, in a step and in the title.
        var reused = blocks.Append(Block("b4", "Noch einmal prüfen \U0001F44D\u0001.", blocks[0].FrameSha256)).ToList();
        const string title = "Datenschutz für Anfänger\u0001";

        var docx = GuideDocx.Write(title, reused, images);
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        Assert.Equal(docx, GuideDocx.Write(title, reused, images));

        using (var zip = new ZipArchive(new MemoryStream(docx), ZipArchiveMode.Read))
            Assert.All(zip.Entries, e => Assert.Equal(new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero), e.LastWriteTime.ToUniversalTime()));
        using var read = WordprocessingDocument.Open(new MemoryStream(docx), false);
        var body = read.MainDocumentPart!.Document!.Body!;
        Assert.Equal(
            ["Datenschutz für Anfänger", $"1. {German}", "2. Klicken Sie auf Speichern.", "3. Schließen Sie das Fenster.", "4. Noch einmal prüfen \U0001F44D."],
            body.Elements<Paragraph>().Select(p => p.InnerText).Where(t => t.Length > 0));
        Assert.Equal(4, body.Descendants<Drawing>().Count());
        var stored = read.MainDocumentPart.ImageParts.Select(p =>
        {
            using var stream = p.GetStream();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }).ToList();
        Assert.Equal(images.Values, stored);
        Assert.Equal("Datenschutz für Anfänger", read.PackageProperties.Title);
        Assert.Equal(new DateTime(1980, 1, 1), read.PackageProperties.Created!.Value.ToUniversalTime());
    }

    /// <summary>Three steps, the first in German, each with its own screenshot: taller than half a PDF page, or a small landscape one.</summary>
    private static (List<InstructionBlock> Blocks, Dictionary<string, byte[]> Images) Steps(bool tall)
    {
        var images = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var blocks = new List<InstructionBlock>();
        string[] texts = [German, "Klicken Sie auf Speichern.", "Schließen Sie das Fenster."];
        SKColor[] colors = [SKColors.SteelBlue, SKColors.Orange, SKColors.SeaGreen];
        for (var i = 0; i < texts.Length; i++)
        {
            var png = Png(tall ? 200 : 320, tall ? 1000 : 180, colors[i]);
            var sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(png));
            images.Add(sha256, png);
            blocks.Add(Block($"b{i + 1}", texts[i], sha256));
        }
        return (blocks, images);
    }

    private static InstructionBlock Block(string id, string text, string? frame) => new(id, text, null, null, frame, null);

    private static byte[] Png(int width, int height, SKColor color)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(color);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
