using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Tessera.Testing;

/// <summary>
/// The real application over a scratch database of one dialect, served in memory; every test project that calls the
/// HTTP API uses this one (through a <c>global using TesseraAppFactory = Tessera.Testing.TesseraAppFactory&lt;Program&gt;;</c>).
/// </summary>
[SuppressMessage("Design", "CA1000", Justification = "Tests call the factories through the closed alias TesseraAppFactory.")]
public sealed class TesseraAppFactory<TEntryPoint>(
    ScratchDatabase database, Action<IServiceCollection>? services, IReadOnlyDictionary<string, string?>? settings, bool ownsDatabase = true)
    : WebApplicationFactory<TEntryPoint>
    where TEntryPoint : class
{
    public static async Task<TesseraAppFactory<TEntryPoint>> CreateAsync(
        string dialect, Action<IServiceCollection>? services = null, IReadOnlyDictionary<string, string?>? settings = null) =>
        new(await ScratchDatabase.CreateAsync(dialect), services, settings);

    /// <summary>The application over an existing database and data dir, which it leaves in place (so a test can restart it).</summary>
    public static TesseraAppFactory<TEntryPoint> Over(
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
