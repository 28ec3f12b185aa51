using Tessera.Core.Errors;
using Tessera.Inference.Embeddings;
using Tessera.Omics.Chemistry;

namespace Tessera.Omics.Embedding;

/// <summary>
/// Which embedder a run uses: ESM-2 when configuration points at a checkpoint folder (<c>omics:esm_model</c>),
/// otherwise the classical peptide descriptors (v1 stays the default so existing runs and new ones compare; v2 on
/// request). An upload may ask for any of them by name.
/// </summary>
internal sealed class OmicsEmbedderChoice(EmbedderRegistry registry, string? esmModelFolder)
{
    public const string EsmName = "esm2";
    public const string EsmModelSetting = "omics:esm_model";

    public string DefaultName => esmModelFolder is null ? PeptideDescriptorEmbedder.ModelName : EsmName;

    /// <summary>Validates a requested embedder name (null means the default) and returns the name to record.</summary>
    public string Resolve(string? requested)
    {
        var name = string.IsNullOrWhiteSpace(requested) ? DefaultName : requested.Trim();
        if (name is PeptideDescriptorEmbedder.ModelName or PeptideDescriptorEmbedderV2.ModelName) return name;
        if (name == EsmName)
        {
            return esmModelFolder is not null
                ? name
                : throw TesseraException.Validation($"The ESM-2 embedder is not configured on this server (set {EsmModelSetting} to a checkpoint folder).");
        }
        throw TesseraException.Validation($"Unknown embedder '{name}'. Available: {string.Join(", ", Available())}.");
    }

    public IEnumerable<string> Available() =>
        esmModelFolder is null
            ? [PeptideDescriptorEmbedder.ModelName, PeptideDescriptorEmbedderV2.ModelName]
            : [EsmName, PeptideDescriptorEmbedder.ModelName, PeptideDescriptorEmbedderV2.ModelName];

    /// <summary>The loaded embedder for a recorded name; each model loads once per process.</summary>
    public Task<ITesseraEmbedder> GetAsync(string name, CancellationToken cancellationToken) =>
        registry.GetAsync(name == EsmName ? esmModelFolder! : name, cancellationToken);
}
