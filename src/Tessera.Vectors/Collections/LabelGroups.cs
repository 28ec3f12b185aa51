using System.Collections.Concurrent;

namespace Tessera.Vectors.Collections;

/// <summary>
/// Which group (e.g. run) each indexed label belongs to, for one partition: the owner filter checks a visited label's
/// group against the caller's groups in memory instead of loading every visible label per search. Every index build
/// maps the rows it read before its index serves; an index loaded from a snapshot is covered by reading all labels
/// once. A label's group never changes.
/// </summary>
internal sealed class LabelGroups
{
    private readonly ConcurrentDictionary<long, int> _groupOfLabel = new();
    private readonly ConcurrentDictionary<Guid, int> _groupNumbers = new();
    private readonly Lock _writer = new();
    private volatile bool _complete;

    public bool IsComplete => _complete;

    /// <summary>Maps the labels of a full read, which covers every label stored before it.</summary>
    public void AddAll(IEnumerable<(long Label, Guid Group)> rows) => Add(rows, complete: true);

    /// <summary>Maps labels about to be added to an index.</summary>
    public void AddNew(IEnumerable<(long Label, Guid Group)> rows) => Add(rows, complete: false);

    private void Add(IEnumerable<(long Label, Guid Group)> rows, bool complete)
    {
        lock (_writer)
        {
            foreach (var (label, group) in rows) _groupOfLabel[label] = Number(group);
            if (complete) _complete = true;
        }
    }

    private int Number(Guid group)
    {
        if (_groupNumbers.TryGetValue(group, out var number)) return number;
        number = _groupNumbers.Count;
        _groupNumbers[group] = number;
        return number;
    }

    /// <summary>A filter that admits the labels of <paramref name="groups"/> only, never a deleted one.</summary>
    public GroupFilter Admitting(IEnumerable<Guid> groups, LabelTombstones deleted)
    {
        var admitted = new bool[_groupNumbers.Count + 1];
        foreach (var group in groups)
        {
            if (_groupNumbers.TryGetValue(group, out var number) && number < admitted.Length) admitted[number] = true;
        }
        return new GroupFilter(_groupOfLabel, admitted, deleted);
    }
}

/// <summary>Admits a label when its group is one of the caller's and it was not deleted; unknown labels are never admitted.</summary>
internal readonly struct GroupFilter(ConcurrentDictionary<long, int> groupOfLabel, bool[] admittedGroups, LabelTombstones deleted) : ISearchFilter
{
    public bool Allows(long id) =>
        groupOfLabel.TryGetValue(id, out var group) && group < admittedGroups.Length && admittedGroups[group] && !deleted.Contains(id);
}
