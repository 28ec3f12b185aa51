using Microsoft.Extensions.Time.Testing;
using Tessera.Core.Errors;
using Tessera.Inference.Embeddings;
using Tessera.Inference.Remote;
using static Tessera.Server.Tests.AuthTestKit;
using static Tessera.Testing.ScriptedEmbeddingsServer;

namespace Tessera.Server.Tests.RemoteEmbedding;

/// <summary>
/// The HTTP embedder against real servers: another Tessera (in memory) and a scripted Kestrel endpoint on loopback
/// that fails on cue. Backoff, timeouts and the breaker run on a fake clock the test moves. Nothing is stored.
/// </summary>
public sealed class RemoteEmbedderTests
{
    private static readonly float[] PublishedHelloWorld = [-0.0344772f, 0.0310232f, 0.0067350f, 0.0261090f, -0.0393620f];

    private static RemoteEmbedderOptions Options(Uri endpoint) => new("peer", endpoint, "remote-model-7b", Dimension)
    {
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        AttemptTimeout = TimeSpan.FromDays(1),
    };

    [Fact]
    public async Task Another_Tessera_embeds_in_batches_and_its_vectors_carry_its_models_name()
    {
        await using var app = await TesseraAppFactory.CreateAsync("sqlite");
        var (_, token, _, _) = await SignInAsync(app, "peer@example.org", "peer");
        using var embedder = new RemoteEmbedder(
            new RemoteEmbedderOptions("other-tessera", new Uri("http://localhost/v1"), PretrainedEmbedders.MiniLm, 384) { ApiKey = token.Token, BatchSize = 2 },
            handler: app.Server.CreateHandler());

        var vectors = await embedder.GenerateAsync(["A man is playing a guitar.", "hello world", "A woman is slicing an onion."]);

        Assert.Equal(3, vectors.Count);
        Assert.All(vectors, v => Assert.Equal(PretrainedEmbedders.MiniLm, v.ModelId));
        Assert.All(vectors, v => Assert.Equal(embedder.Descriptor.ModelHash, v.AdditionalProperties![EmbedderDescriptor.ModelHashProperty]));
        for (var i = 0; i < PublishedHelloWorld.Length; i++) Assert.Equal(PublishedHelloWorld[i], vectors[1].Vector.Span[i], 5);
        Assert.Equal("other-tessera", embedder.Descriptor.Name);
        Assert.Equal(EmbedderOrigin.Remote, embedder.Descriptor.Origin);
    }

    [Fact]
    public async Task Texts_go_in_batches_and_vectors_come_back_in_input_order_whatever_order_the_server_lists_them()
    {
        var clock = new FakeTimeProvider();
        await using var server = await StartAsync(clock, (_, context, texts) => Embeddings(context, texts));
        using var embedder = new RemoteEmbedder(Options(server.Endpoint) with { BatchSize = 2, ApiKey = "sk-test" }, clock);
        string[] texts = ["a", "bb", "ccc", "dddd", "eeeee"];

        var vectors = await embedder.GenerateAsync(texts);

        Assert.Equal([["a", "bb"], ["ccc", "dddd"], ["eeeee"]], server.Requests.Select(r => r.Texts));
        Assert.All(server.Requests, r => Assert.Equal("Bearer sk-test", r.Authorization));
        Assert.Equal(texts.Select(VectorOf), vectors.Select(v => v.Vector.ToArray()));
        Assert.All(vectors, v => Assert.Equal("remote-model-7b", v.ModelId));
    }

    [Fact]
    public async Task A_429_is_retried_no_sooner_than_the_servers_Retry_After()
    {
        var clock = new FakeTimeProvider();
        await using var server = await StartAsync(clock, (n, context, texts) => n == 1 ? Status(context, 429, "7") : Embeddings(context, texts));
        using var embedder = new RemoteEmbedder(Options(server.Endpoint), clock);

        var vectors = await clock.DriveAsync(embedder.GenerateAsync(["hello"]));

        Assert.Equal(VectorOf("hello"), vectors.Single().Vector.ToArray());
        var arrivals = server.Requests.Select(r => r.At).ToArray();
        Assert.Equal(2, arrivals.Length);
        // The backoff alone would retry within a clock step; the server asked for 7 s.
        Assert.True(arrivals[1] - arrivals[0] >= TimeSpan.FromSeconds(7), $"retried after {arrivals[1] - arrivals[0]}");
    }

    [Fact]
    public async Task A_server_error_is_retried_with_backoff_until_it_passes()
    {
        var clock = new FakeTimeProvider();
        await using var server = await StartAsync(clock, (n, context, texts) => n <= 2 ? Status(context, 503) : Embeddings(context, texts));
        using var embedder = new RemoteEmbedder(Options(server.Endpoint), clock);

        var vectors = await clock.DriveAsync(embedder.GenerateAsync(["x"]));

        Assert.Single(vectors);
        Assert.Equal(3, server.Count);
    }

    [Fact]
    public async Task A_Retry_After_beyond_the_longest_wait_is_not_waited_for_and_reaches_the_caller()
    {
        var clock = new FakeTimeProvider();
        await using var server = await StartAsync(clock, (_, context, _) => Status(context, 429, "120"));
        using var embedder = new RemoteEmbedder(Options(server.Endpoint) with { MaxRetryDelay = TimeSpan.FromSeconds(30) }, clock);

        var error = await Assert.ThrowsAsync<TesseraException>(() => embedder.GenerateAsync(["x"]));

        Assert.Equal(RemoteEmbedderErrorCodes.UpstreamFailed, error.Code);
        Assert.Equal(TimeSpan.FromSeconds(120), error.RetryAfter);
        Assert.Contains("429", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.Count);
    }

    [Fact]
    public async Task A_client_error_is_not_retried()
    {
        var clock = new FakeTimeProvider();
        await using var server = await StartAsync(clock, (_, context, _) => Status(context, 401));
        using var embedder = new RemoteEmbedder(Options(server.Endpoint), clock);

        var error = await Assert.ThrowsAsync<TesseraException>(() => embedder.GenerateAsync(["x"]));

        Assert.Equal(RemoteEmbedderErrorCodes.UpstreamFailed, error.Code);
        Assert.Contains("401", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.Count);
    }

    [Fact]
    public async Task Repeated_failures_open_the_circuit_and_after_the_break_one_probe_closes_it()
    {
        var clock = new FakeTimeProvider();
        var healthy = false;
        await using var server = await StartAsync(clock, (_, context, texts) => Volatile.Read(ref healthy) ? Embeddings(context, texts) : Status(context, 500));
        using var embedder = new RemoteEmbedder(Options(server.Endpoint) with
        {
            MaxRetries = 1,
            BreakerFailureRatio = 1.0,
            BreakerMinimumThroughput = 2,
            BreakerSamplingDuration = TimeSpan.FromMinutes(10),
            BreakDuration = TimeSpan.FromMinutes(1),
        }, clock);

        var failed = await Assert.ThrowsAsync<TesseraException>(() => clock.DriveAsync(embedder.GenerateAsync(["x"])));
        Assert.Equal(RemoteEmbedderErrorCodes.UpstreamFailed, failed.Code);
        Assert.Equal(2, server.Count);

        // Open: refused here, the server never sees it.
        Volatile.Write(ref healthy, true);
        var refused = await Assert.ThrowsAsync<TesseraException>(() => embedder.GenerateAsync(["x"]));
        Assert.Equal(RemoteEmbedderErrorCodes.Unavailable, refused.Code);
        Assert.Equal(503, refused.Status);
        Assert.NotNull(refused.RetryAfter);
        Assert.Equal(2, server.Count);

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Single(await embedder.GenerateAsync(["x"]));
        Assert.Single(await embedder.GenerateAsync(["y"]));
        Assert.Equal(4, server.Count);
    }

    [Fact]
    public async Task An_attempt_that_does_not_answer_in_time_is_abandoned_and_retried()
    {
        var clock = new FakeTimeProvider();
        var abandoned = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await StartAsync(clock, async (n, context, texts) =>
        {
            if (n > 1)
            {
                await Embeddings(context, texts);
                return;
            }
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                abandoned.TrySetResult();
            }
        });
        using var embedder = new RemoteEmbedder(Options(server.Endpoint) with { AttemptTimeout = TimeSpan.FromSeconds(10) }, clock);

        var vectors = await clock.DriveAsync(embedder.GenerateAsync(["slow"]));

        Assert.Equal(VectorOf("slow"), vectors.Single().Vector.ToArray());
        await abandoned.Task;
        // The driven clock runs a second a 5 ms step: on a loaded machine the retry's own round trip can outlast its
        // 10 s too and be retried in turn, so "at least one retry" is the claim, not "exactly one".
        Assert.True(server.Count >= 2, $"{server.Count} attempt(s)");
    }

    [Fact]
    public async Task A_response_with_the_wrong_dimension_is_an_upstream_error()
    {
        var clock = new FakeTimeProvider();
        await using var server = await StartAsync(clock, (_, context, texts) => Embeddings(context, texts));
        using var embedder = new RemoteEmbedder(Options(server.Endpoint) with { Dimension = 8 }, clock);

        var error = await Assert.ThrowsAsync<TesseraException>(() => embedder.GenerateAsync(["x"]));

        Assert.Equal(RemoteEmbedderErrorCodes.UpstreamFailed, error.Code);
        Assert.Contains("8 dimensions", error.Message, StringComparison.Ordinal);
    }
}
