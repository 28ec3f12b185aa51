using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Data.Migrations;
using Tessera.Testing;

namespace Tessera.Data.Tests;

public class InstanceSettingsTests
{
    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Racing_processes_all_get_the_first_secret_written(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        await new MigrationRunner(scratch.Database, [DataModule.Migrations], TimeProvider.System, NullLogger<MigrationRunner>.Instance).MigrateAsync();
        var settings = new InstanceSettings(scratch.Database, TimeProvider.System);

        var secrets = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => settings.GetOrCreateSecretAsync("k"))));

        Assert.Equal(32, secrets[0].Length);
        Assert.All(secrets, s => Assert.Equal(secrets[0], s));
        Assert.NotEqual(secrets[0], await settings.GetOrCreateSecretAsync("other"));
    }
}
