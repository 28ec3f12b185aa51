using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Testing.Contracts;

namespace Tessera.Guides.Tests;

/// <summary>What the Guides tests do as a client: a project with a job, an uploaded video, and waiting for a status.</summary>
internal static class GuidesFixture
{
    public static async Task<string> ProjectAsync(ContractClient api, string name = "Onboarding") =>
        (await api.SendJsonAsync("POST /api/v1/guides/projects", "/api/v1/guides/projects", 201, JsonSerializer.Serialize(new { name }))).Id;

    public static async Task<string> JobAsync(ContractClient api, string project) =>
        (await api.SendAsync("POST /api/v1/guides/projects/{projectId}/jobs", $"/api/v1/guides/projects/{project}/jobs", 201)).Id;

    public static async Task<string> UploadAsync(ContractClient api, byte[] video)
    {
        var body = new ByteArrayContent(video);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return (await api.SendAsync("POST /api/v1/guides/uploads", "/api/v1/guides/uploads", 201, body)).Value["video_uri"]!.GetValue<string>();
    }

    public static Task<ContractResponse> ConfirmAsync(ContractClient api, string job, string videoUri, int expected = 200) =>
        api.SendJsonAsync("POST /api/v1/guides/jobs/{jobId}/confirm-upload", $"/api/v1/guides/jobs/{job}/confirm-upload", expected,
            JsonSerializer.Serialize(new { video_uri = videoUri }));

    public static Task<ContractResponse> PostAsync(ContractClient api, string job, string action, int expected) =>
        api.SendAsync($"POST /api/v1/guides/jobs/{{jobId}}/{action}", $"/api/v1/guides/jobs/{job}/{action}", expected);

    public static async Task<JsonNode> JobOfAsync(ContractClient api, string job) =>
        (await api.GetAsync("GET /api/v1/guides/jobs/{jobId}", $"/api/v1/guides/jobs/{job}")).Value;

    /// <summary>Polls the job until its status is one of <paramref name="statuses"/>.</summary>
    public static async Task<JsonNode> WaitAsync(ContractClient api, string job, TimeSpan timeout, params string[] statuses)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var current = await JobOfAsync(api, job);
            if (statuses.Contains(current["status"]!.GetValue<string>())) return current;
            Assert.True(DateTime.UtcNow < deadline, $"the job did not reach {string.Join(" or ", statuses)} in {timeout}: {current.ToJsonString()}");
            await Task.Delay(200);
        }
    }

    /// <summary>Polls the export until it SUCCEEDED or FAILED.</summary>
    public static async Task<JsonNode> WaitExportAsync(ContractClient api, string id)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            var export = (await api.GetAsync("GET /api/v1/guides/exports/{exportId}", $"/api/v1/guides/exports/{id}")).Value;
            if (export["status"]!.GetValue<string>() is "SUCCEEDED" or "FAILED") return export;
            Assert.True(DateTime.UtcNow < deadline, $"the export did not end in 2 minutes: {export.ToJsonString()}");
            await Task.Delay(100);
        }
    }

    /// <summary>Polls the regenerate task until it SUCCEEDED or FAILED.</summary>
    public static async Task<JsonNode> WaitTaskAsync(ContractClient api, string id)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            var task = (await api.GetAsync("GET /api/v1/guides/tasks/{taskId}", $"/api/v1/guides/tasks/{id}")).Value;
            if (task["status"]!.GetValue<string>() is "SUCCEEDED" or "FAILED") return task;
            Assert.True(DateTime.UtcNow < deadline, $"the task did not end in 2 minutes: {task.ToJsonString()}");
            await Task.Delay(100);
        }
    }

    /// <summary>A ready job: a project, a job, and the video uploaded and confirmed.</summary>
    public static async Task<string> UploadedJobAsync(ContractClient api, byte[] video)
    {
        var job = await JobAsync(api, await ProjectAsync(api));
        await ConfirmAsync(api, job, await UploadAsync(api, video));
        return job;
    }

    public static string Code(ContractResponse problem) => problem.Value["code"]!.GetValue<string>();

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
