using System.CommandLine;
using Tessera.Server.Hosting;

namespace Tessera.Cli.Hosting;

/// <summary>The options every command that touches data takes, turned into configuration flags (the top layer).</summary>
internal sealed class DataOptions
{
    public Option<string?> DataDir { get; } = new("--data-dir")
    {
        Description = $"Folder for the database, blobs and indexes (default {TesseraConfiguration.DefaultDataDir}, or TESSERA__DATA_DIR).",
    };

    public Option<string?> Database { get; } = new("--database")
    {
        Description = "A SQLite file path (default <data-dir>/tessera.db) or a postgres://user:pass@host:port/db URL.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(DataDir);
        command.Options.Add(Database);
    }

    public Dictionary<string, string?> Flags(ParseResult parse) => new()
    {
        [TesseraSettings.DataDirKey] = parse.GetValue(DataDir),
        [TesseraSettings.DatabaseKey] = parse.GetValue(Database),
    };

    /// <summary>The flags of a command whose data options were added by <see cref="AddTo"/> elsewhere (a module's verb).</summary>
    public static Dictionary<string, string?> FlagsByName(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return new()
        {
            [TesseraSettings.DataDirKey] = parse.GetValue<string?>("--data-dir"),
            [TesseraSettings.DatabaseKey] = parse.GetValue<string?>("--database"),
        };
    }
}
