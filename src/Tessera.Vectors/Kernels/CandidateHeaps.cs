using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Tessera.Vectors.Kernels;

/// <summary>Binary min-heap of candidates (closest on top): the frontier a best-first search expands.</summary>
internal sealed class MinCandidateHeap(int capacity)
{
    private Candidate[] _items = new Candidate[Math.Max(capacity, 16)];

    public int Count { get; private set; }

    public ref readonly Candidate Top => ref _items[0];

    public void Clear() => Count = 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public void Push(float distance, int id)
    {
        if (Count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
        ref var items = ref MemoryMarshal.GetArrayDataReference(_items);
        var i = Count++;
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            ref var p = ref Unsafe.Add(ref items, parent);
            if (p.Distance <= distance) break;
            Unsafe.Add(ref items, i) = p;
            i = parent;
        }
        Unsafe.Add(ref items, i) = new Candidate(distance, id);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Candidate Pop()
    {
        ref var items = ref MemoryMarshal.GetArrayDataReference(_items);
        var top = items;
        var last = Unsafe.Add(ref items, --Count);
        var n = Count;
        var i = 0;
        while (true)
        {
            var child = 2 * i + 1;
            if (child >= n) break;
            if (child + 1 < n && Unsafe.Add(ref items, child + 1).Distance < Unsafe.Add(ref items, child).Distance) child++;
            if (Unsafe.Add(ref items, child).Distance >= last.Distance) break;
            Unsafe.Add(ref items, i) = Unsafe.Add(ref items, child);
            i = child;
        }
        if (n > 0) Unsafe.Add(ref items, i) = last;
        return top;
    }
}

/// <summary>Binary max-heap of candidates (farthest on top): the best results so far, trimmed to a bound.</summary>
internal sealed class MaxCandidateHeap(int capacity)
{
    private Candidate[] _items = new Candidate[Math.Max(capacity, 16)];

    public int Count { get; private set; }

    public ref readonly Candidate Top => ref _items[0];

    /// <summary>The candidates in heap order.</summary>
    public ReadOnlySpan<Candidate> Items => _items.AsSpan(0, Count);

    public void Clear() => Count = 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public void Push(float distance, int id)
    {
        if (Count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
        ref var items = ref MemoryMarshal.GetArrayDataReference(_items);
        var i = Count++;
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            ref var p = ref Unsafe.Add(ref items, parent);
            if (p.Distance >= distance) break;
            Unsafe.Add(ref items, i) = p;
            i = parent;
        }
        Unsafe.Add(ref items, i) = new Candidate(distance, id);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Candidate Pop()
    {
        var top = _items[0];
        var last = _items[--Count];
        if (Count > 0) SiftDown(last);
        return top;
    }

    /// <summary>Pops the farthest and pushes a closer candidate in one pass: a push and a pop would sift twice.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ReplaceTop(float distance, int id) => SiftDown(new Candidate(distance, id));

    /// <summary>Puts <paramref name="item"/> in the root's place and moves it down to where it belongs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SiftDown(Candidate item)
    {
        ref var items = ref MemoryMarshal.GetArrayDataReference(_items);
        var n = Count;
        var i = 0;
        while (true)
        {
            var child = 2 * i + 1;
            if (child >= n) break;
            if (child + 1 < n && Unsafe.Add(ref items, child + 1).Distance > Unsafe.Add(ref items, child).Distance) child++;
            if (Unsafe.Add(ref items, child).Distance <= item.Distance) break;
            Unsafe.Add(ref items, i) = Unsafe.Add(ref items, child);
            i = child;
        }
        Unsafe.Add(ref items, i) = item;
    }

    /// <summary>Empties the heap into <paramref name="destination"/>, closest first.</summary>
    public void DrainAscending(Span<Candidate> destination)
    {
        for (var i = Count - 1; i >= 0; i--) destination[i] = Pop();
    }
}
