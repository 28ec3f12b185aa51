using System.Runtime.CompilerServices;

namespace Tessera.Vectors.Hnsw;

/// <summary>Which nodes a layer search may return (every node still serves for navigation).</summary>
internal unsafe interface INodeFilter
{
    bool Admits(in NodeView nodes, int id);
}

/// <summary>Every node: the graph has no tombstones and the caller no filter.</summary>
internal readonly unsafe struct AllNodes : INodeFilter
{
    public bool Admits(in NodeView nodes, int id) => true;
}

/// <summary>Nodes not deleted.</summary>
internal readonly unsafe struct LiveNodes : INodeFilter
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Admits(in NodeView nodes, int id) => (Volatile.Read(ref *nodes.Header(id)) & NodeLayout.DeletedFlag) == 0;
}

/// <summary>Nodes not deleted whose label the caller's filter admits.</summary>
internal readonly unsafe struct LiveAndAllowed<TFilter>(TFilter filter) : INodeFilter
    where TFilter : ISearchFilter
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Admits(in NodeView nodes, int id) =>
        (Volatile.Read(ref *nodes.Header(id)) & NodeLayout.DeletedFlag) == 0 && filter.Allows(*nodes.Label(id));
}
