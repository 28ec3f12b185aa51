using System.Net.Http.Json;
using System.Text.Json;

namespace Tessera.Server.Tests;

/// <summary>Uploads, waits and searches through the Omics HTTP API.</summary>
internal static class OmicsTestKit
{
    public static MultipartFormDataContent Upload(byte[] content, string fileName, string? name = null)
    {
        var form = new MultipartFormDataContent { { new ByteArrayContent(content), "file", fileName } };
        if (name is not null) form.Add(new StringContent(name), "name");
        return form;
    }

    public static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    /// <summary>Uploads a file and returns the run id and the embedding job id.</summary>
    public static async Task<(string RunId, string JobId, JsonElement Run)> UploadRunAsync(HttpClient client, string fasta, string name)
    {
        var response = await client.PostAsync(new Uri("/api/v1/omics/runs", UriKind.Relative), Upload(System.Text.Encoding.UTF8.GetBytes(fasta), name + ".fasta", name));
        var body = await Json(response);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, body.ToString());
        var run = body.GetProperty("run");
        return (run.GetProperty("id").GetString()!, body.GetProperty("job").GetProperty("id").GetString()!, run);
    }

    public static async Task<JsonElement> SearchAsync(HttpClient client, object request)
    {
        var response = await client.PostAsJsonAsync("/api/v1/omics/search", request);
        var body = await Json(response);
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body;
    }

    public static List<string> HitSequences(JsonElement searchResult) =>
        searchResult.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("sequence").GetString()!).ToList();
}
