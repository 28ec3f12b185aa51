using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using PdfSharp.Pdf;
using PdfSharp.Pdf.IO;
using Tessera.Testing;
using Tessera.Testing.Contracts;
using static Tessera.Guides.Tests.GuidesFixture;

namespace Tessera.Guides.Tests;

/// <summary>
/// PDF and DOCX exports over HTTP on both dialects: the same bundle shape as Markdown and HTML (the document, each
/// screenshot once, the provenance), the document read back with its steps' text (an edited step in German with an
/// arrow) and the frames' own bytes embedded; an unknown format is the contract's 400.
/// </summary>
public class DocumentExportApiTests
{
    private const string German = "Öffnen Sie die Einstellungen → Datenschutz";

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_saved_version_exports_as_a_pdf_and_a_docx_bundle_with_its_text_and_screenshots(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (api, _, _) = await MemberClients.SignInAsync(app, "writer@example.org", "docs");
        var job = await UploadedJobAsync(api, await NarratedVideos.MakeAsync(withSubtitles: true));
        await PostAsync(api, job, "run", 202);
        var drafted = await WaitAsync(api, job, TimeSpan.FromMinutes(2), "DRAFTED", "FAILED");
        Assert.Equal("DRAFTED", drafted["status"]!.GetValue<string>());
        var frames = drafted["artifacts"]!["frames"]!.AsArray().Select(f => f!["sha256"]!.GetValue<string>()).ToList();
        var draft = (await api.GetAsync("GET /api/v1/guides/jobs/{jobId}/instructions", $"/api/v1/guides/jobs/{job}/instructions")).Value;
        var edit = new JsonArray([.. draft["blocks"]!.AsArray().Select((b, i) => (JsonNode)new JsonObject
        {
            ["id"] = b!["id"]!.GetValue<string>(), ["text"] = i == 0 ? German : b["text"]!.GetValue<string>(), ["frame_sha256"] = b["frame_sha256"]!.GetValue<string>(),
        })]);
        await api.SendAsync("PUT /api/v1/guides/instructions/{instructionId}", $"/api/v1/guides/instructions/{draft["id"]}", 200,
            Json(JsonSerializer.Serialize(new { base_version = 1, blocks = edit })));
        Assert.Equal("VALIDATION_FAILED", Code(await RequestAsync(api, job, "odt", 400)));

        var (pdfEntries, pdfName) = await ExportAsync(app, api, job, "pdf");
        Assert.Equal(["guide.pdf", .. frames.Select(f => $"images/{f[..16]}.png"), "provenance.json"], pdfEntries.Keys);
        Assert.EndsWith("-v2-pdf.zip", pdfName, StringComparison.Ordinal);
        using (var pdf = PdfReader.Open(new MemoryStream(pdfEntries["guide.pdf"]), PdfDocumentOpenMode.Import))
        {
            // The title and three steps with their 320×240 screenshots (240 × 180 points) fit on one A4 page.
            Assert.Equal(1, pdf.PageCount);
            Assert.Equal("Onboarding", pdf.Info.Title);
            var objects = pdf.Internals.GetAllObjects().OfType<PdfDictionary>().ToList();
            Assert.Equal(frames.Count, objects.Count(d => d.Elements.GetName("/Subtype") == "/Image"));
            var toUnicode = string.Concat(objects.Select(d => d.Elements.GetDictionary("/ToUnicode")).OfType<PdfDictionary>().Select(m => Encoding.ASCII.GetString(m.Stream.UnfilteredValue)));
            Assert.Contains("<2192>", toUnicode, StringComparison.OrdinalIgnoreCase);
        }
        Assert.Equal("pdf", JsonNode.Parse(pdfEntries["provenance.json"])!["format"]!.GetValue<string>());

        var (docxEntries, docxName) = await ExportAsync(app, api, job, "docx");
        Assert.Equal(["guide.docx", .. frames.Select(f => $"images/{f[..16]}.png"), "provenance.json"], docxEntries.Keys);
        Assert.EndsWith("-v2-docx.zip", docxName, StringComparison.Ordinal);
        using (var docx = WordprocessingDocument.Open(new MemoryStream(docxEntries["guide.docx"]), false))
        {
            var main = docx.MainDocumentPart!;
            Assert.Equal(["Onboarding", $"1. {German}", .. NarratedVideos.Steps.Skip(1).Select((s, i) => $"{i + 2}. {s}")],
                main.Document!.Body!.Elements<Paragraph>().Select(p => p.InnerText).Where(t => t.Length > 0));
            Assert.Equal(frames, main.ImageParts.Select(p =>
            {
                using var stream = p.GetStream();
                return Convert.ToHexStringLower(SHA256.HashData(stream));
            }));
        }
        Assert.Equal(2, JsonNode.Parse(docxEntries["provenance.json"])!["instruction_version"]!.GetValue<int>());
    }

    /// <summary>Exports the job's current version in <paramref name="format"/> and downloads it: the bundle's entries and the name it is saved under.</summary>
    private static async Task<(Dictionary<string, byte[]> Entries, string FileName)> ExportAsync(TesseraAppFactory app, ContractClient api, string job, string format)
    {
        var export = await WaitExportAsync(api, (await RequestAsync(api, job, format, 202)).Value["id"]!.GetValue<string>());
        Assert.True(export["status"]!.GetValue<string>() == "SUCCEEDED", export.ToJsonString());
        using var anonymous = app.CreateClient();
        using var response = await anonymous.GetAsync(new Uri(export["download_url"]!.GetValue<string>(), UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType!.MediaType);
        using var zip = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), ZipArchiveMode.Read);
        var entries = zip.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var stream = e.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        });
        return (entries, response.Content.Headers.ContentDisposition!.FileName!.Trim('"'));
    }

    private static Task<ContractResponse> RequestAsync(ContractClient api, string job, string format, int expected) =>
        api.SendJsonAsync("POST /api/v1/guides/jobs/{jobId}/exports", $"/api/v1/guides/jobs/{job}/exports", expected, JsonSerializer.Serialize(new { format }));
}
