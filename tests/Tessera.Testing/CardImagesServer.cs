using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Tessera.Testing;

/// <summary>What the server does with one request for an image.</summary>
public enum ImageFault
{
    /// <summary>200 with the image (or 304 when the client's ETag matches).</summary>
    None,

    /// <summary>429 with <c>Retry-After: 1</c>.</summary>
    TooManyRequests,

    /// <summary>500.</summary>
    ServerError,

    /// <summary>404, for good.</summary>
    NotFound,

    /// <summary>200 declaring the full length, half the body, then the connection is cut.</summary>
    Truncated,

    /// <summary>200, half the body, a pause of <see cref="CardImagesServer.SlowPause"/>, then the rest.</summary>
    Slow,
}

/// <summary>
/// A real Kestrel server on a loopback port standing in for Scryfall: <c>/bulk/cards.json</c> serves
/// <see cref="Catalog"/>, <c>/img/…</c> serves a generated PNG per path (with an ETag, answering 304 to a matching
/// If-None-Match). Each image path can be given faults, one per request in order (then it answers normally).
/// Counts every request, and every complete 200 body, per path.
/// </summary>
public sealed class CardImagesServer : IAsyncDisposable
{
    public static readonly TimeSpan SlowPause = TimeSpan.FromSeconds(8);

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ImageFault>> _faults = new(StringComparer.Ordinal);

    private CardImagesServer(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public string Catalog { get; set; } = "[]";

    /// <summary>A wait before every image response, to keep a run in flight long enough to interrupt it.</summary>
    public TimeSpan ImageDelay { get; set; }

    public ConcurrentDictionary<string, int> Requests { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, int> Bodies { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, int> NotModified { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<string?> UserAgents { get; } = new();

    public int TotalRequests => Requests.Values.Sum();

    public static async Task<CardImagesServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new CardImagesServer(app);
        app.MapGet("/bulk/cards.json", context =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(server.Catalog, context.RequestAborted);
        });
        app.MapGet("/img/{**path}", server.ImageAsync);
        await app.StartAsync();
        server.BaseUrl = new Uri(app.Urls.Single().TrimEnd('/') + "/");
        return server;
    }

    /// <summary>What an image path serves (query stripped); <see cref="ImageOf"/> unless a test serves its own pictures.</summary>
    public Func<string, byte[]> Images { get; set; } = ImageOf;

    /// <summary>The image served at <paramref name="path"/> (query ignored).</summary>
    public static byte[] ImageOf(string path) => TestPng.Create(64, 88, path.GetHashCode(StringComparison.Ordinal) & 0xFF);

    public void Fail(string path, params ImageFault[] faults) => _faults[Strip(path)] = new ConcurrentQueue<ImageFault>(faults);

    private static string Strip(string path) => path.Split('?')[0];

    private async Task ImageAsync(HttpContext context)
    {
        var path = context.Request.Path.Value!;
        Requests.AddOrUpdate(path, 1, (_, n) => n + 1);
        UserAgents.Enqueue(context.Request.Headers.UserAgent.ToString());
        if (ImageDelay > TimeSpan.Zero) await Task.Delay(ImageDelay, context.RequestAborted);
        var fault = _faults.TryGetValue(path, out var queue) && queue.TryDequeue(out var next) ? next : ImageFault.None;
        var image = Images(path);
        var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(image))[..16] + "\"";
        switch (fault)
        {
            case ImageFault.TooManyRequests:
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = "1";
                return;
            case ImageFault.ServerError:
                context.Response.StatusCode = 500;
                await context.Response.WriteAsync("boom", Encoding.UTF8, context.RequestAborted);
                return;
            case ImageFault.NotFound:
                context.Response.StatusCode = 404;
                return;
        }
        if (context.Request.Headers.IfNoneMatch.ToString() == etag)
        {
            NotModified.AddOrUpdate(path, 1, (_, n) => n + 1);
            context.Response.StatusCode = 304;
            return;
        }
        context.Response.ContentType = "image/png";
        context.Response.ContentLength = image.Length;
        context.Response.Headers.ETag = etag;
        var half = image.Length / 2;
        await context.Response.Body.WriteAsync(image.AsMemory(0, half), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        if (fault == ImageFault.Truncated)
        {
            // Time for the client to read the headers and the half first: a reset that overtakes them is a broken connection, not a short body.
            await Task.Delay(200, context.RequestAborted);
            context.Abort();
            return;
        }
        if (fault == ImageFault.Slow) await Task.Delay(SlowPause, context.RequestAborted);
        await context.Response.Body.WriteAsync(image.AsMemory(half), context.RequestAborted);
        Bodies.AddOrUpdate(path, 1, (_, n) => n + 1);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
