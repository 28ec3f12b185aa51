using System.Collections.Concurrent;
using Tessera.Core.Errors;
using Tessera.Inference.Esm;

namespace Tessera.Inference.Embeddings;

/// <summary>
/// Resolves embedders and keeps each loaded once per registry: the first caller starts the load, concurrent callers
/// await the same <see cref="Lazy{T}"/> task, later callers get the cached instance. Register one registry per process
/// (a singleton). A failed load is not cached, so a fixed folder can be retried. A model is either a registered
/// <see cref="NamedEmbedder"/> (modules contribute theirs) or a Hugging Face ESM-2 checkpoint folder.
/// </summary>
public sealed class EmbedderRegistry
{
    private readonly ConcurrentDictionary<string, Lazy<Task<ITesseraEmbedder>>> _cache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NamedEmbedder> _named = new(StringComparer.Ordinal);
    private readonly Func<string, ITesseraEmbedder> _loadModelFolder;
    private readonly TimeProvider _time;

    public EmbedderRegistry(IEnumerable<NamedEmbedder>? named = null, EsmEmbeddingOptions? esmOptions = null, TimeProvider? time = null)
        : this(directory => EsmEmbedder.Load(directory, esmOptions, time), named, time)
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

    /// <summary>The registered embedder names.</summary>
    public IReadOnlyCollection<string> Names => _named.Keys;

    /// <summary>The embedder registered as <paramref name="model"/>, or else the ESM-2 checkpoint in that folder.</summary>
    public Task<ITesseraEmbedder> GetAsync(string model, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var entry = _named.TryGetValue(model, out var named)
            ? _cache.GetOrAdd("name:" + model, _ => new Lazy<Task<ITesseraEmbedder>>(() => Task.FromResult(named.Create(_time))))
            : _cache.GetOrAdd(Path.GetFullPath(model), CreateFolderEntry);
        // The load is shared, so one caller's cancellation only stops that caller's wait.
        return entry.Value.WaitAsync(cancellationToken);
    }

    private Lazy<Task<ITesseraEmbedder>> CreateFolderEntry(string path)
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
            ?? throw TesseraException.Validation($"{directory} did not load as an ESM-2 model.");
    }
}
