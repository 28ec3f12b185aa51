using Tessera.Vectors.Hnsw;

namespace Tessera.Vectors.Tests;

/// <summary>Reads a node's link list on one level, for tests that inspect the graph itself.</summary>
internal static unsafe class GraphLinks
{
    public static int* Of(HnswIndex index, NodeView nodes, int id, int level, out int count)
    {
        if (level == 0)
        {
            count = NodeLayout.CountOf(*nodes.Header(id));
            return nodes.Links(id);
        }
        var list = (int*)((byte*)*nodes.Upper(id) + (level - 1) * index.Layout.UpperLevelBytes);
        count = NodeLayout.CountOf(*list);
        return list + 1;
    }

    public static int Count(HnswIndex index, NodeView nodes, int id, int level)
    {
        Of(index, nodes, id, level, out var count);
        return count;
    }
}
