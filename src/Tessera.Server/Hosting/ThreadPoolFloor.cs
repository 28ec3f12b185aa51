namespace Tessera.Server.Hosting;

/// <summary>
/// Raises the thread pool's minimum. SQLite calls are synchronous and an upload's parse is CPU-bound, so a few
/// large uploads hold pool threads for seconds. Past its minimum (the core count: 1 on a pinned server) the pool
/// adds a thread only about every half second, and every request, <c>/healthz</c> included, waits that long.
/// Up to the minimum, a thread starts as soon as work is queued; idle ones retire again.
/// </summary>
internal static class ThreadPoolFloor
{
    public const int DefaultMinWorkerThreads = 64;

    public static void Apply(int minWorkerThreads)
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        if (minWorkerThreads > workers) ThreadPool.SetMinThreads(minWorkerThreads, completionPorts);
    }
}
