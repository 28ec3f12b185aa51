using System.Runtime.InteropServices;

namespace Tessera.Vectors.Hnsw;

/// <summary>
/// Advice to Linux about how the index touches its memory (elsewhere, and where the kernel refuses it, nothing changes),
/// and what of it is in memory.
/// </summary>
internal static partial class MemoryAdvice
{
    private const int HugePageBytes = 2 << 20;
    private const int MadvRandom = 1;
    private const int MadvHugePage = 14;

    /// <summary>
    /// Asks for transparent huge pages on the 2 MiB-aligned part of [start, start + length); it only takes effect on
    /// memory not yet touched. A search jumps between random nodes, and with 4 KiB pages most jumps also miss the TLB
    /// and walk the page table; with 2 MiB pages those walks become rare.
    /// </summary>
    public static void HugePages(nint start, long length)
    {
        if (!OperatingSystem.IsLinux()) return;
        var from = (start + HugePageBytes - 1) & ~(nint)(HugePageBytes - 1);
        var to = (start + (nint)length) & ~(nint)(HugePageBytes - 1);
        if (to > from) _ = Madvise(from, (nuint)(to - from), MadvHugePage);
    }

    /// <summary>
    /// Tells the kernel that a mapped file is read at random (re-ranking reads a few rows per query), so a page fault
    /// reads that page alone instead of reading ahead and making neighbouring rows resident for nothing.
    /// </summary>
    public static void RandomAccess(nint pageAlignedStart, long length)
    {
        if (OperatingSystem.IsLinux() && length > 0) _ = Madvise(pageAlignedStart, (nuint)length, MadvRandom);
    }

    /// <summary>Bytes of the page-aligned range [start, start + length) that are in memory now (mincore), or -1 where that cannot be told.</summary>
    public static long ResidentBytes(nint pageAlignedStart, long length)
    {
        if (!OperatingSystem.IsLinux() || length <= 0) return length <= 0 ? 0 : -1;
        var page = Environment.SystemPageSize;
        var pages = (length + page - 1) / page;
        var flags = new byte[pages];
        if (Mincore(pageAlignedStart, (nuint)length, flags) != 0) return -1;
        long resident = 0;
        foreach (var flag in flags) resident += flag & 1;
        return Math.Min(resident * page, length);
    }

    [LibraryImport("libc", EntryPoint = "mincore")]
    private static partial int Mincore(nint address, nuint length, [Out] byte[] residency);

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}
