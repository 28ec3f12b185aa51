using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Tessera.Testing;

namespace Tessera.Jobs.Tests;

/// <summary>The real server (in-process workers included) over a scratch database, with test authentication.</summary>
internal sealed class JobsApiFactory(ScratchDatabase database) : WebApplicationFactory<Program>
{
    public static async Task<JobsApiFactory> CreateAsync(string dialect) => new(await ScratchDatabase.CreateAsync(dialect));

    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = JobsHarness.FastSettings();
        settings["data_dir"] = database.DataDir;
        settings["database"] = database.Target;
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(settings));
        builder.ConfigureTestServices(TestAuthentication.AddTo);
    }

    /// <summary>Sends a request as <paramref name="owner"/> (null: anonymous).</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JobOwner? owner, object? body = null, string permissions = "jobs:read,jobs:write", string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (owner is not null) TestAuthentication.Act(request, owner, permissions);
        if (body is not null) request.Content = JsonContent.Create(body, options: Json);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await CreateClient().SendAsync(request);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await database.DisposeAsync();
    }
}
