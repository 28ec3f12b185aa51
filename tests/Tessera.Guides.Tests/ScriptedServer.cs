using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Tessera.Guides.Tests;

/// <summary>A real HTTP service on loopback that answers POSTs to one route as the test scripts it (a speech or writer service).</summary>
internal sealed class ScriptedServer(WebApplication app) : IAsyncDisposable
{
    /// <summary>The server's root, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Root { get; private init; } = "";

    public static async Task<ScriptedServer> StartAsync(string route, RequestDelegate answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost(route, answer);
        await app.StartAsync();
        return new ScriptedServer(app) { Root = app.Urls.Single().TrimEnd('/') };
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
