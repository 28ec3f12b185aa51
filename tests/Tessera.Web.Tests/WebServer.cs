using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Data.Identity;
using Tessera.Server;
using Tessera.Testing;

namespace Tessera.Web.Tests;

/// <summary>The real server (Kestrel on a free loopback port, one in-process worker) over a scratch database.</summary>
internal sealed class WebServer : IAsyncDisposable
{
    public const string Password = "correct horse battery staple";

    private static readonly AuditActor TestActor = new(null, null, "test");

    private readonly WebApplication _app;

    private WebServer(ScratchDatabase database, WebApplication app, Uri address)
    {
        Database = database;
        _app = app;
        Address = address;
    }

    public ScratchDatabase Database { get; }

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<WebServer> StartAsync(string dialect)
    {
        var database = await ScratchDatabase.CreateAsync(dialect);
        var port = FreePort();
        var flags = new Dictionary<string, string?>
        {
            ["data_dir"] = database.DataDir,
            ["database"] = database.Target,
            ["host"] = "127.0.0.1",
            ["port"] = port.ToString(CultureInfo.InvariantCulture),
            ["workers"] = "1",
            // The test identity provider listens on loopback.
            ["auth:allow_private_network_providers"] = "true",
        };
        var app = TesseraServer.Build(TesseraServer.CreateBuilder([], flags));
        await app.StartAsync();
        return new WebServer(database, app, new Uri($"http://127.0.0.1:{port}"));
    }

    /// <summary>A member (owner of a new organization) who signs in with <see cref="Password"/>.</summary>
    public async Task<string> CreateUserAsync(string email, string org)
    {
        var accounts = Services.GetRequiredService<AccountService>();
        await accounts.EnsureMemberAsync(email, org, null, TestActor);
        await accounts.SetPasswordAsync(email, Password, TestActor);
        return email;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Database.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
