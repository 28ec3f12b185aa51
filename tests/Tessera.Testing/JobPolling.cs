using System.Text.Json;

namespace Tessera.Testing;

/// <summary>Waits on a job through the HTTP API, as a client would.</summary>
public static class JobPolling
{
    /// <summary>Polls <c>GET /api/v1/jobs/{id}</c> until the job has finished (succeeded, failed or cancelled) and returns it.</summary>
    public static async Task<JsonElement> WaitForJobAsync(HttpClient client, string jobId, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(120));
        while (true)
        {
            var response = await client.GetAsync(new Uri($"/api/v1/jobs/{jobId}", UriKind.Relative));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
            var job = JsonDocument.Parse(text).RootElement;
            if (job.GetProperty("state").GetString() is "succeeded" or "failed" or "cancelled") return job;
            Assert.True(DateTime.UtcNow < deadline, "the job did not finish in time: " + job);
            await Task.Delay(100);
        }
    }
}
