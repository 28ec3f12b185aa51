using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Tessera.Inference.Embeddings;
using Tessera.Jobs;
using Tessera.Omics.Analysis;
using Tessera.Omics.Embedding;
using Tessera.Omics.Export;
using Tessera.Omics.Parsing;
using Tessera.Omics.Runs;
using Tessera.Omics.Search;
using Tessera.Vectors.Management;
using Microsoft.Extensions.Logging;

namespace Tessera.Omics;

public static class OmicsServices
{
    /// <summary>The Omics tables, services and job kind; settings under <c>omics:</c>.</summary>
    /// <param name="services">The container.</param>
    /// <param name="indexDirectory">Where the omics index snapshots live (under the data dir).</param>
    public static IServiceCollection AddOmics(this IServiceCollection services, Func<IServiceProvider, string> indexDirectory)
    {
        services.AddSingleton(OmicsModule.Migrations);
        services.AddSingleton(sp =>
        {
            var config = sp.GetRequiredService<IConfiguration>();
            var defaults = new ParseLimits();
            return new ParseLimits
            {
                MaxRecords = config.GetValue(ParseLimits.MaxRecordsSetting, defaults.MaxRecords),
                MaxSequenceLength = config.GetValue(ParseLimits.MaxSequenceLengthSetting, defaults.MaxSequenceLength),
                MaxLineLength = config.GetValue(ParseLimits.MaxLineLengthSetting, defaults.MaxLineLength),
            };
        });
        services.TryAddSingleton(sp => new EmbedderRegistry(time: sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new OmicsEmbedderChoice(
            sp.GetRequiredService<EmbedderRegistry>(),
            sp.GetRequiredService<IConfiguration>()[OmicsEmbedderChoice.EsmModelSetting] is { Length: > 0 } folder ? folder : null));
        services.AddSingleton<OmicsUploadService>();
        services.AddSingleton<OmicsRunReader>();
        services.AddSingleton<OmicsRunSubmission>();
        services.AddSingleton<Demo.OmicsDemo>();
        services.AddSingleton<OmicsEmbeddingService>();
        services.AddSingleton<OmicsAnalysisService>();
        services.AddSingleton<OmicsExportService>();
        services.AddSingleton(sp => new OmicsIndex(
            sp.GetRequiredService<Data.TesseraDatabase>(), indexDirectory(sp),
            sp.GetRequiredService<ILogger<VectorIndexManager>>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<OmicsSearchService>();
        services.AddJobHandler<OmicsEmbedJobHandler>();
        return services;
    }
}
