using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Testing;
using Tessera.Testing.Contracts;
using static Tessera.Guides.Tests.GuidesFixture;

namespace Tessera.Guides.Tests;

/// <summary>
/// Exports over HTTP on both dialects: a Markdown or HTML (or PDF or DOCX: <see cref="DocumentExportApiTests"/>) zip of the instructions with their screenshots, made once
/// per content (replays and races find the same export), byte-identical across runs and databases, downloadable only
/// through the signed URL a SUCCEEDED export gives; the job's first export makes it DONE.
/// </summary>
public class ExportApiTests
{
    private static readonly TimeSpan Processing = TimeSpan.FromMinutes(2);
    private const string Request = "POST /api/v1/guides/jobs/{jobId}/exports";
    private const string Get = "GET /api/v1/guides/exports/{exportId}";

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_drafted_job_exports_a_bundle_once_its_first_export_makes_it_done_and_only_a_signed_url_downloads_it(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (api, _, _) = await MemberClients.SignInAsync(app, "writer@example.org", "docs");
        var (stranger, _, _) = await MemberClients.SignInAsync(app, "stranger@example.org", "elsewhere");
        var job = await UploadedJobAsync(api, await NarratedVideos.MakeAsync(withSubtitles: true));
        // Not drafted yet: nothing to export.
        Assert.Equal("INSTRUCTIONS_NOT_READY", Code(await RequestAsync(api, job, "markdown", 409)));
        await PostAsync(api, job, "run", 202);
        var drafted = await WaitAsync(api, job, Processing, "DRAFTED", "FAILED");
        Assert.Equal("DRAFTED", drafted["status"]!.GetValue<string>());
        Assert.Equal("VALIDATION_FAILED", Code(await RequestAsync(api, job, "odt", 400)));
        Assert.Equal("RESOURCE_NOT_FOUND", Code(await RequestAsync(stranger, job, "markdown", 404)));

        var requested = (await RequestAsync(api, job, "markdown", 202)).Value;
        Assert.Equal("REQUESTED", requested["status"]!.GetValue<string>());
        Assert.Null(requested["download_url"]);
        Assert.Null(requested["provenance"]);
        var id = requested["id"]!.GetValue<string>();
        var export = await WaitExportAsync(api, id);
        Assert.True(export["status"]!.GetValue<string>() == "SUCCEEDED", export.ToJsonString());
        // A replay (after it succeeded, too) is the same export: nothing queued again.
        var replay = (await RequestAsync(api, job, "markdown", 200)).Value;
        Assert.Equal(id, replay["id"]!.GetValue<string>());
        Assert.Equal(export["engine_job_id"]!.GetValue<string>(), replay["engine_job_id"]!.GetValue<string>());

        // The job's first export made it DONE, recorded once.
        var done = await JobOfAsync(api, job);
        Assert.Equal("DONE", done["status"]!.GetValue<string>());
        var transitions = (await api.GetAsync("GET /api/v1/guides/jobs/{jobId}/transitions", $"/api/v1/guides/jobs/{job}/transitions")).Value.AsArray();
        Assert.Single(transitions, t => t!["to_status"]!.GetValue<string>() == "DONE");

        // The provenance is frozen with what the bundle was made of.
        var provenance = export["provenance"]!;
        Assert.Equal(export["bundle_sha256"]!.GetValue<string>(), provenance["bundle_sha256"]!.GetValue<string>());
        Assert.Equal("subtitle-stream", provenance["recognizer"]!.GetValue<string>());
        Assert.Equal(1, provenance["instruction_version"]!.GetValue<int>());
        Assert.Equal(export["identity"]!.GetValue<string>(), provenance["identity"]!.GetValue<string>());

        // Downloaded with no token through the signed URL: the document, every screenshot (the frame's own bytes) and the provenance.
        var url = export["download_url"]!.GetValue<string>();
        Assert.True(export["download_expires_at"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UtcNow);
        using var anonymous = app.CreateClient();
        using var response = await anonymous.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType!.MediaType);
        var bundle = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(export["bundle_sha256"]!.GetValue<string>(), Convert.ToHexStringLower(SHA256.HashData(bundle)));
        var entries = Unzip(bundle);
        var frames = drafted["artifacts"]!["frames"]!.AsArray().Select(f => f!["sha256"]!.GetValue<string>()).ToList();
        Assert.Equal(["guide.md", .. frames.Select(f => $"images/{f[..16]}.png"), "provenance.json"], entries.Keys);
        foreach (var frame in frames) Assert.Equal(frame, Convert.ToHexStringLower(SHA256.HashData(entries[$"images/{frame[..16]}.png"])));
        var markdown = Encoding.UTF8.GetString(entries["guide.md"]);
        Assert.StartsWith("# Onboarding\n", markdown, StringComparison.Ordinal);
        for (var i = 0; i < NarratedVideos.Steps.Length; i++)
            Assert.Contains($"{i + 1}. {NarratedVideos.Steps[i]}\n\n   ![Step {i + 1}](images/{frames[i][..16]}.png)", markdown, StringComparison.Ordinal);
        Assert.Equal("subtitle-stream", JsonNode.Parse(entries["provenance.json"])!["recognizer"]!.GetValue<string>());

        // Without the signature, with it altered, or pointed at another export: refused.
        var path = url.Split('?')[0];
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync(new Uri(path, UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync(new Uri(url.Replace("signature=", "signature=x", StringComparison.Ordinal), UriKind.Relative))).StatusCode);
        var html = await WaitExportAsync(api, (await RequestAsync(api, job, "html", 202)).Value["id"]!.GetValue<string>());
        Assert.NotEqual(export["identity"]!.GetValue<string>(), html["identity"]!.GetValue<string>());
        var repointed = url.Replace(id, html["id"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync(new Uri(repointed, UriKind.Relative))).StatusCode);
        var page = Encoding.UTF8.GetString(Unzip(await anonymous.GetByteArrayAsync(new Uri(html["download_url"]!.GetValue<string>(), UriKind.Relative)))["guide.html"]);
        Assert.Contains($"<li id=\"step-2\">{NarratedVideos.Steps[1]}<img src=\"images/{frames[1][..16]}.png\" alt=\"Step 2\"></li>", page, StringComparison.Ordinal);
        // Another's export is missing, like one that does not exist.
        var missing = await stranger.GetAsync(Get, $"/api/v1/guides/exports/{id}", 404);
        Assert.Equal((await stranger.GetAsync(Get, $"/api/v1/guides/exports/{Guid.NewGuid()}", 404)).Body.Length, missing.Body.Length);
        // Still DONE after the second export; a later version exports as a new export.
        Assert.Equal("DONE", (await JobOfAsync(api, job))["status"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Twenty_identical_export_requests_at_once_make_one_export_and_one_job(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (api, _, _) = await MemberClients.SignInAsync(app, "writer@example.org", "docs");
        var job = await UploadedJobAsync(api, await NarratedVideos.MakeAsync(withSubtitles: true));
        await PostAsync(api, job, "run", 202);
        await WaitAsync(api, job, Processing, "DRAFTED", "FAILED");

        var responses = await Races.RunAsync(20, _ => api.Http.PostAsync(new Uri($"/api/v1/guides/jobs/{job}/exports", UriKind.Relative), Json("{\"format\": \"html\"}")));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Accepted));
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var bodies = await Task.WhenAll(responses.Select(async r => JsonNode.Parse(await r.Content.ReadAsStringAsync())!));
        Assert.Single(bodies.Select(b => b["id"]!.GetValue<string>()).Distinct());
        Assert.Single(bodies.Select(b => b["engine_job_id"]!.GetValue<string>()).Distinct());
        Assert.Equal("SUCCEEDED", (await WaitExportAsync(api, bodies[0]["id"]!.GetValue<string>()))["status"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task An_export_whose_job_died_without_ending_it_is_queued_again_and_a_replay_of_a_finished_one_carries_its_link(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (api, _, _) = await MemberClients.SignInAsync(app, "writer@example.org", "docs");
        var job = await UploadedJobAsync(api, await NarratedVideos.MakeAsync(withSubtitles: true));
        await PostAsync(api, job, "run", 202);
        await WaitAsync(api, job, Processing, "DRAFTED", "FAILED");
        var first = await WaitExportAsync(api, (await RequestAsync(api, job, "html", 202)).Value["id"]!.GetValue<string>());
        var replay = (await RequestAsync(api, job, "html", 200)).Value;
        Assert.StartsWith($"/api/v1/guides/exports/{first["id"]}/download?", replay["download_url"]!.GetValue<string>(), StringComparison.Ordinal);

        // What a worker killed on its last attempt leaves: the engine job failed by lease recovery, the export still RUNNING.
        var markdown = (await RequestAsync(api, job, "markdown", 202)).Value;
        await WaitExportAsync(api, markdown["id"]!.GetValue<string>());
        await using (var c = await app.Database.Database.OpenConnectionAsync())
        {
            await Dapper.SqlMapper.ExecuteAsync(c, "UPDATE guides_exports SET status = 'RUNNING', bundle_sha256 = NULL, provenance = NULL, completed_at = NULL WHERE id = @id",
                new { id = Guid.Parse(markdown["id"]!.GetValue<string>()) });
            await Dapper.SqlMapper.ExecuteAsync(c, "UPDATE jobs SET state = 'failed' WHERE id = @id", new { id = Guid.Parse(markdown["engine_job_id"]!.GetValue<string>()) });
        }
        var again = (await RequestAsync(api, job, "markdown", 202)).Value;
        Assert.Equal(markdown["id"]!.GetValue<string>(), again["id"]!.GetValue<string>());
        Assert.NotEqual(markdown["engine_job_id"]!.GetValue<string>(), again["engine_job_id"]!.GetValue<string>());
        Assert.Equal("SUCCEEDED", (await WaitExportAsync(api, again["id"]!.GetValue<string>()))["status"]!.GetValue<string>());
    }

    /// <summary>
    /// The same video through both databases, in every format: the same identity and the same bundle, byte for byte,
    /// twice (the runs seconds apart, so a PDF or DOCX stamped with the clock would differ).
    /// </summary>
    [Fact]
    public async Task The_same_content_gives_the_same_bundle_in_every_format_on_sqlite_and_postgres()
    {
        var video = await NarratedVideos.MakeAsync(withSubtitles: true);
        string[] formats = ["markdown", "html", "pdf", "docx"];
        var bundles = new List<(string Format, string Identity, string Sha256)>();
        foreach (var dialect in (string[])["sqlite", "postgres", "sqlite"])
        {
            await using var app = await TesseraAppFactory.CreateAsync(dialect);
            var (api, _, _) = await MemberClients.SignInAsync(app, "writer@example.org", "docs");
            var job = await UploadedJobAsync(api, video);
            await PostAsync(api, job, "run", 202);
            await WaitAsync(api, job, Processing, "DRAFTED", "FAILED");
            foreach (var format in formats)
            {
                var export = await WaitExportAsync(api, (await RequestAsync(api, job, format, 202)).Value["id"]!.GetValue<string>());
                Assert.True(export["status"]!.GetValue<string>() == "SUCCEEDED", export.ToJsonString());
                bundles.Add((format, export["identity"]!.GetValue<string>(), export["bundle_sha256"]!.GetValue<string>()));
            }
        }
        Assert.All(bundles.GroupBy(b => b.Format), runs => Assert.Single(runs.Distinct()));
        Assert.Equal(formats.Length, bundles.Select(b => b.Sha256).Distinct().Count());
    }

    private static Task<ContractResponse> RequestAsync(ContractClient api, string job, string format, int expected) =>
        api.SendJsonAsync(Request, $"/api/v1/guides/jobs/{job}/exports", expected, JsonSerializer.Serialize(new { format }));

    private static Dictionary<string, byte[]> Unzip(byte[] bundle)
    {
        using var zip = new ZipArchive(new MemoryStream(bundle), ZipArchiveMode.Read);
        return zip.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var stream = e.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        });
    }
}
