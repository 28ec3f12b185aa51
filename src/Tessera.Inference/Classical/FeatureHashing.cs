namespace Tessera.Inference.Classical;

/// <summary>Stable 32-bit FNV-1a over UTF-16 code units: the same text lands in the same bucket in every process.</summary>
internal static class FeatureHashing
{
    public static uint Hash(ReadOnlySpan<char> text, uint seed)
    {
        var hash = 2166136261u ^ seed;
        foreach (var c in text)
        {
            hash = (hash ^ (uint)(c & 0xFF)) * 16777619u;
            hash = (hash ^ (uint)(c >> 8)) * 16777619u;
        }
        return hash;
    }

    public static void L2Normalize(Span<float> vector)
    {
        double sum = 0;
        foreach (var v in vector) sum += (double)v * v;
        if (sum == 0) return;
        var scale = (float)(1 / Math.Sqrt(sum));
        foreach (ref var v in vector) v *= scale;
    }
}
