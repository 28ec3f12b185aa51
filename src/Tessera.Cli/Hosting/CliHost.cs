using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tessera.Data.Migrations;
using Tessera.Inference.Embeddings;
using Tessera.Inference.Esm;
using Tessera.Inference.Onnx;
using Tessera.Platform.Modules;
using Tessera.Server.Hosting;

namespace Tessera.Cli.Hosting;

/// <summary>
/// What every verb shares: the installed modules and the services the server composes, for commands that work on
/// the data directly; and, for the modules' own verbs, the data and server options with their meaning.
/// </summary>
internal sealed class CliHost(TesseraModules modules) : IModuleCommandHost
{
    public TesseraModules Modules => modules;

    /// <summary>The embedders known by name: the packaged pretrained models and those the installed modules register.</summary>
    public IEnumerable<string> EmbedderNames => NamedEmbedders(new OnnxRuntimeOptions()).Select(e => e.Name);

    /// <summary>
    /// A registry of the named embedders and ESM-2 model folders; ESM-2 runs with <paramref name="esmOptions"/>, ONNX
    /// models with <paramref name="onnxOptions"/> (one thread by default).
    /// </summary>
    public EmbedderRegistry Embedders(EsmEmbeddingOptions esmOptions, OnnxRuntimeOptions? onnxOptions = null) =>
        new(NamedEmbedders(onnxOptions ?? new OnnxRuntimeOptions()), esmOptions);

    private IEnumerable<NamedEmbedder> NamedEmbedders(OnnxRuntimeOptions onnxOptions) =>
        PretrainedEmbedders.All(onnxOptions).Concat(modules.SelectMany(m => m.Embedders));

    public ServiceProvider Build(IReadOnlyDictionary<string, string?> flags)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(TesseraConfiguration.Build(flags));
        services.AddLogging(logging => logging
            .AddSimpleConsole(o => o.SingleLine = true)
            .SetMinimumLevel(LogLevel.Warning));
        services.AddTesseraCore(modules);
        return services.BuildServiceProvider();
    }

    /// <summary>Services over a schema brought up to date first, for commands that read or write data.</summary>
    public async Task<ServiceProvider> BuildMigratedAsync(IReadOnlyDictionary<string, string?> flags, CancellationToken cancellationToken)
    {
        var provider = Build(flags);
        try
        {
            await provider.GetRequiredService<MigrationRunner>().MigrateAsync(cancellationToken).ConfigureAwait(false);
            return provider;
        }
        catch
        {
            await provider.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public void AddDataOptions(Command command) => new DataOptions().AddTo(command);

    public Task<ServiceProvider> OpenAsync(ParseResult parse, CancellationToken cancellationToken) =>
        BuildMigratedAsync(DataOptions.FlagsByName(parse), cancellationToken);

    public void AddServerOptions(Command command) => ServerCall.AddOptions(command);

    public Task<HttpResponseMessage> GetFromServerAsync(ParseResult parse, string path, string subject, CancellationToken cancellationToken) =>
        ServerCall.GetAsync(parse, path, subject, cancellationToken);
}
