using System.Net;
using System.Text.Json;
using Tessera.Testing;

namespace Tessera.Server.Tests;

public class HealthAndOpenApiTests
{
    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Healthz_and_readyz_answer_200_once_migrations_ran(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        using var client = app.CreateClient();

        var health = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        var ready = await client.GetAsync(new Uri("/readyz", UriKind.Relative));
        var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Equal("healthy", body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_server_raises_the_thread_pool_minimum_so_requests_do_not_wait_for_thread_injection()
    {
        // Uploads hold pool threads in synchronous SQLite calls and CPU-bound parsing; below the minimum the pool
        // would add a thread about every half second, and /healthz waited that long under the upload load.
        await using var app = await TesseraAppFactory.CreateAsync("sqlite");
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);

        ThreadPool.GetMinThreads(out var workers, out _);
        Assert.True(workers >= Hosting.ThreadPoolFloor.DefaultMinWorkerThreads, $"minimum worker threads {workers}");
    }

    [Fact]
    public async Task Readyz_answers_503_when_the_database_is_unreachable()
    {
        await using var app = await TesseraAppFactory.CreateAsync("postgres");
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode);

        // Drop the database underneath the running server (its connections are terminated too).
        await app.Database.DisposeAsync();

        var ready = await client.GetAsync(new Uri("/readyz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_lists_api_routes_but_not_health_probes()
    {
        await using var app = await TesseraAppFactory.CreateAsync("sqlite");
        using var client = app.CreateClient();

        var response = await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("paths");
        var names = paths.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/blobs/{sha256}", names);
        Assert.DoesNotContain("/healthz", names);
        Assert.DoesNotContain("/readyz", names);
    }

    [Fact]
    public async Task Unknown_api_routes_answer_a_signed_in_caller_a_problem_with_a_stable_code()
    {
        await using var app = await TesseraAppFactory.CreateAsync("sqlite");
        // Anonymous callers get 401 here (ApiFallbackTests), so they learn nothing about which routes exist.
        var (client, _, _, _) = await AuthTestKit.SignInAsync(app, "alice@example.com", "lab");

        var first = await client.GetAsync(new Uri("/api/v1/no/such/thing", UriKind.Relative));
        var second = await client.GetAsync(new Uri("/api/v1/no/such/thing", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, first.StatusCode);
        Assert.Equal("application/problem+json", first.Content.Headers.ContentType?.MediaType);
        var body = await first.Content.ReadAsStringAsync();
        Assert.Equal("RESOURCE_NOT_FOUND", JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
        Assert.Equal(body, await second.Content.ReadAsStringAsync());
    }
}
