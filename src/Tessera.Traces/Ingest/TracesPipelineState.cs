namespace Tessera.Traces.Ingest;

/// <summary>Whether this process's watcher is running (health's <c>pipeline_running</c>).</summary>
internal sealed class TracesPipelineState
{
    private int running;

    public bool Running => Volatile.Read(ref running) == 1;

    public void Set(bool value) => Volatile.Write(ref running, value ? 1 : 0);
}
