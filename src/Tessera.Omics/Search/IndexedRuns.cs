using System.Collections.Concurrent;
using System.Data.Common;
using Dapper;
using Tessera.Omics.Storage;
using Tessera.Vectors;

namespace Tessera.Omics.Search;

/// <summary>
/// Which run each indexed vector label belongs to, for one embedder: the owner filter checks a visited label's run
/// against the caller's runs in memory instead of loading every visible label per search. Every index build reads
/// its labels with their runs and adds them here before the index serves, so the map covers the serving index; an
/// index loaded from a snapshot at start-up is covered by reading all labels once. A label's run never changes.
/// </summary>
internal sealed class IndexedRuns
{
    private readonly ConcurrentDictionary<long, int> _runOfLabel = new();
    private readonly ConcurrentDictionary<Guid, int> _runNumbers = new();
    private readonly Lock _writer = new();
    private volatile bool _complete;

    /// <summary>Maps the labels of a full read (an index build's source rows), which covers every label stored before it.</summary>
    public void AddAll(IEnumerable<(long Label, Guid RunId)> rows) => Add(rows, complete: true);

    /// <summary>Maps labels about to be added to an index that this map already covers.</summary>
    public void AddNew(IEnumerable<(long Label, Guid RunId)> rows) => Add(rows, complete: false);

    private void Add(IEnumerable<(long Label, Guid RunId)> rows, bool complete)
    {
        ArgumentNullException.ThrowIfNull(rows);
        lock (_writer)
        {
            foreach (var (label, runId) in rows)
            {
                if (!_runNumbers.TryGetValue(runId, out var number))
                {
                    number = _runNumbers.Count;
                    _runNumbers[runId] = number;
                }
                _runOfLabel[label] = number;
            }
            if (complete) _complete = true;
        }
    }

    /// <summary>Reads every label of the embedder once, when no full read has happened in this process yet.</summary>
    public async Task EnsureCompleteAsync(DbConnection c, EmbedderIdentity embedder, CancellationToken cancellationToken)
    {
        // Concurrent first searches may both read; adding the rows twice is harmless.
        if (_complete) return;
        var rows = await c.QueryAsync<(long Label, Guid RunId)>(new CommandDefinition(
            "SELECT label, run_id FROM omics_embeddings WHERE embedder = @Name AND model_hash = @ModelHash",
            new { embedder.Name, embedder.ModelHash }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        AddAll(rows);
    }

    /// <summary>A filter that admits the labels of <paramref name="runs"/> only.</summary>
    public RunFilter Admitting(IEnumerable<Guid> runs)
    {
        var admitted = new bool[_runNumbers.Count + 1];
        foreach (var run in runs)
        {
            if (_runNumbers.TryGetValue(run, out var number) && number < admitted.Length) admitted[number] = true;
        }
        return new RunFilter(_runOfLabel, admitted);
    }
}

/// <summary>Admits a label when its run is one of the caller's; unknown labels are never admitted.</summary>
internal readonly struct RunFilter(ConcurrentDictionary<long, int> runOfLabel, bool[] admittedRuns) : ISearchFilter
{
    public bool Allows(long id) => runOfLabel.TryGetValue(id, out var run) && run < admittedRuns.Length && admittedRuns[run];
}
