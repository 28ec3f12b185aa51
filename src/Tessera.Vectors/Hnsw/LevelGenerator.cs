namespace Tessera.Vectors.Hnsw;

/// <summary>
/// Draws each node's top level from the exponential distribution of the paper (mL = 1/ln M). The draw
/// for a node depends only on the seed and the node's dense id, so a parallel build gets the same
/// levels whatever the thread interleaving.
/// </summary>
internal readonly struct LevelGenerator(ulong seed, int m)
{
    private readonly double _mL = 1.0 / Math.Log(m);

    public int LevelFor(int id)
    {
        var u = ((SplitMix64(seed + (ulong)id) >> 11) + 1) * (1.0 / (1UL << 53));
        return (int)Math.Min(-Math.Log(u) * _mL, NodeLayout.MaxLevel);
    }

    private static ulong SplitMix64(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
