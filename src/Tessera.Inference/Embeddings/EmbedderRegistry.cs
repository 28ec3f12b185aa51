using System.Collections.Concurrent;
using Tessera.Inference.Esm;
using Tessera.Inference.Featurizers;

namespace Tessera.Inference.Embeddings;

/// <summary>
/// Resolves embedders by name or model folder and keeps each loaded once per registry: the
/// first caller starts the load, concurrent callers await the same <see cref="Lazy{T}"/> task,
/// later callers get the cached instance. Register one registry per process (a singleton).
/// A failed load is not cached, so a fixed folder can be retried.
/// <list type="bullet">
/// <item>null, empty or <see cref="PeptideDescriptorEmbedder.ModelName"/>: the classical peptide
/// descriptors, the fallback when no weights are configured;</item>
/// <item>anything else: a Hugging Face ESM-2 checkpoint folder.</item>
/// </list>
/// </summary>
public sealed class EmbedderRegistry
{
    private readonly ConcurrentDictionary<string, Lazy<Task<ITesseraEmbedder>>> _cache = new(StringComparer.Ordinal);
    private readonly Func<string, ITesseraEmbedder> _loadModelFolder;

    public EmbedderRegistry(EsmEmbeddingOptions? esmOptions = null, TimeProvider? time = null)
        : this(directory => EsmEmbedder.Load(directory, esmOptions, time), time)
    {
    }

    /// <summary>For tests: a custom folder loader (e.g. one that counts loads).</summary>
    internal EmbedderRegistry(Func<string, ITesseraEmbedder> loadModelFolder, TimeProvider? time = null)
    {
        _loadModelFolder = loadModelFolder;
        Classical = new PeptideDescriptorEmbedder(time);
    }

    /// <summary>The deterministic classical embedder used when no model weights are configured.</summary>
    public PeptideDescriptorEmbedder Classical { get; }

    /// <summary>True when <paramref name="model"/> names no weights, so <see cref="Classical"/> answers.</summary>
    public static bool IsClassical(string? model) =>
        string.IsNullOrWhiteSpace(model) || model == PeptideDescriptorEmbedder.ModelName;

    public Task<ITesseraEmbedder> GetAsync(string? model, CancellationToken cancellationToken = default)
    {
        if (IsClassical(model)) return Task.FromResult<ITesseraEmbedder>(Classical);
        var key = Path.GetFullPath(model!);
        var entry = _cache.GetOrAdd(key, CreateEntry);
        // The load is shared, so one caller's cancellation only stops that caller's wait.
        return entry.Value.WaitAsync(cancellationToken);
    }

    private Lazy<Task<ITesseraEmbedder>> CreateEntry(string path)
    {
        Lazy<Task<ITesseraEmbedder>>? entry = null;
        entry = new Lazy<Task<ITesseraEmbedder>>(async () =>
        {
            try
            {
                return await Task.Run(() => _loadModelFolder(path)).ConfigureAwait(false);
            }
            catch
            {
                _cache.TryRemove(new KeyValuePair<string, Lazy<Task<ITesseraEmbedder>>>(path, entry!));
                throw;
            }
        });
        return entry;
    }

    /// <summary>An ESM-2 model folder as its concrete type, for per-residue output and progress.</summary>
    public async Task<EsmEmbedder> GetProteinModelAsync(string directory, CancellationToken cancellationToken = default)
    {
        var embedder = await GetAsync(directory, cancellationToken).ConfigureAwait(false);
        return embedder as EsmEmbedder
            ?? throw Core.Errors.TesseraException.Validation($"{directory} did not load as an ESM-2 model.");
    }
}
