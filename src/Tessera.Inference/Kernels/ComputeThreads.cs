namespace Tessera.Inference.Kernels;

/// <summary>
/// How many threads a forward pass may use. One thread runs inline, so the single-threaded
/// path has no scheduling cost at all.
/// </summary>
internal sealed class ComputeThreads
{
    private readonly ParallelOptions _options;

    public ComputeThreads(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Count = count;
        _options = new ParallelOptions { MaxDegreeOfParallelism = count };
    }

    public static ComputeThreads Single { get; } = new(1);

    public int Count { get; }

    /// <summary>Runs <paramref name="body"/> for 0..<paramref name="itemCount"/>-1, spread over the threads.</summary>
    public void For(int itemCount, Action<int> body)
    {
        if (Count == 1 || itemCount <= 1)
        {
            for (var i = 0; i < itemCount; i++) body(i);
            return;
        }
        Parallel.For(0, itemCount, _options, body);
    }
}
