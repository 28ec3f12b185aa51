using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tessera.Jobs;
using Tessera.Testing;
using Tessera.Vectors;
using Tessera.Vectors.Hnsw;
using Tessera.Vectors.Management;

namespace Tessera.Server.Tests;

public class MetricsTests
{
    private static readonly Uri Metrics = new("/metrics", UriKind.Relative);

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Metrics_report_requests_per_route_the_job_queue_and_vector_indexes(string dialect)
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var index = new IndexStatus("test/docs", IndexHealth.Healthy, 123, time.GetUtcNow(), TimeSpan.FromMilliseconds(1500), null, null, false,
            new IndexMemory(GraphBytes: 22_632, QuantizedBytes: 15_744, VectorBytes: 62_976, VectorsMapped: true));
        await using var app = await TesseraAppFactory.CreateAsync(dialect, s =>
        {
            s.AddSingleton<TimeProvider>(time).AddSingleton<IIndexStatusSource>(new FixedIndexStatuses([index]));
            // No in-process workers, so the job stays queued (the `workers` setting is read before test settings apply).
            foreach (var worker in s.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Assembly == typeof(JobService).Assembly).ToList())
                s.Remove(worker);
        });
        var (client, _, _, _) = await AuthTestKit.SignInAsync(app, "metrics@example.com", "metrics");
        using (client)
        {
            for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/v1/me", UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri($"/api/v1/jobs/{Guid.NewGuid()}", UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync(new Uri("/api/v1/jobs", UriKind.Relative), new { kind = "system.noop" })).StatusCode);
        }
        time.Advance(TimeSpan.FromSeconds(90));

        using var scraper = app.CreateClient();
        var response = await scraper.GetAsync(Metrics);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var samples = PrometheusText.Parse(await response.Content.ReadAsStringAsync());

        (string, string)[] me = [("endpoint", "/api/v1/me"), ("method", "GET"), ("code", "200")];
        Assert.Equal(3, samples.Single("http_requests_received_total", me));
        Assert.Equal(3, samples.Single("http_request_duration_seconds_count", me));
        Assert.Equal(3, samples.Single("http_request_duration_seconds_bucket", [.. me, ("le", "+Inf")]));
        Assert.InRange(samples.Single("http_request_duration_seconds_sum", me), double.Epsilon, 60);
        Assert.Equal(1, samples.Single("http_requests_received_total", ("endpoint", "/api/v1/jobs/{id:guid}"), ("method", "GET"), ("code", "404")));
        Assert.Equal(1, samples.Single("http_requests_received_total", ("endpoint", "/api/v1/jobs/"), ("method", "POST"), ("code", "201")));

        Assert.Equal(1, samples.Single("tessera_jobs_queued", ("kind", "system.noop")));
        Assert.Equal(90, samples.Single("tessera_jobs_oldest_queued_age_seconds", ("kind", "system.noop")), precision: 3);
        Assert.Equal(0, samples.Single("tessera_jobs_queued", ("kind", "system.echo")));

        Assert.Equal(123, samples.Single("tessera_vector_index_vectors", ("collection", "test/docs")));
        Assert.Equal(1.5, samples.Single("tessera_vector_index_last_build_seconds", ("collection", "test/docs")), precision: 6);
        Assert.Equal(22_632, samples.Single("tessera_vector_index_bytes", ("collection", "test/docs"), ("part", "graph")));
        Assert.Equal(15_744, samples.Single("tessera_vector_index_bytes", ("collection", "test/docs"), ("part", "codes")));
        Assert.Equal(62_976, samples.Single("tessera_vector_index_bytes", ("collection", "test/docs"), ("part", "float32")));
        // The float32 vectors are memory-mapped: graph and codes stay resident.
        Assert.Equal(38_376, samples.Single("tessera_vector_index_resident_bytes", ("collection", "test/docs")));
    }

    [Fact]
    public async Task Metrics_are_open_on_a_default_deployment_and_exempt_from_the_request_budget()
    {
        await using var app = await TesseraAppFactory.CreateAsync("sqlite", settings: new Dictionary<string, string?> { ["limits:requests_per_minute"] = "2" });
        using var client = app.CreateClient();

        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Metrics)).StatusCode);
        // The budget is in force for everything else.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++) statuses.Add((await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative))).StatusCode);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    [Fact]
    public async Task With_a_metrics_token_set_metrics_answer_only_to_that_bearer_token()
    {
        const string token = "scrape-secret-3f9a";
        await using var app = await TesseraAppFactory.CreateAsync("sqlite", settings: new Dictionary<string, string?> { ["metrics:token"] = token });
        using var client = app.CreateClient();

        var missing = await client.GetAsync(Metrics);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("UNAUTHORIZED", await AuthTestKit.CodeOf(missing));
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);

        foreach (var presented in new[] { token + "x", token[..^1], "" })
        {
            using var wrong = new HttpRequestMessage(HttpMethod.Get, Metrics) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", presented) } };
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(wrong)).StatusCode);
        }

        using var right = new HttpRequestMessage(HttpMethod.Get, Metrics) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };
        var scraped = await client.SendAsync(right);
        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        Assert.Contains("tessera_jobs_queued", await scraped.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_scrape_while_the_database_is_unreachable_answers_503()
    {
        await using var app = await TesseraAppFactory.CreateAsync("postgres");
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Metrics)).StatusCode);

        await app.Database.DisposeAsync();

        var scrape = await client.GetAsync(Metrics);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, scrape.StatusCode);
        Assert.Equal("NOT_READY", await AuthTestKit.CodeOf(scrape));
    }

    private sealed class FixedIndexStatuses(IReadOnlyList<IndexStatus> statuses) : IIndexStatusSource
    {
        public IEnumerable<IndexStatus> Statuses => statuses;
    }
}
