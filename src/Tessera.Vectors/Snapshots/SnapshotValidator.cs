using Tessera.Vectors.Hnsw;

namespace Tessera.Vectors.Snapshots;

/// <summary>
/// Checks a loaded graph's structure before anyone searches it, and turns the file's upper-level offsets
/// into pointers. Every id, count, level and offset is bounded here, so even a file with a valid checksum
/// but hostile contents cannot make a search read outside the index.
/// </summary>
internal static unsafe class SnapshotValidator
{
    public static void Validate(HnswIndex index, SnapshotHeader header, byte* upperBase)
    {
        var layout = index.Layout;
        var nodes = index.Store.View;
        var count = header.Count;
        if (count == 0)
        {
            if (header.Entry != -1) throw new InvalidDataException("The snapshot is empty but names an entry point.");
            return;
        }
        var entryId = (int)header.Entry;
        var maxLevel = (int)(header.Entry >> 32);
        if (entryId < 0 || entryId >= count || maxLevel is < 0 or > NodeLayout.MaxLevel)
            throw new InvalidDataException($"The snapshot's entry point {entryId} (level {maxLevel}) is out of range.");

        for (var id = 0; id < count; id++)
        {
            var nodeHeader = *nodes.Header(id);
            if ((nodeHeader & NodeLayout.ReadyFlag) == 0) Fail(id, "is not initialized");
            var level = NodeLayout.LevelOf(nodeHeader);
            if (level > maxLevel) Fail(id, $"has level {level}, above the entry point's {maxLevel}");
            CheckLinks(NodeLayout.CountOf(nodeHeader), nodes.Links(id), layout.MaxM0, count, id, 0);
            var offset = (long)*nodes.Upper(id);
            if (level == 0)
            {
                if (offset != -1) Fail(id, "has upper links but level 0");
                *nodes.Upper(id) = 0;
                continue;
            }
            var size = (long)level * layout.UpperLevelBytes;
            if (offset < 0 || offset % 4 != 0 || offset + size > header.UpperBytes) Fail(id, "has upper links outside the upper region");
            *nodes.Upper(id) = (nint)(upperBase + offset);
        }
        var entryLevel = NodeLayout.LevelOf(*nodes.Header(entryId));
        if (entryLevel != maxLevel) throw new InvalidDataException($"The snapshot's entry point has level {entryLevel}, not {maxLevel}.");

        // Upper links may only point at nodes that have that level, or a search would follow a null list.
        for (var id = 0; id < count; id++)
        {
            var level = NodeLayout.LevelOf(*nodes.Header(id));
            var upper = (byte*)*nodes.Upper(id);
            for (var l = 1; l <= level; l++)
            {
                var list = (int*)(upper + (l - 1) * layout.UpperLevelBytes);
                if ((*list & ~NodeLayout.CountMask) != 0) Fail(id, $"has a malformed link count on level {l}");
                var n = NodeLayout.CountOf(*list);
                CheckLinks(n, list + 1, layout.M, count, id, l);
                for (var j = 1; j <= n; j++)
                {
                    if (NodeLayout.LevelOf(*nodes.Header(list[j])) < l) Fail(id, $"links on level {l} to node {list[j]}, which does not reach that level");
                }
            }
        }
    }

    private static void CheckLinks(int n, int* links, int max, int count, int id, int level)
    {
        if (n > max) Fail(id, $"has {n} links on level {level}, more than {max}");
        for (var j = 0; j < n; j++)
        {
            if ((uint)links[j] >= (uint)count) Fail(id, $"links to node {links[j]}, outside 0..{count - 1}");
        }
    }

    private static void Fail(int id, string problem) => throw new InvalidDataException($"The snapshot is corrupt: node {id} {problem}.");
}
