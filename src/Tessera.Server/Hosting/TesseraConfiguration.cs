namespace Tessera.Server.Hosting;

/// <summary>
/// Builds the configuration in layers, each overriding the one before: built-in defaults, then
/// <c>tessera.json</c> in the data dir, then <c>TESSERA__…</c> environment variables, then command-line flags.
/// </summary>
public static class TesseraConfiguration
{
    public const string DefaultDataDir = "./tessera-data";
    public const string EnvironmentPrefix = "TESSERA__";
    public const string FileName = "tessera.json";

    public static IConfigurationRoot Build(IReadOnlyDictionary<string, string?>? flags = null)
    {
        var builder = new ConfigurationBuilder();
        Apply(builder, flags);
        return builder.Build();
    }

    /// <summary>Puts the layers into an existing builder (the web host's) in place of its default sources.</summary>
    public static void Apply(IConfigurationBuilder builder, IReadOnlyDictionary<string, string?>? flags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        flags ??= new Dictionary<string, string?>();
        var environment = new ConfigurationBuilder().AddEnvironmentVariables(EnvironmentPrefix).Build();
        var dataDir = Path.GetFullPath(
            flags.GetValueOrDefault(TesseraSettings.DataDirKey) ??
            environment[TesseraSettings.DataDirKey] ??
            DefaultDataDir);

        builder.Sources.Clear();
        builder.AddInMemoryCollection(new Dictionary<string, string?> { [TesseraSettings.DataDirKey] = DefaultDataDir });
        builder.AddJsonFile(Path.Combine(dataDir, FileName), optional: true, reloadOnChange: false);
        builder.AddEnvironmentVariables(EnvironmentPrefix);
        builder.AddInMemoryCollection(flags.Where(f => f.Value is not null));
    }
}
