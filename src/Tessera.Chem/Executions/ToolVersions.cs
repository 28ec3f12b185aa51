using System.Collections.Concurrent;
using Tessera.Platform.Tools;

namespace Tessera.Chem.Executions;

/// <summary>
/// The version line of each command line tool (<c>vina --version</c>, <c>obabel -V</c>), read once per process: the
/// result cache keys on it, so an upgraded tool does not serve results of the old one. A tool that cannot be run reads
/// as <c>"unavailable"</c> (its executions fail on their own).
/// </summary>
internal sealed class ToolVersions
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _versions = new(StringComparer.Ordinal);

    public Task<string> GetAsync(string path, string setting, IReadOnlyList<string> arguments) =>
        _versions.GetOrAdd(path + "\0" + string.Join('\0', arguments), _ => new Lazy<Task<string>>(() => ReadAsync(path, setting, arguments))).Value;

    private static async Task<string> ReadAsync(string path, string setting, IReadOnlyList<string> arguments)
    {
        try
        {
            var outcome = await ToolRunner.RunAsync(path, setting, ChemErrorCodes.ToolFailed, arguments, Path.GetTempPath(), Timeout, CancellationToken.None).ConfigureAwait(false);
            var line = (outcome.Stdout + "\n" + outcome.Stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
            return outcome.Succeeded && line is not null ? line : "unavailable";
        }
        catch (Tessera.Core.Errors.TesseraException)
        {
            return "unavailable";
        }
    }
}
