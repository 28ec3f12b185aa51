using System.Collections.Concurrent;
using Tessera.Core.Errors;
using Tessera.Inference.Bert;
using Tessera.Inference.Esm;
using Tessera.Inference.Text;

namespace Tessera.Inference.Embeddings;

/// <summary>
/// Resolves embedders and keeps each loaded once per registry: the first caller starts the load, concurrent callers
/// await the same <see cref="Lazy{T}"/> task, later callers get the cached instance. Register one registry per process
/// (a singleton). A failed load is not cached, so a fixed folder can be retried. A model is either a registered
/// <see cref="NamedEmbedder"/> (the platform's packaged models, modules' featurizers) or a Hugging Face ESM-2 or BERT
/// checkpoint folder.
/// </summary>
public sealed class EmbedderRegistry
{
    private readonly ConcurrentDictionary<string, Lazy<Task<IEmbedderModel>>> _cache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NamedEmbedder> _named = new(StringComparer.Ordinal);
    private readonly Func<string, ITesseraEmbedder> _loadModelFolder;
    private readonly TimeProvider _time;

    public EmbedderRegistry(IEnumerable<NamedEmbedder>? named = null, EsmEmbeddingOptions? esmOptions = null, TimeProvider? time = null)
        : this(directory => LoadFolder(directory, esmOptions ?? new EsmEmbeddingOptions(), time), named, time)
    {
    }

    /// <summary>For tests: a custom folder loader (e.g. one that counts loads).</summary>
    internal EmbedderRegistry(Func<string, ITesseraEmbedder> loadModelFolder, IEnumerable<NamedEmbedder>? named = null, TimeProvider? time = null)
    {
        _loadModelFolder = loadModelFolder;
        _time = time ?? TimeProvider.System;
        foreach (var embedder in named ?? [])
        {
            if (!_named.TryAdd(embedder.Name, embedder)) throw new ArgumentException($"Two embedders are named '{embedder.Name}'.", nameof(named));
        }
    }

    /// <summary>A checkpoint folder: BERT (<c>model_type: bert</c>, e.g. made by <c>tessera models import</c>) runs on the engine's BERT encoder, anything else loads as ESM-2.</summary>
    private static ITesseraEmbedder LoadFolder(string directory, EsmEmbeddingOptions options, TimeProvider? time) =>
        BertCheckpointFolder.IsBert(directory)
            ? BertTextEmbedder.LoadOnEngine(BertCheckpointFolder.Load(directory), options.Threads, options.BatchSize, time: time)
            : EsmEmbedder.Load(directory, options, time);

    /// <summary>The registered embedder names.</summary>
    public IReadOnlyCollection<string> Names => _named.Keys;

    /// <summary>The registered embedders, in registration order, unloaded.</summary>
    public IEnumerable<NamedEmbedder> Named => _named.Values;

    /// <summary>The text (or sequence) embedder registered as <paramref name="model"/>, or else the ESM-2 checkpoint in that folder.</summary>
    public async Task<ITesseraEmbedder> GetAsync(string model, CancellationToken cancellationToken = default) =>
        await GetModelAsync(model, cancellationToken).ConfigureAwait(false) as ITesseraEmbedder
            ?? throw TesseraException.Validation($"The model '{model}' embeds images, not text.");

    /// <summary>The image embedder registered as <paramref name="model"/>.</summary>
    public async Task<ITesseraImageEmbedder> GetImageAsync(string model, CancellationToken cancellationToken = default) =>
        await GetModelAsync(model, cancellationToken).ConfigureAwait(false) as ITesseraImageEmbedder
            ?? throw TesseraException.Validation($"The model '{model}' does not embed images.");

    /// <summary>Any embedder by name or ESM-2 folder, loaded once.</summary>
    public Task<IEmbedderModel> GetModelAsync(string model, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var entry = _named.TryGetValue(model, out var named)
            ? _cache.GetOrAdd("name:" + model, key => CreateEntry(key, () => named.Create(_time)))
            : _cache.GetOrAdd(Path.GetFullPath(model), path => CreateEntry(path, () => _loadModelFolder(path)));
        // The load is shared, so one caller's cancellation only stops that caller's wait.
        return entry.Value.WaitAsync(cancellationToken);
    }

    private Lazy<Task<IEmbedderModel>> CreateEntry(string key, Func<IEmbedderModel> load)
    {
        Lazy<Task<IEmbedderModel>>? entry = null;
        entry = new Lazy<Task<IEmbedderModel>>(async () =>
        {
            try
            {
                return await Task.Run(load).ConfigureAwait(false);
            }
            catch
            {
                _cache.TryRemove(new KeyValuePair<string, Lazy<Task<IEmbedderModel>>>(key, entry!));
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
            ?? throw TesseraException.Validation($"{directory} did not load as an ESM-2 model.");
    }
}
