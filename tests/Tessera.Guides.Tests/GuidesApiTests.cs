using Dapper;
using Tessera.Guides.Processing;
using Tessera.Testing;
using Tessera.Testing.Contracts;
using static Tessera.Guides.Tests.GuidesFixture;

namespace Tessera.Guides.Tests;

/// <summary>The job contract over HTTP against the served OpenAPI document, with the real worker (ffmpeg) on both dialects.</summary>
public class GuidesApiTests
{
    private static readonly TimeSpan Processing = TimeSpan.FromMinutes(2);

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_narrated_video_goes_from_upload_to_its_transcript_and_every_replay_is_safe(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (api, _, _) = await MemberClients.SignInAsync(app, "writer@example.org", "docs");
        var project = await ProjectAsync(api);
        await api.GetAsync("GET /api/v1/guides/projects/{projectId}", $"/api/v1/guides/projects/{project}");
        Assert.Single((await api.GetAsync("GET /api/v1/guides/projects", "/api/v1/guides/projects")).Value.AsArray());
        // A name shown in exports holds no control characters.
        Assert.Equal("VALIDATION_FAILED", Code(await api.SendJsonAsync("POST /api/v1/guides/projects", "/api/v1/guides/projects", 400, "{\"name\": \"Bell\\u0007\"}")));
        var job = await JobAsync(api, project);
        Assert.Equal("CREATED", (await JobOfAsync(api, job))["status"]!.GetValue<string>());
        // Not uploaded yet: nothing to run, no transcript.
        Assert.Equal("INVALID_TRANSITION", Code(await PostAsync(api, job, "run", 409)));
        Assert.Equal("TRANSCRIPT_NOT_READY", Code(await api.GetAsync("GET /api/v1/guides/jobs/{jobId}/transcript", $"/api/v1/guides/jobs/{job}/transcript", 409)));

        var video = await UploadAsync(api, await NarratedVideos.MakeAsync(withSubtitles: true));
        var uploaded = (await ConfirmAsync(api, job, video)).Value;
        Assert.Equal("UPLOADED", uploaded["status"]!.GetValue<string>());
        // The same confirmation again changes nothing; another video is a conflict.
        Assert.Equal(uploaded.ToJsonString(), (await ConfirmAsync(api, job, video)).Value.ToJsonString());
        var other = await UploadAsync(api, await NarratedVideos.MakeAsync(withSubtitles: false));
        Assert.Equal("VIDEO_URI_CONFLICT", Code(await ConfirmAsync(api, job, other, 409)));
        Assert.Equal("VIDEO_NOT_FOUND", Code(await ConfirmAsync(api, await JobAsync(api, project), "tessera-blob:sha256:" + new string('0', 64), 422)));
        Assert.Equal("VALIDATION_FAILED", Code(await ConfirmAsync(api, job, "https://example.org/video.mp4", 400)));

        var queued = (await PostAsync(api, job, "run", 202)).Value;
        var replay = (await PostAsync(api, job, "run", 200)).Value;
        Assert.Equal(queued["engine_job_id"]!.GetValue<string>(), replay["engine_job_id"]!.GetValue<string>());

        var done = await WaitAsync(api, job, Processing, "DRAFTED", "FAILED");
        Assert.Equal("DRAFTED", done["status"]!.GetValue<string>());
        Assert.Equal(ProcessJobHandler.DraftStage, done["checkpoint"]!.GetValue<string>());
        var artifacts = done["artifacts"]!;
        Assert.InRange(artifacts["duration_seconds"]!.GetValue<double>(), 5.5, 6.5);
        // One frame per screen: red, blue and green, two seconds apart.
        var times = artifacts["frames"]!.AsArray().Select(f => f!["time_seconds"]!.GetValue<double>()).ToList();
        Assert.Equal(3, times.Count);
        Assert.All(times.Zip([0.0, 2.0, 4.0]), p => Assert.InRange(p.First, p.Second - 0.2, p.Second + 0.2));
        Assert.True(artifacts["has_audio"]!.GetValue<bool>());

        var page = (await api.GetAsync("GET /api/v1/guides/jobs/{jobId}/transcript", $"/api/v1/guides/jobs/{job}/transcript?limit=2")).Value;
        Assert.Equal("subtitle-stream", page["recognizer"]!.GetValue<string>());
        Assert.Equal(3, page["total"]!.GetValue<int>());
        Assert.Equal(2, page["next_offset"]!.GetValue<int>());
        var rest = (await api.GetAsync("GET /api/v1/guides/jobs/{jobId}/transcript", $"/api/v1/guides/jobs/{job}/transcript?offset=2")).Value;
        Assert.Null(rest["next_offset"]);
        var said = page["segments"]!.AsArray().Concat(rest["segments"]!.AsArray()).Select(s => s!["text"]!.GetValue<string>());
        Assert.Equal(NarratedVideos.Steps, said);
        await api.GetAsync("GET /api/v1/guides/jobs/{jobId}/transcript", $"/api/v1/guides/jobs/{job}/transcript?limit=0", 400);

        var transitions = (await api.GetAsync("GET /api/v1/guides/jobs/{jobId}/transitions", $"/api/v1/guides/jobs/{job}/transitions")).Value.AsArray();
        Assert.Equal(["CREATED>UPLOADED:api", "UPLOADED>QUEUED:api", "QUEUED>PROCESSING:worker", "PROCESSING>TRANSCRIBED:worker", "TRANSCRIBED>DRAFTED:worker"],
            transitions.Select(t => $"{t!["from_status"]}>{t["to_status"]}:{t["actor"]}"));
        // The writer's draft: one step per narrated sentence, each with the screen shown when it is said.
        var draft = (await api.GetAsync("GET /api/v1/guides/jobs/{jobId}/instructions", $"/api/v1/guides/jobs/{job}/instructions")).Value;
        Assert.Equal(1, draft["version"]!.GetValue<int>());
        Assert.Equal("writer", draft["source"]!.GetValue<string>());
        Assert.Equal("valid", draft["validation_status"]!.GetValue<string>());
        var steps = draft["blocks"]!.AsArray();
        Assert.Equal(NarratedVideos.Steps, steps.Select(b => b!["text"]!.GetValue<string>()));
        var frames = artifacts["frames"]!.AsArray().Select(f => f!["sha256"]!.GetValue<string>()).ToList();
        Assert.Equal(frames, steps.Select(b => b!["frame_sha256"]!.GetValue<string>()));
        var png = await api.GetAsync("GET /api/v1/guides/jobs/{jobId}/frames/{sha256}", $"/api/v1/guides/jobs/{job}/frames/{frames[1]}");
        Assert.Equal("image/png", png.MediaType);
        var bytes = await api.Http.GetByteArrayAsync(new Uri($"/api/v1/guides/jobs/{job}/frames/{frames[1]}", UriKind.Relative));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        await api.GetAsync("GET /api/v1/guides/jobs/{jobId}/frames/{sha256}", $"/api/v1/guides/jobs/{job}/frames/{artifacts["audio_sha256"]}", 404);

        // The frames and audio stay referenced, so the blob sweeper keeps them.
        await using var c = await app.Database.Database.OpenConnectionAsync();
        Assert.Equal(4, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM guides_job_blobs WHERE job_id = @id", new { id = Guid.Parse(job) }));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_video_without_narration_fails_with_its_reason_and_a_retry_resumes_after_the_stored_media(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (api, _, _) = await MemberClients.SignInAsync(app, "writer@example.org", "docs");
        var job = await UploadedJobAsync(api, await NarratedVideos.MakeAsync(withSubtitles: false));
        Assert.Equal("RETRY_NOT_ALLOWED", Code(await PostAsync(api, job, "retry", 409)));
        await PostAsync(api, job, "run", 202);

        var failed = await WaitAsync(api, job, Processing, "FAILED", "DRAFTED");
        Assert.Equal("FAILED", failed["status"]!.GetValue<string>());
        Assert.Equal("GUIDES_TRANSCRIPT_UNAVAILABLE", failed["failure"]!["code"]!.GetValue<string>());
        Assert.Equal(ProcessJobHandler.MediaStage, failed["checkpoint"]!.GetValue<string>());
        // Terminal: neither cancelled nor run again.
        Assert.Equal("INVALID_TRANSITION", Code(await PostAsync(api, job, "cancel", 409)));

        var retry = (await PostAsync(api, job, "retry", 202)).Value;
        Assert.Equal(job, retry["retry_of"]!.GetValue<string>());
        Assert.Equal(ProcessJobHandler.MediaStage, retry["checkpoint"]!.GetValue<string>());
        Assert.Equal(failed["artifacts"]!.ToJsonString(), retry["artifacts"]!.ToJsonString());
        Assert.Equal(retry["id"]!.GetValue<string>(), (await PostAsync(api, job, "retry", 200)).Value["id"]!.GetValue<string>());
        Assert.Equal(failed.ToJsonString(), (await JobOfAsync(api, job)).ToJsonString());
        // The retry skips the media stage (its frames are the failed job's) and fails the same way, honestly.
        var again = await WaitAsync(api, retry["id"]!.GetValue<string>(), Processing, "FAILED", "DRAFTED");
        Assert.Equal("GUIDES_TRANSCRIPT_UNAVAILABLE", again["failure"]!["code"]!.GetValue<string>());
        Assert.Equal(failed["artifacts"]!.ToJsonString(), again["artifacts"]!.ToJsonString());
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Twenty_identical_runs_at_once_dispatch_once_and_cancelling_stops_it(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (api, _, _) = await MemberClients.SignInAsync(app, "writer@example.org", "docs");
        var job = await UploadedJobAsync(api, await NarratedVideos.MakeAsync(withSubtitles: true));

        var responses = await Races.RunAsync(20, _ => api.Http.PostAsync(new Uri($"/api/v1/guides/jobs/{job}/run", UriKind.Relative), null));

        await Races.AssertNoServerErrorsAsync(responses);
        var counts = Races.CountByStatus(responses);
        Assert.Equal(1, counts[System.Net.HttpStatusCode.Accepted]);
        Assert.Equal(19, counts[System.Net.HttpStatusCode.OK]);
        await using (var c = await app.Database.Database.OpenConnectionAsync())
            Assert.Equal(1, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM jobs WHERE kind = 'guides.process'"));

        var cancelled = (await PostAsync(api, job, "cancel", 200)).Value;
        Assert.Equal("CANCELLED", cancelled["status"]!.GetValue<string>());
        Assert.Equal(cancelled.ToJsonString(), (await PostAsync(api, job, "cancel", 200)).Value.ToJsonString());
        // A run of a cancelled job is no replay: it is refused.
        Assert.Equal("INVALID_TRANSITION", Code(await PostAsync(api, job, "run", 409)));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Someone_elses_project_and_job_answer_exactly_like_missing_ones(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (owner, _, _) = await MemberClients.SignInAsync(app, "owner@example.org", "docs");
        var (colleague, _, _) = await MemberClients.SignInAsync(app, "colleague@example.org", "docs");
        var (stranger, _, _) = await MemberClients.SignInAsync(app, "stranger@example.org", "elsewhere");
        var project = await ProjectAsync(owner);
        var job = await JobAsync(owner, project);
        var missing = Guid.NewGuid().ToString();
        foreach (var other in new[] { colleague, stranger })
        {
            var theirs = await other.GetAsync("GET /api/v1/guides/jobs/{jobId}", $"/api/v1/guides/jobs/{job}", 404);
            var none = await other.GetAsync("GET /api/v1/guides/jobs/{jobId}", $"/api/v1/guides/jobs/{missing}", 404);
            Assert.Equal(none.Body, theirs.Body);
            Assert.Equal("RESOURCE_NOT_FOUND", Code(theirs));
            Assert.Equal(
                (await other.GetAsync("GET /api/v1/guides/projects/{projectId}", $"/api/v1/guides/projects/{missing}", 404)).Body,
                (await other.GetAsync("GET /api/v1/guides/projects/{projectId}", $"/api/v1/guides/projects/{project}", 404)).Body);
            await other.SendAsync("POST /api/v1/guides/projects/{projectId}/jobs", $"/api/v1/guides/projects/{project}/jobs", 404);
            await PostAsync(other, job, "cancel", 404);
            await PostAsync(other, job, "run", 404);
            Assert.Empty((await other.GetAsync("GET /api/v1/guides/projects", "/api/v1/guides/projects")).Value.AsArray());
        }
        Assert.Equal("CREATED", (await JobOfAsync(owner, job))["status"]!.GetValue<string>());

        // A video's hash is no key to it: another member cannot confirm the owner's upload into a job of their own.
        var video = await UploadAsync(owner, await NarratedVideos.MakeAsync(withSubtitles: true));
        var theirJob = await JobAsync(colleague, await ProjectAsync(colleague));
        Assert.Equal("VIDEO_NOT_FOUND", Code(await ConfirmAsync(colleague, theirJob, video, 422)));
        await ConfirmAsync(owner, job, video);
    }
}
