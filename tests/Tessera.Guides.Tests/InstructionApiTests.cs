using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Testing;
using Tessera.Testing.Contracts;
using static Tessera.Guides.Tests.GuidesFixture;

namespace Tessera.Guides.Tests;

/// <summary>Saving instructions with base_version: each save a new immutable version, a stale base a conflict, races one winner.</summary>
public class InstructionApiTests
{
    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Edits_become_versions_a_stale_base_is_a_conflict_and_twenty_racing_saves_have_one_winner(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (api, _, _) = await MemberClients.SignInAsync(app, "writer@example.org", "docs");
        var (stranger, _, _) = await MemberClients.SignInAsync(app, "stranger@example.org", "elsewhere");
        var job = await UploadedJobAsync(api, await NarratedVideos.MakeAsync(withSubtitles: true));
        Assert.Equal("INSTRUCTIONS_NOT_READY", Code(await api.GetAsync("GET /api/v1/guides/jobs/{jobId}/instructions", $"/api/v1/guides/jobs/{job}/instructions", 409)));
        await PostAsync(api, job, "run", 202);
        await WaitAsync(api, job, TimeSpan.FromMinutes(2), "DRAFTED", "FAILED");
        var draft = (await api.GetAsync("GET /api/v1/guides/jobs/{jobId}/instructions", $"/api/v1/guides/jobs/{job}/instructions")).Value;
        var id = draft["id"]!.GetValue<string>();
        var blocks = draft["blocks"]!.AsArray();

        // Swap the last two steps, reword one, drop the first's screenshot, add a step.
        var edit = new JsonArray(
            Edit(blocks[0]!, "Open Settings from the menu bar.", frame: false),
            Edit(blocks[2]!, null, frame: true),
            Edit(blocks[1]!, null, frame: true),
            new JsonObject { ["text"] = "Close the window." });
        var saved = (await SaveAsync(api, id, 1, edit, 200)).Value;
        Assert.Equal(2, saved["version"]!.GetValue<int>());
        Assert.Equal("editor", saved["source"]!.GetValue<string>());
        Assert.Equal("needs_review", saved["validation_status"]!.GetValue<string>());
        Assert.Equal(2, saved["validation_issues"]!.AsArray().Count);
        var after = saved["blocks"]!.AsArray();
        Assert.Equal(["Open Settings from the menu bar.", "Press Save to finish.", "Click Privacy.", "Close the window."], after.Select(b => b!["text"]!.GetValue<string>()));
        Assert.Equal(blocks[2]!["id"]!.GetValue<string>(), after[1]!["id"]!.GetValue<string>());
        Assert.Equal(blocks[2]!["start"]!.GetValue<double>(), after[1]!["start"]!.GetValue<double>());
        Assert.StartsWith("blk_", after[3]!["id"]!.GetValue<string>(), StringComparison.Ordinal);

        // Version 1 is as it was; the current one is 2.
        var first = (await api.GetAsync("GET /api/v1/guides/instructions/{instructionId}", $"/api/v1/guides/instructions/{id}?version=1")).Value;
        Assert.Equal(draft["blocks"]!.ToJsonString(), first["blocks"]!.ToJsonString());
        Assert.Equal(2, first["current_version"]!.GetValue<int>());
        await api.GetAsync("GET /api/v1/guides/instructions/{instructionId}", $"/api/v1/guides/instructions/{id}?version=9", 404);

        var stale = await SaveAsync(api, id, 1, edit, 409);
        Assert.Equal("VERSION_CONFLICT", Code(stale));
        Assert.Equal(2, stale.Value["current_version"]!.GetValue<int>());
        Assert.Equal("VALIDATION_FAILED", Code(await SaveAsync(api, id, 2, new JsonArray(new JsonObject { ["text"] = "x", ["frame_sha256"] = new string('a', 64) }), 400)));
        Assert.Equal("VALIDATION_FAILED", Code(await SaveAsync(api, id, 2, new JsonArray(new JsonObject { ["text"] = "  " }), 400)));
        Assert.Equal("VALIDATION_FAILED", Code(await SaveAsync(api, id, 2, new JsonArray(new JsonObject { ["text"] = "Ring the bell\u0007." }), 400)));
        Assert.Equal("VALIDATION_FAILED", Code(await SaveAsync(api, id, 2, new JsonArray(Edit(blocks[0]!, null, true), Edit(blocks[0]!, null, true)), 400)));
        await SaveAsync(stranger, id, 2, edit, 404);

        var body = JsonSerializer.Serialize(new { base_version = 2, blocks = edit });
        var racing = await Races.RunAsync(20, _ => api.Http.PutAsync(new Uri($"/api/v1/guides/instructions/{id}", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json")));
        await Races.AssertNoServerErrorsAsync(racing);
        var counts = Races.CountByStatus(racing);
        Assert.Equal(1, counts[HttpStatusCode.OK]);
        Assert.Equal(19, counts[HttpStatusCode.Conflict]);
        Assert.Equal(3, (await api.GetAsync("GET /api/v1/guides/jobs/{jobId}/instructions", $"/api/v1/guides/jobs/{job}/instructions")).Value["version"]!.GetValue<int>());
    }

    private static JsonObject Edit(JsonNode block, string? text, bool frame)
    {
        var edit = new JsonObject { ["id"] = block["id"]!.GetValue<string>(), ["text"] = text ?? block["text"]!.GetValue<string>() };
        if (frame) edit["frame_sha256"] = block["frame_sha256"]!.GetValue<string>();
        return edit;
    }

    private static Task<ContractResponse> SaveAsync(ContractClient api, string id, int baseVersion, JsonArray blocks, int expected) =>
        api.SendAsync("PUT /api/v1/guides/instructions/{instructionId}", $"/api/v1/guides/instructions/{id}", expected,
            Json(JsonSerializer.Serialize(new { base_version = baseVersion, blocks })));
}
