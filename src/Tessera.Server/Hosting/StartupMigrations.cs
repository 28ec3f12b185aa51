using Tessera.Data.Migrations;

namespace Tessera.Server.Hosting;

/// <summary>
/// Before anything else starts (the web server included), brings the schema up to date, or, where migrations
/// are run separately, refuses to start on an out-of-date or tampered schema.
/// </summary>
internal sealed class StartupMigrations(MigrationRunner migrations, TesseraSettings settings) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (settings.MigrateOnStart) await migrations.MigrateAsync(cancellationToken).ConfigureAwait(false);
        else await migrations.EnsureCurrentAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
