using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Testing;
using Tessera.Testing.Contracts;
using static Tessera.Guides.Tests.GuidesFixture;

namespace Tessera.Guides.Tests;

/// <summary>
/// Regenerate: selected steps (or all) written again from the transcript as the next version, through a task; replays
/// by client_request_id, a reused id, a stale base, a bad selection, strangers, and twenty racing requests.
/// </summary>
public class RegenerateApiTests
{
    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Selected_steps_are_written_again_as_the_next_version_and_a_request_id_replays_its_task(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (api, _, _) = await MemberClients.SignInAsync(app, "writer@example.org", "docs");
        var (stranger, _, _) = await MemberClients.SignInAsync(app, "stranger@example.org", "elsewhere");
        var job = await UploadedJobAsync(api, await NarratedVideos.MakeAsync(withSubtitles: true));
        await PostAsync(api, job, "run", 202);
        await WaitAsync(api, job, TimeSpan.FromMinutes(2), "DRAFTED", "FAILED");
        var draft = (await api.GetAsync("GET /api/v1/guides/jobs/{jobId}/instructions", $"/api/v1/guides/jobs/{job}/instructions")).Value;
        var id = draft["id"]!.GetValue<string>();
        var ids = draft["blocks"]!.AsArray().Select(b => b!["id"]!.GetValue<string>()).ToList();

        // The editor rewords the second step badly and adds one of their own.
        var edited = new JsonArray(
            Keep(draft, 0), new JsonObject { ["id"] = ids[1], ["text"] = "Do the privacy thing." }, Keep(draft, 2), new JsonObject { ["text"] = "Close the window." });
        var saved = (await api.SendAsync("PUT /api/v1/guides/instructions/{instructionId}", $"/api/v1/guides/instructions/{id}", 200,
            Json(JsonSerializer.Serialize(new { base_version = 1, blocks = edited })))).Value;
        var added = saved["blocks"]![3]!["id"]!.GetValue<string>();

        var first = await RegenerateAsync(api, id, new { client_request_id = "fix-step-2", base_version = 2, block_ids = new[] { ids[1] } }, 202);
        Assert.Equal("QUEUED", first.Value["status"]!.GetValue<string>());
        var task = await WaitTaskAsync(api, first.Value["id"]!.GetValue<string>());
        Assert.True(task["status"]!.GetValue<string>() == "SUCCEEDED", task.ToJsonString());
        Assert.Equal(3, task["result_version"]!.GetValue<int>());
        var provenance = task["provenance"]!;
        Assert.Equal(("rules", "subtitle-stream", 2, 3), (provenance["writer"]!.GetValue<string>(), provenance["recognizer"]!.GetValue<string>(),
            provenance["base_version"]!.GetValue<int>(), provenance["result_version"]!.GetValue<int>()));
        Assert.Equal([ids[1]], provenance["rewritten"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(64, provenance["transcript_sha256"]!.GetValue<string>().Length);

        // Only the selected step changed: its text is the narration's again, under the same id; the rest is the edit.
        var third = (await api.GetAsync("GET /api/v1/guides/jobs/{jobId}/instructions", $"/api/v1/guides/jobs/{job}/instructions")).Value;
        Assert.Equal((3, "regenerate"), (third["version"]!.GetValue<int>(), third["source"]!.GetValue<string>()));
        Assert.Equal(["Open the Settings menu.", "Click Privacy.", "Press Save to finish.", "Close the window."], Texts(third));
        Assert.Equal([ids[0], ids[1], ids[2], added], third["blocks"]!.AsArray().Select(b => b!["id"]!.GetValue<string>()));
        Assert.Equal(draft["blocks"]![1]!.ToJsonString(), third["blocks"]![1]!.ToJsonString());

        // A replay answers the same task as it stands, though the version has moved on since; the id asking anything else is refused.
        var replay = await RegenerateAsync(api, id, new { client_request_id = "fix-step-2", base_version = 2, block_ids = new[] { ids[1] } }, 200);
        Assert.Equal(task.ToJsonString(), replay.Value.ToJsonString());
        var reused = await RegenerateAsync(api, id, new { client_request_id = "fix-step-2", base_version = 2, block_ids = new[] { ids[0] } }, 409);
        Assert.Equal(("IDEMPOTENCY_KEY_REUSED", task["id"]!.GetValue<string>()), (Code(reused), reused.Value["task_id"]!.GetValue<string>()));
        var stale = await RegenerateAsync(api, id, new { client_request_id = "late", base_version = 2 }, 409);
        Assert.Equal(("VERSION_CONFLICT", 3), (Code(stale), stale.Value["current_version"]!.GetValue<int>()));

        // A selection must name steps of the version that have narration.
        var handMade = await RegenerateAsync(api, id, new { client_request_id = "bad-1", base_version = 3, block_ids = new[] { added, "blk_nothere", ids[0], ids[0] } }, 422);
        Assert.Equal("SELECTION_INVALID", Code(handMade));
        Assert.Equal(3, handMade.Value["errors"]!.AsArray().Count);
        Assert.Equal("VALIDATION_FAILED", Code(await RegenerateAsync(api, id, new { client_request_id = "bad-2", base_version = 3, block_ids = Array.Empty<string>() }, 400)));
        Assert.Equal("VALIDATION_FAILED", Code(await RegenerateAsync(api, id, new { base_version = 3 }, 400)));
        Assert.Equal("VALIDATION_FAILED", Code(await RegenerateAsync(api, id, new { client_request_id = "has space", base_version = 3 }, 400)));
        Assert.Equal("VALIDATION_FAILED", Code(await RegenerateAsync(api, id, new { client_request_id = "no-base" }, 400)));
        Assert.Equal("VALIDATION_FAILED", Code(await RegenerateAsync(api, id, new { client_request_id = "null-block", base_version = 3, block_ids = new string?[] { null } }, 400)));
        Assert.Equal("VALIDATION_FAILED", Code(await RegenerateAsync(api, id, new { client_request_id = "newline\n", base_version = 3 }, 400)));

        // Someone else's instruction and task look exactly like missing ones.
        var theirs = await RegenerateAsync(stranger, id, new { client_request_id = "fix-step-2", base_version = 3 }, 404);
        var missing = await RegenerateAsync(stranger, Guid.NewGuid().ToString(), new { client_request_id = "fix-step-2", base_version = 3 }, 404);
        Assert.Equal(missing.Body, theirs.Body);
        var theirTask = await stranger.GetAsync("GET /api/v1/guides/tasks/{taskId}", $"/api/v1/guides/tasks/{task["id"]}", 404);
        var noTask = await stranger.GetAsync("GET /api/v1/guides/tasks/{taskId}", $"/api/v1/guides/tasks/{Guid.NewGuid()}", 404);
        Assert.Equal(noTask.Body, theirTask.Body);

        // Twenty racing identical requests for every step: one task (one 202, nineteen 200s naming it), one new version.
        var body = JsonSerializer.Serialize(new { client_request_id = "redo-all", base_version = 3 });
        var racing = await Races.RunAsync(20, _ => api.Http.PostAsync(new Uri($"/api/v1/guides/instructions/{id}/regenerate", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json")));
        await Races.AssertNoServerErrorsAsync(racing);
        var counts = Races.CountByStatus(racing);
        Assert.Equal((1, 19), (counts.GetValueOrDefault(HttpStatusCode.Accepted), counts.GetValueOrDefault(HttpStatusCode.OK)));
        var taskIds = new HashSet<string>();
        foreach (var response in racing) taskIds.Add(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<string>());
        var all = await WaitTaskAsync(api, Assert.Single(taskIds));
        Assert.Equal(("SUCCEEDED", 4), (all["status"]!.GetValue<string>(), all["result_version"]!.GetValue<int>()));
        Assert.Null(all["block_ids"]);
        // Every step again: the writer's draft, ids and all; the hand-made step is gone.
        var fourth = (await api.GetAsync("GET /api/v1/guides/instructions/{instructionId}", $"/api/v1/guides/instructions/{id}")).Value;
        Assert.Equal((4, draft["blocks"]!.ToJsonString()), (fourth["version"]!.GetValue<int>(), fourth["blocks"]!.ToJsonString()));
    }

    private static JsonObject Keep(JsonNode draft, int index)
    {
        var block = draft["blocks"]![index]!;
        return new JsonObject { ["id"] = block["id"]!.GetValue<string>(), ["text"] = block["text"]!.GetValue<string>(), ["frame_sha256"] = block["frame_sha256"]!.GetValue<string>() };
    }

    private static IEnumerable<string> Texts(JsonNode instruction) => instruction["blocks"]!.AsArray().Select(b => b!["text"]!.GetValue<string>());

    internal static Task<ContractResponse> RegenerateAsync(ContractClient api, string instruction, object body, int expected) =>
        api.SendAsync("POST /api/v1/guides/instructions/{instructionId}/regenerate", $"/api/v1/guides/instructions/{instruction}/regenerate", expected,
            Json(JsonSerializer.Serialize(body)));
}
