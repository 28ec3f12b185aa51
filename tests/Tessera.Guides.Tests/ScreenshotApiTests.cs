using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using SkiaSharp;
using Tessera.Testing;
using Tessera.Testing.Contracts;
using static Tessera.Guides.Tests.GuidesFixture;

namespace Tessera.Guides.Tests;

/// <summary>
/// Screenshots over HTTP on both dialects: frames taken at chosen times show the screen on at that time, once per
/// canonical request (replays in any order and races find the same task), a task whose worker died is reported FAILED
/// and queued again; uploaded images are checked when confirmed, attach to anchors, and detaching falls back.
/// </summary>
public class ScreenshotApiTests
{
    private static readonly TimeSpan Processing = TimeSpan.FromMinutes(2);
    private const string Extract = "POST /api/v1/guides/jobs/{jobId}/screenshots/extract";
    private const string GetTask = "GET /api/v1/guides/screenshot-tasks/{taskId}";
    private const string Upload = "POST /api/v1/guides/jobs/{jobId}/screenshots/uploads";
    private const string Confirm = "POST /api/v1/guides/jobs/{jobId}/screenshots/uploads/{uploadId}/confirm";
    private const string AttachUpload = "POST /api/v1/guides/anchors/{anchorId}/attach-upload";

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Frames_taken_at_chosen_times_show_those_screens_replays_find_the_same_task_and_a_frame_replaces_an_anchors_screenshot(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (api, _, _) = await MemberClients.SignInAsync(app, "writer@example.org", "docs");
        var (stranger, _, _) = await MemberClients.SignInAsync(app, "stranger@example.org", "elsewhere");
        var job = await UploadedJobAsync(api, await NarratedVideos.MakeAsync(withSubtitles: true));
        // Not processed yet: the video's length is unknown.
        Assert.Equal("MEDIA_NOT_READY", Code(await ExtractAsync(api, job, [1000], 409)));
        await PostAsync(api, job, "run", 202);
        Assert.Equal("DRAFTED", (await WaitAsync(api, job, Processing, "DRAFTED", "FAILED"))["status"]!.GetValue<string>());

        foreach (var invalid in new[] { "{}", "{\"timestamps_ms\": []}", "{\"timestamps_ms\": [1000, 7000]}", "{\"timestamps_ms\": [-1]}", "{\"timestamps_ms\": [60000]}",
                     "{\"timestamps_ms\": [1000, 3000, 1000]}", JsonSerializer.Serialize(new { timestamps_ms = Enumerable.Range(0, 51).Select(i => i * 10) }) })
            Assert.Equal("SCREENSHOT_REQUEST_INVALID", Code(await api.SendJsonAsync(Extract, $"/api/v1/guides/jobs/{job}/screenshots/extract", 422, invalid)));
        var twice = await ExtractAsync(api, job, [1000, 3000, 1000], 422);
        Assert.Contains(twice.Value["errors"]!.AsArray(), e => e!.GetValue<string>().StartsWith("timestamps_ms[0, 2]", StringComparison.Ordinal));

        // Someone else's job, or task, reads exactly like none.
        Assert.Equal((await ExtractAsync(stranger, Guid.NewGuid().ToString(), [1000], 404)).Body, (await ExtractAsync(stranger, job, [1000], 404)).Body);

        var queued = (await ExtractAsync(api, job, [5990, 1000], 202)).Value;
        Assert.Equal(("QUEUED", "[1000,5990]"), (queued["status"]!.GetValue<string>(), queued["timestamps_ms"]!.ToJsonString()));
        Assert.Empty(queued["screenshots"]!.AsArray());
        var id = queued["id"]!.GetValue<string>();
        // The same times in another order: the same task, nothing queued again.
        var replay = (await ExtractAsync(api, job, [1000, 5990], 200)).Value;
        Assert.Equal((id, queued["engine_job_id"]!.GetValue<string>()), (replay["id"]!.GetValue<string>(), replay["engine_job_id"]!.GetValue<string>()));
        Assert.Equal((await stranger.GetAsync(GetTask, $"/api/v1/guides/screenshot-tasks/{Guid.NewGuid()}", 404)).Body,
            (await stranger.GetAsync(GetTask, $"/api/v1/guides/screenshot-tasks/{id}", 404)).Body);

        var done = await WaitTaskAsync(api, id);
        Assert.True(done["status"]!.GetValue<string>() == "SUCCEEDED", done.ToJsonString());
        var shots = done["screenshots"]!.AsArray();
        Assert.Equal([1000L, 5990L], shots.Select(s => s!["timestamp_ms"]!.GetValue<long>()));
        // The red screen at 1 s and, after the last frame began, that frame: the green screen; PNGs of the video's size.
        var red = await PixelAsync(api, shots[0]!);
        var green = await PixelAsync(api, shots[1]!);
        Assert.True(red is { Red: > 200, Green: < 60, Blue: < 60 }, $"at 1 s: {red}");
        Assert.True(green is { Green: > 90, Red: < 60, Blue: < 60 }, $"at 5.99 s: {green}");
        Assert.All(shots, s => Assert.Equal((320, 240), (s!["width"]!.GetValue<int>(), s["height"]!.GetValue<int>())));
        Assert.Equal(done.ToJsonString(), (await ExtractAsync(api, job, [5990, 1000], 200)).Value.ToJsonString());

        // A frame taken at a chosen time replaces an anchor's screenshot by its hash.
        var draft = (await api.GetAsync("GET /api/v1/guides/jobs/{jobId}/instructions", $"/api/v1/guides/jobs/{job}/instructions")).Value;
        var anchor = await AnchorAsync(api, draft["id"]!.GetValue<string>(), draft["blocks"]![0]!["id"]!.GetValue<string>());
        var replaced = (await api.SendJsonAsync("POST /api/v1/guides/anchors/{anchorId}/replace", $"/api/v1/guides/anchors/{anchor}/replace", 200,
            JsonSerializer.Serialize(new { frame_sha256 = shots[1]!["sha256"]!.GetValue<string>() }))).Value;
        Assert.Equal((shots[1]!["asset_id"]!.GetValue<string>(), "frame"), (replaced["active_asset"]!["id"]!.GetValue<string>(), replaced["active_asset"]!["kind"]!.GetValue<string>()));

        // Once the job is cancelled it takes no new screenshots, but a replay still answers the task it made.
        await PostAsync(api, job, "cancel", 200);
        Assert.Equal(done.ToJsonString(), (await ExtractAsync(api, job, [1000, 5990], 200)).Value.ToJsonString());
        Assert.Equal("INVALID_TRANSITION", Code(await ExtractAsync(api, job, [2000], 409)));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Twenty_identical_requests_at_once_make_one_task_and_one_engine_job_and_an_abandoned_task_fails_then_is_queued_again(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (api, _, _) = await MemberClients.SignInAsync(app, "writer@example.org", "docs");
        var job = await UploadedJobAsync(api, await NarratedVideos.MakeAsync(withSubtitles: true));
        await PostAsync(api, job, "run", 202);
        await WaitAsync(api, job, Processing, "DRAFTED", "FAILED");

        // Half of them name the times in the other order.
        var responses = await Races.RunAsync(20, i => api.Http.PostAsync(new Uri($"/api/v1/guides/jobs/{job}/screenshots/extract", UriKind.Relative),
            Json(i % 2 == 0 ? "{\"timestamps_ms\": [2500, 500]}" : "{\"timestamps_ms\": [500, 2500]}")));

        await Races.AssertNoServerErrorsAsync(responses);
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Accepted));
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var bodies = await Task.WhenAll(responses.Select(async r => JsonNode.Parse(await r.Content.ReadAsStringAsync())!));
        Assert.Single(bodies.Select(b => b["id"]!.GetValue<string>()).Distinct());
        await using (var c = await app.Database.Database.OpenConnectionAsync())
            Assert.Equal(1, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM jobs WHERE kind = 'guides.screenshots'"));
        var task = await WaitTaskAsync(api, bodies[0]["id"]!.GetValue<string>());
        Assert.Equal("SUCCEEDED", task["status"]!.GetValue<string>());

        // What a worker killed on its last attempt leaves: the engine job failed by lease recovery, the task still RUNNING.
        var other = (await ExtractAsync(api, job, [4500], 202)).Value;
        await WaitTaskAsync(api, other["id"]!.GetValue<string>());
        await using (var c = await app.Database.Database.OpenConnectionAsync())
        {
            await c.ExecuteAsync("DELETE FROM guides_screenshot_shots WHERE task_id = @id", new { id = Guid.Parse(other["id"]!.GetValue<string>()) });
            await c.ExecuteAsync("UPDATE guides_screenshot_tasks SET status = 'RUNNING', completed_at = NULL WHERE id = @id", new { id = Guid.Parse(other["id"]!.GetValue<string>()) });
            await c.ExecuteAsync("UPDATE jobs SET state = 'failed' WHERE id = @id", new { id = Guid.Parse(other["engine_job_id"]!.GetValue<string>()) });
        }
        var abandoned = (await api.GetAsync(GetTask, $"/api/v1/guides/screenshot-tasks/{other["id"]}")).Value;
        Assert.Equal(("FAILED", "GUIDES_SCREENSHOTS_FAILED"), (abandoned["status"]!.GetValue<string>(), abandoned["failure"]!["code"]!.GetValue<string>()));
        var again = (await ExtractAsync(api, job, [4500], 202)).Value;
        Assert.Equal(other["id"]!.GetValue<string>(), again["id"]!.GetValue<string>());
        Assert.NotEqual(other["engine_job_id"]!.GetValue<string>(), again["engine_job_id"]!.GetValue<string>());
        Assert.Equal("SUCCEEDED", (await WaitTaskAsync(api, again["id"]!.GetValue<string>()))["status"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task An_uploaded_screenshot_is_checked_when_confirmed_attaches_to_an_anchor_once_and_detaching_falls_back(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (api, _, _) = await MemberClients.SignInAsync(app, "writer@example.org", "docs");
        var (stranger, _, _) = await MemberClients.SignInAsync(app, "stranger@example.org", "elsewhere");
        var job = await UploadedJobAsync(api, await NarratedVideos.MakeAsync(withSubtitles: true));
        await PostAsync(api, job, "run", 202);
        await WaitAsync(api, job, Processing, "DRAFTED", "FAILED");
        var draft = (await api.GetAsync("GET /api/v1/guides/jobs/{jobId}/instructions", $"/api/v1/guides/jobs/{job}/instructions")).Value;
        var anchor = await AnchorAsync(api, draft["id"]!.GetValue<string>(), draft["blocks"]![1]!["id"]!.GetValue<string>());
        var frame = (await GetAnchorAsync(api, anchor))["active_asset"]!["id"]!.GetValue<string>();

        // Bytes that are no image are stored, but refused when confirmed, and recorded as nothing.
        var text = (await UploadAsync(api, job, "not a screenshot"u8.ToArray(), "image/png", 201)).Value;
        Assert.Equal("SCREENSHOT_INVALID", Code(await ConfirmAsync(api, job, text["id"]!.GetValue<string>(), 422)));
        Assert.Equal("UPLOADED", (await UploadAsync(api, job, "not a screenshot"u8.ToArray(), "image/png", 200)).Value["status"]!.GetValue<string>());
        Assert.Equal("GUIDES_UPLOAD_FORM_INVALID", Code(await UploadAsync(api, job, [], "image/png", 400)));
        // A small file that would decode to a huge bitmap (6100 × 6100 of one grey, 37 megapixels) is refused before it is decoded.
        byte[] huge;
        using (var grey = new SKBitmap(new SKImageInfo(6100, 6100, SKColorType.Gray8, SKAlphaType.Opaque)))
        {
            grey.Erase(new SKColor(128, 128, 128));
            using var encoded = grey.Encode(SKEncodedImageFormat.Png, 100);
            huge = encoded.ToArray();
        }
        var tooBig = await ConfirmAsync(api, job, (await UploadAsync(api, job, huge, "image/png", 201)).Value["id"]!.GetValue<string>(), 422);
        Assert.Equal("SCREENSHOT_INVALID", Code(tooBig));
        Assert.Contains("megapixels", tooBig.Value["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        var png = Image(SKEncodedImageFormat.Png, new SKColor(255, 0, 255));
        var upload = (await UploadAsync(api, job, png, "image/png", 201)).Value;
        var uploadId = upload["id"]!.GetValue<string>();
        Assert.Equal(("UPLOADED", uploadId), (upload["status"]!.GetValue<string>(), (await UploadAsync(api, job, png, "image/png", 200)).Value["id"]!.GetValue<string>()));
        Assert.Equal("UPLOAD_NOT_CONFIRMED", Code(await AttachAsync(api, anchor, uploadId, 409)));

        var confirmed = (await ConfirmAsync(api, job, uploadId, 200)).Value;
        var asset = confirmed["asset"]!;
        Assert.Equal(("CONFIRMED", "upload", 200, 100), (confirmed["status"]!.GetValue<string>(), asset["kind"]!.GetValue<string>(), asset["width"]!.GetValue<int>(), asset["height"]!.GetValue<int>()));
        Assert.Equal(upload["sha256"]!.GetValue<string>(), asset["sha256"]!.GetValue<string>());
        Assert.Equal(confirmed.ToJsonString(), (await ConfirmAsync(api, job, uploadId, 200)).Value.ToJsonString());

        // Someone else's anchor or upload, another job's upload, and none at all read alike.
        var missing = (await AttachAsync(stranger, Guid.NewGuid().ToString(), uploadId, 404)).Body;
        Assert.Equal(missing, (await AttachAsync(stranger, anchor, uploadId, 404)).Body);
        Assert.Equal(missing, (await ConfirmAsync(stranger, job, uploadId, 404)).Body);
        Assert.Equal(missing, (await UploadAsync(stranger, job, png, "image/png", 404)).Body);
        var otherJob = await JobAsync(api, await ProjectAsync(api, "Elsewhere"));
        var elsewhere = (await UploadAsync(api, otherJob, png, "image/png", 201)).Value["id"]!.GetValue<string>();
        await ConfirmAsync(api, otherJob, elsewhere, 200);
        Assert.Equal("RESOURCE_NOT_FOUND", Code(await AttachAsync(api, anchor, elsewhere, 404)));
        Assert.Equal("RESOURCE_NOT_FOUND", Code(await ConfirmAsync(api, job, elsewhere, 404)));

        // Attached once, active; an annotation draws on it; detaching falls back to the upload, then to the frame.
        var attached = (await AttachAsync(api, anchor, uploadId, 200)).Value;
        Assert.Equal(asset["id"]!.GetValue<string>(), attached["active_asset"]!["id"]!.GetValue<string>());
        Assert.Equal(attached.ToJsonString(), (await AttachAsync(api, anchor, uploadId, 200)).Value.ToJsonString());
        Assert.Equal(asset["id"]!.GetValue<string>(), (await GetAnchorAsync(api, anchor))["active_asset"]!["id"]!.GetValue<string>());
        using (var shown = SKBitmap.Decode(await api.Http.GetByteArrayAsync(new Uri($"/api/v1/guides/assets/{asset["id"]}", UriKind.Relative))))
            Assert.Equal(new SKColor(255, 0, 255), shown.GetPixel(100, 50));
        var render = (await api.SendJsonAsync("POST /api/v1/guides/anchors/{anchorId}/annotations", $"/api/v1/guides/anchors/{anchor}/annotations", 201,
            "{\"ops\": [{\"type\": \"box\", \"rect\": [10, 10, 50, 30]}]}")).Value["asset"]!;
        Assert.Equal(asset["id"]!.GetValue<string>(), render["source_asset_id"]!.GetValue<string>());
        var back = (await DetachAsync(api, anchor, render["id"]!.GetValue<string>())).Value;
        Assert.Equal(asset["id"]!.GetValue<string>(), back["active_asset"]!["id"]!.GetValue<string>());
        Assert.Equal(frame, (await DetachAsync(api, anchor, asset["id"]!.GetValue<string>())).Value["active_asset"]!["id"]!.GetValue<string>());

        // A JPEG is kept as PNG: its asset is another hash than the bytes sent, and decodes to its size.
        var jpeg = (await UploadAsync(api, job, Image(SKEncodedImageFormat.Jpeg, new SKColor(0, 200, 200)), "image/jpeg", 201)).Value;
        var kept = (await ConfirmAsync(api, job, jpeg["id"]!.GetValue<string>(), 200)).Value["asset"]!;
        Assert.NotEqual(jpeg["sha256"]!.GetValue<string>(), kept["sha256"]!.GetValue<string>());
        var bytes = await api.Http.GetByteArrayAsync(new Uri($"/api/v1/guides/assets/{kept["id"]}", UriKind.Relative));
        using var codec = SKCodec.Create(new MemoryStream(bytes));
        Assert.Equal((SKEncodedImageFormat.Png, 200, 100), (codec.EncodedFormat, codec.Info.Width, codec.Info.Height));
    }

    private static Task<ContractResponse> ExtractAsync(ContractClient api, string job, long[] timestamps, int expected) =>
        api.SendJsonAsync(Extract, $"/api/v1/guides/jobs/{job}/screenshots/extract", expected, JsonSerializer.Serialize(new { timestamps_ms = timestamps }));

    private static async Task<JsonNode> WaitTaskAsync(ContractClient api, string id)
    {
        var deadline = DateTime.UtcNow + Processing;
        while (true)
        {
            var task = (await api.GetAsync(GetTask, $"/api/v1/guides/screenshot-tasks/{id}")).Value;
            if (task["status"]!.GetValue<string>() is "SUCCEEDED" or "FAILED") return task;
            Assert.True(DateTime.UtcNow < deadline, $"the screenshot task did not end in {Processing}: {task.ToJsonString()}");
            await Task.Delay(100);
        }
    }

    /// <summary>The middle pixel of a taken frame, fetched through its URL.</summary>
    private static async Task<SKColor> PixelAsync(ContractClient api, JsonNode shot)
    {
        using var image = SKBitmap.Decode(await api.Http.GetByteArrayAsync(new Uri(shot["url"]!.GetValue<string>(), UriKind.Relative)));
        Assert.Equal((shot["width"]!.GetValue<int>(), shot["height"]!.GetValue<int>()), (image.Width, image.Height));
        return image.GetPixel(160, 120);
    }

    private static Task<ContractResponse> UploadAsync(ContractClient api, string job, byte[] bytes, string mediaType, int expected)
    {
        var body = new ByteArrayContent(bytes);
        body.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return api.SendAsync(Upload, $"/api/v1/guides/jobs/{job}/screenshots/uploads", expected, body);
    }

    private static Task<ContractResponse> ConfirmAsync(ContractClient api, string job, string upload, int expected) =>
        api.SendAsync(Confirm, $"/api/v1/guides/jobs/{job}/screenshots/uploads/{upload}/confirm", expected);

    private static Task<ContractResponse> AttachAsync(ContractClient api, string anchor, string upload, int expected) =>
        api.SendJsonAsync(AttachUpload, $"/api/v1/guides/anchors/{anchor}/attach-upload", expected, JsonSerializer.Serialize(new { upload_id = upload }));

    private static Task<ContractResponse> DetachAsync(ContractClient api, string anchor, string asset) =>
        api.SendAsync("DELETE /api/v1/guides/anchors/{anchorId}/assets/{assetId}", $"/api/v1/guides/anchors/{anchor}/assets/{asset}", 200);

    private static async Task<string> AnchorAsync(ContractClient api, string instruction, string blockId) =>
        (await api.SendJsonAsync("POST /api/v1/guides/instructions/{instructionId}/anchors", $"/api/v1/guides/instructions/{instruction}/anchors", 201,
            JsonSerializer.Serialize(new { block_id = blockId }))).Id;

    private static async Task<JsonNode> GetAnchorAsync(ContractClient api, string anchor) =>
        (await api.GetAsync("GET /api/v1/guides/anchors/{anchorId}", $"/api/v1/guides/anchors/{anchor}")).Value;

    /// <summary>A 200×100 image of one colour.</summary>
    private static byte[] Image(SKEncodedImageFormat format, SKColor color)
    {
        using var bitmap = new SKBitmap(200, 100);
        bitmap.Erase(color);
        using var data = bitmap.Encode(format, 90);
        return data.ToArray();
    }
}
