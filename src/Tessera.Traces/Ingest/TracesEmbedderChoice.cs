using Tessera.Core.Errors;
using Tessera.Inference.Embeddings;

namespace Tessera.Traces.Ingest;

/// <summary>
/// Which embedder a source's records go through: the one the source names, or <c>traces:default_embedder</c> (the
/// in-process MiniLM unless configured). Any text embedder of the platform registry qualifies, an OpenAI-compatible
/// remote one included (<c>embedders:remote:…</c>), which brings its own retries with backoff, jitter and Retry-After.
/// </summary>
internal sealed class TracesEmbedderChoice(EmbedderRegistry registry, TracesSettings settings)
{
    public string DefaultName => settings.DefaultEmbedder;

    /// <summary>Validates a requested embedder name (null means the default) and returns the name to record.</summary>
    public string Resolve(string? requested)
    {
        var name = string.IsNullOrWhiteSpace(requested) ? DefaultName : requested.Trim();
        var named = registry.Named.FirstOrDefault(n => n.Name == name);
        if (named is null || named.Modality != EmbeddingModality.Text)
        {
            var available = registry.Named.Where(n => n.Modality == EmbeddingModality.Text).Select(n => n.Name);
            throw TesseraException.Validation($"Unknown text embedder '{name}'. Available: {string.Join(", ", available)}.");
        }
        return name;
    }

    /// <summary>The loaded embedder; each model loads once per process.</summary>
    public Task<ITesseraEmbedder> GetAsync(string name, CancellationToken cancellationToken) => registry.GetAsync(Resolve(name), cancellationToken);
}
