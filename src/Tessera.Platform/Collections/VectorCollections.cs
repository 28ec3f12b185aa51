using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Tessera.Core.Errors;
using Tessera.Data;
using Tessera.Vectors;
using Tessera.Vectors.Collections;
using Tessera.Vectors.Management;

namespace Tessera.Platform.Collections;

/// <summary>Every vector collection the installed modules declared, by name; snapshots live under the data dir's index folder.</summary>
[SuppressMessage("Naming", "CA1711", Justification = "The registry of vector collections; not a .NET collection type.")]
public sealed class VectorCollections : IIndexStatusSource, IAsyncDisposable
{
    private readonly Dictionary<string, VectorCollection> _byName = new(StringComparer.Ordinal);

    public VectorCollections(
        IEnumerable<VectorCollectionRegistration> registrations, IServiceProvider services, DataPaths paths, SnapshotExchange exchange,
        IConfiguration configuration, ILogger<VectorIndexManager> logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        ArgumentNullException.ThrowIfNull(registrations);
        ArgumentNullException.ThrowIfNull(paths);
        var declared = registrations.ToList();
        var configured = CollectionIndexSettings.Apply(configuration, [.. declared.Select(r => r.Definition)], paths.Indexes);
        for (var i = 0; i < declared.Count; i++)
        {
            var name = configured[i].Name;
            if (_byName.ContainsKey(name)) throw new InvalidOperationException($"Two modules declare the vector collection '{name}'.");
            var collection = new VectorCollection(configured[i], declared[i].Source(services), paths.Indexes, logger, time);
            exchange.Attach(collection);
            _byName[name] = collection;
        }
    }

    public IEnumerable<VectorCollection> All => _byName.Values;

    /// <summary>Every partition index opened in this process, for /readyz and /metrics.</summary>
    public IEnumerable<IndexStatus> Statuses => _byName.Values.SelectMany(c => c.Statuses);

    public IEnumerable<string> Names => _byName.Keys.Order(StringComparer.Ordinal);

    /// <summary>The collection named <paramref name="name"/>; a clear error naming the collections there are otherwise.</summary>
    public VectorCollection Get(string name) =>
        _byName.TryGetValue(name, out var collection)
            ? collection
            : throw TesseraException.Validation($"Unknown collection '{name}'; the collections are: {(_byName.Count == 0 ? "none" : string.Join(", ", Names))}.");

    public bool TryGet(string name, [NotNullWhen(true)] out VectorCollection? collection) => _byName.TryGetValue(name, out collection);

    public async ValueTask DisposeAsync()
    {
        foreach (var collection in _byName.Values) await collection.DisposeAsync().ConfigureAwait(false);
    }
}
