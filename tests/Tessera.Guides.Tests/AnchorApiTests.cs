using System.IO.Compression;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using SkiaSharp;
using Tessera.Testing;
using Tessera.Testing.Contracts;
using static Tessera.Guides.Tests.GuidesFixture;

namespace Tessera.Guides.Tests;

/// <summary>
/// Anchors, screenshot assets and annotations over HTTP on both dialects: an anchor pins a step's frame, an operation
/// log is drawn on it (the same log: the same render), replays and races have one effect, an invalid log writes
/// nothing, detaching falls back, saves resolve anchors (moved, found by quote, orphaned), and exports show renders.
/// </summary>
public class AnchorApiTests
{
    private static readonly TimeSpan Processing = TimeSpan.FromMinutes(2);

    // A box, an arrow, a highlight, a blurred rectangle and a label on a 320×240 screen.
    private static readonly JsonArray Ops = JsonNode.Parse("""
        [
          {"type": "box", "rect": [20, 20, 100, 60]},
          {"type": "arrow", "from": [200, 200], "to": [130, 80], "color": "#00FF00", "width": 3},
          {"type": "highlight", "rect": [150, 20, 100, 40]},
          {"type": "blur", "rect": [0, 180, 160, 60], "radius": 8},
          {"type": "text", "at": [20, 120], "text": "Click here", "size": 18}
        ]
        """)!.AsArray();

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task An_anchor_pins_a_frame_an_annotation_renders_once_and_becomes_active_and_detaching_falls_back(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (api, _, _) = await MemberClients.SignInAsync(app, "writer@example.org", "docs");
        var (stranger, _, _) = await MemberClients.SignInAsync(app, "stranger@example.org", "elsewhere");
        var (instruction, blocks) = await DraftedAsync(api);
        var step2 = blocks[1]!;

        Assert.Equal("ANCHOR_TARGET_INVALID", Code(await AnchorAsync(api, instruction, new { block_id = "blk_missing" }, 422)));
        Assert.Equal("ANCHOR_TARGET_INVALID", Code(await AnchorAsync(api, instruction, new { block_id = Id(step2), char_range = new { start = 2, end = 999 } }, 422)));
        Assert.Equal("RESOURCE_NOT_FOUND", Code(await AnchorAsync(stranger, instruction, new { block_id = Id(step2) }, 404)));
        var anchor = (await AnchorAsync(api, instruction, new { block_id = Id(step2) }, 201)).Value;
        Assert.Equal(anchor["id"]!.GetValue<string>(), (await AnchorAsync(api, instruction, new { block_id = Id(step2) }, 200)).Value["id"]!.GetValue<string>());
        var id = anchor["id"]!.GetValue<string>();
        Assert.Equal(("resolved", "Click Privacy."), (anchor["resolution"]!.GetValue<string>(), anchor["quote"]!.GetValue<string>()));
        var frame = anchor["active_asset"]!;
        Assert.Equal(("frame", step2["frame_sha256"]!.GetValue<string>(), 320, 240),
            (frame["kind"]!.GetValue<string>(), frame["sha256"]!.GetValue<string>(), frame["width"]!.GetValue<int>(), frame["height"]!.GetValue<int>()));

        // An invalid log: every problem by index, nothing written.
        var invalid = await AnnotateAsync(api, id, new JsonArray(
            new JsonObject { ["type"] = "box", ["rect"] = new JsonArray(300, 10, 100, 10) },
            new JsonObject { ["type"] = "circle" },
            new JsonObject { ["type"] = "text", ["at"] = new JsonArray(1, 1), ["text"] = "", ["color"] = "red" }), 422);
        Assert.Equal("ANNOTATION_INVALID", Code(invalid));
        var errors = invalid.Value["errors"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();
        Assert.Contains(errors, e => e.StartsWith("ops[0].rect", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("ops[1].type", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("ops[2].text", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("ops[2].color", StringComparison.Ordinal));
        Assert.Single((await GetAnchorAsync(api, id))["assets"]!.AsArray());

        // Twenty identical annotations at once: one render, attached once, active.
        var responses = await Races.RunAsync(20, _ => api.Http.PostAsync(new Uri($"/api/v1/guides/anchors/{id}/annotations", UriKind.Relative),
            Json(new JsonObject { ["ops"] = Ops.DeepClone() }.ToJsonString())));
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var render = JsonNode.Parse(await responses.First(r => r.StatusCode == HttpStatusCode.Created).Content.ReadAsStringAsync())!["asset"]!;
        var after = await GetAnchorAsync(api, id);
        Assert.Equal(2, after["assets"]!.AsArray().Count);
        Assert.Equal(render["id"]!.GetValue<string>(), after["active_asset"]!["id"]!.GetValue<string>());
        Assert.Equal(("annotated", frame["id"]!.GetValue<string>()), (render["kind"]!.GetValue<string>(), render["source_asset_id"]!.GetValue<string>()));
        Assert.Equal("#e11d48", render["ops"]![0]!["color"]!.GetValue<string>());
        Assert.Equal("#00ff00", render["ops"]![1]!["color"]!.GetValue<string>());

        // The render: the frame (solid blue) with a red box outline, a green arrow, a yellowish highlight and the label.
        using var drawn = SKBitmap.Decode(await api.Http.GetByteArrayAsync(new Uri($"/api/v1/guides/assets/{render["id"]}", UriKind.Relative)));
        Assert.Equal((320, 240), (drawn.Width, drawn.Height));
        // Untouched: the screen's blue (the video codec leaves it a shade off pure).
        Assert.True(drawn.GetPixel(300, 150) is { Blue: > 240, Red: < 15, Green: < 15 }, $"untouched {drawn.GetPixel(300, 150)}");
        Assert.True(drawn.GetPixel(70, 20).Red > 200 && drawn.GetPixel(70, 20).Blue < 100, $"box edge {drawn.GetPixel(70, 20)}");
        // 35 % of #facc15 over the blue: about (87, 71, 172).
        Assert.True(drawn.GetPixel(200, 40) is { Red: > 75 and < 100, Green: > 60 and < 85, Blue: > 160 and < 185 }, $"highlight {drawn.GetPixel(200, 40)}");
        var darkText = Enumerable.Range(20, 90).SelectMany(x => Enumerable.Range(104, 18).Select(y => drawn.GetPixel(x, y))).Count(p => p.Red + p.Green + p.Blue < 150);
        Assert.True(darkText > 30, $"{darkText} dark pixels where the label is");
        await stranger.GetAsync("GET /api/v1/guides/assets/{assetId}", $"/api/v1/guides/assets/{render["id"]}", 404);

        // Detach the render: the frame is active again; the render is still stored; detaching it again is 404.
        var detached = (await api.SendAsync("DELETE /api/v1/guides/anchors/{anchorId}/assets/{assetId}", $"/api/v1/guides/anchors/{id}/assets/{render["id"]}", 200)).Value;
        Assert.Equal(frame["id"]!.GetValue<string>(), detached["active_asset"]!["id"]!.GetValue<string>());
        Assert.NotNull(detached["assets"]![1]!["detached_at"]);
        await api.SendAsync("DELETE /api/v1/guides/anchors/{anchorId}/assets/{assetId}", $"/api/v1/guides/anchors/{id}/assets/{render["id"]}", 404);
        await api.GetAsync("GET /api/v1/guides/assets/{assetId}", $"/api/v1/guides/assets/{render["id"]}");
        // The same log again: the standing render, active again.
        var again = (await AnnotateAsync(api, id, Ops, 200)).Value;
        Assert.Equal(render["id"]!.GetValue<string>(), again["anchor"]!["active_asset"]!["id"]!.GetValue<string>());

        // Another frame replaces it; a frame not the job's is refused; then a detached-to-nothing anchor cannot be drawn on.
        var first = blocks[0]!["frame_sha256"]!.GetValue<string>();
        var replaced = (await api.SendJsonAsync("POST /api/v1/guides/anchors/{anchorId}/replace", $"/api/v1/guides/anchors/{id}/replace", 200,
            JsonSerializer.Serialize(new { frame_sha256 = first }))).Value;
        Assert.Equal(first, replaced["active_asset"]!["sha256"]!.GetValue<string>());
        await api.SendJsonAsync("POST /api/v1/guides/anchors/{anchorId}/replace", $"/api/v1/guides/anchors/{id}/replace", 400, JsonSerializer.Serialize(new { frame_sha256 = new string('0', 64) }));
        foreach (var attachment in replaced["assets"]!.AsArray().Where(a => a!["detached_at"] is null))
            await api.SendAsync("DELETE /api/v1/guides/anchors/{anchorId}/assets/{assetId}", $"/api/v1/guides/anchors/{id}/assets/{attachment!["asset"]!["id"]}", 200);
        Assert.Null((await GetAnchorAsync(api, id))["active_asset"]);
        Assert.Equal("ANCHOR_HAS_NO_SCREENSHOT", Code(await AnnotateAsync(api, id, Ops, 409)));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Saves_resolve_anchors_and_an_export_shows_the_annotated_screenshot(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (api, _, _) = await MemberClients.SignInAsync(app, "writer@example.org", "docs");
        var (instruction, blocks) = await DraftedAsync(api);
        var moved = (await AnchorAsync(api, instruction, new { block_id = Id(blocks[2]!) }, 201)).Value["id"]!.GetValue<string>();
        var quoted = (await AnchorAsync(api, instruction, new { block_id = Id(blocks[0]!), char_range = new { start = 9, end = 17 } }, 201)).Value;
        Assert.Equal("Settings", quoted["quote"]!.GetValue<string>());
        var orphan = (await AnchorAsync(api, instruction, new { block_id = Id(blocks[1]!) }, 201)).Value["id"]!.GetValue<string>();
        var render = (await AnnotateAsync(api, moved, Ops, 201)).Value["asset"]!["sha256"]!.GetValue<string>();

        // Version 2: step 3 first; step 1 retyped as a new step (its old id gone, "Settings" still said); step 2 dropped.
        var save = new JsonObject
        {
            ["base_version"] = 1,
            ["blocks"] = new JsonArray(
                new JsonObject { ["id"] = Id(blocks[2]!), ["text"] = blocks[2]!["text"]!.GetValue<string>(), ["frame_sha256"] = blocks[2]!["frame_sha256"]!.GetValue<string>() },
                new JsonObject { ["text"] = "Open Settings from the menu bar.", ["frame_sha256"] = blocks[0]!["frame_sha256"]!.GetValue<string>() }),
        };
        var saved = (await api.SendJsonAsync("PUT /api/v1/guides/instructions/{instructionId}", $"/api/v1/guides/instructions/{instruction}", 200, save.ToJsonString())).Value;
        var anchors = (await api.GetAsync("GET /api/v1/guides/instructions/{instructionId}/anchors", $"/api/v1/guides/instructions/{instruction}/anchors")).Value.AsArray();
        var byId = anchors.ToDictionary(a => a!["id"]!.GetValue<string>());
        Assert.Equal(("moved", 0, 2), (byId[moved]!["resolution"]!.GetValue<string>(), byId[moved]!["resolved_index"]!.GetValue<int>(), byId[moved]!["resolved_version"]!.GetValue<int>()));
        var retyped = byId[quoted["id"]!.GetValue<string>()]!;
        Assert.Equal(("moved", Id(saved["blocks"]![1]!)), (retyped["resolution"]!.GetValue<string>(), retyped["resolved_block_id"]!.GetValue<string>()));
        Assert.Equal("orphaned", byId[orphan]!["resolution"]!.GetValue<string>());
        Assert.Null(byId[orphan]!["resolved_block_id"]);

        // The export of version 2 shows the render for the moved step (and the quoted anchor's frame for the other).
        var export = (await api.SendJsonAsync("POST /api/v1/guides/jobs/{jobId}/exports", $"/api/v1/guides/jobs/{saved["job_id"]}/exports", 202, "{\"format\": \"markdown\"}")).Value;
        var done = await WaitExportAsync(api, export["id"]!.GetValue<string>());
        Assert.Equal("SUCCEEDED", done["status"]!.GetValue<string>());
        Assert.Contains(render, done["provenance"]!["screenshots"]!.AsArray().Select(s => s!.GetValue<string>()));
        using var zip = new ZipArchive(new MemoryStream(await api.Http.GetByteArrayAsync(new Uri(done["download_url"]!.GetValue<string>(), UriKind.Relative))));
        Assert.NotNull(zip.GetEntry($"images/{render[..16]}.png"));
    }

    [Fact]
    public async Task The_same_log_on_the_same_frame_renders_the_same_bytes_on_sqlite_and_postgres()
    {
        var video = await NarratedVideos.MakeAsync(withSubtitles: true);
        var renders = new List<(string OpsHash, string Sha256)>();
        foreach (var dialect in (string[])["sqlite", "postgres"])
        {
            await using var app = await TesseraAppFactory.CreateAsync(dialect);
            var (api, _, _) = await MemberClients.SignInAsync(app, "writer@example.org", "docs");
            var (instruction, blocks) = await DraftedAsync(api, video);
            var anchor = (await AnchorAsync(api, instruction, new { block_id = Id(blocks[1]!) }, 201)).Value["id"]!.GetValue<string>();
            var asset = (await AnnotateAsync(api, anchor, Ops, 201)).Value["asset"]!;
            renders.Add((asset["ops_hash"]!.GetValue<string>(), asset["sha256"]!.GetValue<string>()));
        }
        Assert.Single(renders.Distinct());
    }

    private static async Task<(string Instruction, JsonArray Blocks)> DraftedAsync(ContractClient api, byte[]? video = null)
    {
        var job = await UploadedJobAsync(api, video ?? await NarratedVideos.MakeAsync(withSubtitles: true));
        await PostAsync(api, job, "run", 202);
        await WaitAsync(api, job, Processing, "DRAFTED", "FAILED");
        var draft = (await api.GetAsync("GET /api/v1/guides/jobs/{jobId}/instructions", $"/api/v1/guides/jobs/{job}/instructions")).Value;
        return (draft["id"]!.GetValue<string>(), draft["blocks"]!.AsArray());
    }

    private static string Id(JsonNode block) => block["id"]!.GetValue<string>();

    private static Task<ContractResponse> AnchorAsync(ContractClient api, string instruction, object body, int expected) =>
        api.SendJsonAsync("POST /api/v1/guides/instructions/{instructionId}/anchors", $"/api/v1/guides/instructions/{instruction}/anchors", expected, JsonSerializer.Serialize(body));

    private static Task<ContractResponse> AnnotateAsync(ContractClient api, string anchor, JsonArray ops, int expected) =>
        api.SendJsonAsync("POST /api/v1/guides/anchors/{anchorId}/annotations", $"/api/v1/guides/anchors/{anchor}/annotations", expected,
            new JsonObject { ["ops"] = ops.DeepClone() }.ToJsonString());

    private static async Task<JsonNode> GetAnchorAsync(ContractClient api, string anchor) =>
        (await api.GetAsync("GET /api/v1/guides/anchors/{anchorId}", $"/api/v1/guides/anchors/{anchor}")).Value;
}
