using Tessera.Core;
using Tessera.Data;

namespace Tessera.Server.Hosting;

/// <summary>
/// At start-up, warns when other local users may read the data dir or the SQLite database: they hold the
/// URL-signing key, token and password hashes and every tenant's data. New installs are created 0700/0600
/// (<see cref="PrivateFiles"/>); older ones, or files an operator copied in, may be looser, and fixing them is the
/// operator's call.
/// </summary>
internal sealed partial class DataDirPermissionCheck(TesseraSettings settings, ILogger<DataDirPermissionCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var path in LoosePaths(settings)) LogLoose(logger, path);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal static IReadOnlyList<string> LoosePaths(TesseraSettings settings)
    {
        var paths = new List<string> { settings.DataDir };
        if (settings.Database.Dialect == SqlDialect.Sqlite)
        {
            var database = settings.Database.ConnectionString;
            paths.AddRange([database, database + "-wal", database + "-shm"]);
        }
        return paths.Where(p => Path.Exists(p) && PrivateFiles.IsLooserThanPrivate(p)).ToList();
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{Path} is readable by other users of this machine, and it holds keys, token hashes and tenant data: chmod go-rwx it (folders 0700, files 0600).")]
    private static partial void LogLoose(ILogger logger, string path);
}
