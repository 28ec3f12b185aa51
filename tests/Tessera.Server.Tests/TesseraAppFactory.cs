using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Testing;

namespace Tessera.Server.Tests;

/// <summary>The real application over a scratch database of one dialect, served in memory.</summary>
public sealed class TesseraAppFactory(
    ScratchDatabase database, Action<IServiceCollection>? services, IReadOnlyDictionary<string, string?>? settings, bool ownsDatabase = true)
    : WebApplicationFactory<Program>
{
    public static async Task<TesseraAppFactory> CreateAsync(
        string dialect, Action<IServiceCollection>? services = null, IReadOnlyDictionary<string, string?>? settings = null) =>
        new(await ScratchDatabase.CreateAsync(dialect), services, settings);

    /// <summary>The application over an existing database and data dir, which it leaves in place (so a test can restart it).</summary>
    public static TesseraAppFactory Over(
        ScratchDatabase database, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null) =>
        new(database, services, settings, ownsDatabase: false);

    public ScratchDatabase Database => database;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Added when the host is built, so these sit above the layers the application set up.
        var values = new Dictionary<string, string?>
        {
            ["data_dir"] = database.DataDir,
            ["database"] = database.Target,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) values[key] = value;
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(values));
        if (services is not null) builder.ConfigureTestServices(services);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (ownsDatabase) await database.DisposeAsync();
    }
}
