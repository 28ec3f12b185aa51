using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tessera.Testing;

namespace Tessera.Server.Tests;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class DataDirPermissionTests
{
    [Fact]
    public async Task Start_up_warns_about_a_data_dir_or_database_other_users_can_read_and_is_quiet_once_they_cannot()
    {
        await using var database = await ScratchDatabase.CreateAsync("sqlite");
        var dbFile = Path.Combine(database.DataDir, "tessera.db");
        File.SetUnixFileMode(database.DataDir, PrivateMode(directory: true) | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(dbFile, PrivateMode(directory: false) | UnixFileMode.OtherRead);

        var loose = await WarningsOnStartAsync(database);
        Assert.Contains(loose, w => w.Contains(database.DataDir + " is readable", StringComparison.Ordinal));
        Assert.Contains(loose, w => w.Contains(dbFile + " is readable", StringComparison.Ordinal));
        Assert.Contains(await WarningsOnStartAsync(database), w => w.Contains(dbFile + "-wal is readable", StringComparison.Ordinal));

        // SQLite gave the WAL files the database file's loose mode: they are reported too, until fixed with it.
        File.SetUnixFileMode(database.DataDir, PrivateMode(directory: true));
        foreach (var file in Directory.GetFiles(database.DataDir, "tessera.db*")) File.SetUnixFileMode(file, PrivateMode(directory: false));
        Assert.Empty(await WarningsOnStartAsync(database));
    }

    private static UnixFileMode PrivateMode(bool directory) =>
        UnixFileMode.UserRead | UnixFileMode.UserWrite | (directory ? UnixFileMode.UserExecute : UnixFileMode.None);

    private static async Task<List<string>> WarningsOnStartAsync(ScratchDatabase database)
    {
        var collector = new WarningCollector();
        await using var app = TesseraAppFactory.Over(database, services: s => s.AddSingleton<ILoggerProvider>(collector));
        _ = app.CreateClient();
        return collector.Warnings.Where(w => w.Contains("is readable by other users", StringComparison.Ordinal)).ToList();
    }

    private sealed class WarningCollector : ILoggerProvider, ILogger
    {
        public ConcurrentQueue<string> Warnings { get; } = new();
        public ILogger CreateLogger(string categoryName) => this;
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Warning) Warnings.Enqueue(formatter(state, exception));
        }

        public void Dispose() { }
    }
}
