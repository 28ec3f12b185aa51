using System.Runtime.InteropServices;

namespace Tessera.Vectors.Hnsw;

/// <summary>
/// Asks Linux to back the node store with transparent huge pages. A search jumps between random nodes, and with
/// 4 KiB pages most jumps also miss the TLB and walk the page table; with 2 MiB pages those walks become rare.
/// </summary>
internal static partial class HugePages
{
    private const int PageBytes = 2 << 20;
    private const int MadvHugePage = 14;

    /// <summary>Advises the 2 MiB-aligned part of [start, start + length); it only takes effect on memory not yet touched.</summary>
    public static void Advise(nint start, long length)
    {
        if (!OperatingSystem.IsLinux()) return;
        var from = (start + PageBytes - 1) & ~(nint)(PageBytes - 1);
        var to = (start + (nint)length) & ~(nint)(PageBytes - 1);
        // Advice only: a kernel without huge pages refuses it, and the memory simply keeps small pages.
        if (to > from) _ = Madvise(from, (nuint)(to - from), MadvHugePage);
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}
