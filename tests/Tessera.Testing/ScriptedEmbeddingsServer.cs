using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Tessera.Testing;

/// <summary>
/// A real Kestrel server on a loopback port whose <c>POST /v1/embeddings</c> answers by a script: each request's
/// number (1-based) and context go to <c>answer</c>, which writes the response. <see cref="Embeddings"/> writes a
/// well-formed one. Records every request's texts and the test clock's time on arrival.
/// </summary>
public sealed class ScriptedEmbeddingsServer : IAsyncDisposable
{
    public const int Dimension = 4;

    private readonly WebApplication _app;
    private int _count;

    private ScriptedEmbeddingsServer(WebApplication app) => _app = app;

    public ConcurrentQueue<(DateTimeOffset At, string[] Texts, string? Authorization)> Requests { get; } = new();

    public int Count => Volatile.Read(ref _count);

    /// <summary>The API base to configure (<c>http://127.0.0.1:port/v1</c>).</summary>
    public Uri Endpoint { get; private set; } = null!;

    public static async Task<ScriptedEmbeddingsServer> StartAsync(TimeProvider clock, Func<int, HttpContext, string[], Task> answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new ScriptedEmbeddingsServer(app);
        app.MapPost("/v1/embeddings", async context =>
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            var texts = body.RootElement.GetProperty("input").EnumerateArray().Select(t => t.GetString()!).ToArray();
            server.Requests.Enqueue((clock.GetUtcNow(), texts, context.Request.Headers.Authorization.ToString()));
            await answer(Interlocked.Increment(ref server._count), context, texts);
        });
        await app.StartAsync();
        var address = app.Urls.Single();
        server.Endpoint = new Uri(address.TrimEnd('/') + "/v1");
        return server;
    }

    /// <summary>A vector that tells its text apart: (length, first char, last char, 1).</summary>
    public static float[] VectorOf(string text) => [text.Length, text.Length > 0 ? text[0] : 0, text.Length > 0 ? text[^1] : 0, 1];

    /// <summary>A 200 embeddings response for <paramref name="texts"/>, listed in reverse order (clients must go by index).</summary>
    public static Task Embeddings(HttpContext context, string[] texts, string model = "remote-model-7b") =>
        context.Response.WriteAsJsonAsync(new
        {
            @object = "list",
            model,
            data = texts.Select((text, index) => new { @object = "embedding", index, embedding = VectorOf(text) }).Reverse(),
            usage = new { prompt_tokens = texts.Length, total_tokens = texts.Length },
        });

    public static Task Status(HttpContext context, int status, string? retryAfter = null)
    {
        context.Response.StatusCode = status;
        if (retryAfter is not null) context.Response.Headers.RetryAfter = retryAfter;
        return context.Response.WriteAsync("scripted failure");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
