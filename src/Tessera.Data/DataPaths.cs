namespace Tessera.Data;

/// <summary>Where a deployment keeps its files under the data dir; modules get their folders here, never from callbacks.</summary>
public sealed class DataPaths(string dataDir)
{
    public string DataDir { get; } = Path.GetFullPath(dataDir);

    /// <summary>Content-addressed blobs.</summary>
    public string Blobs => Path.Combine(DataDir, "blobs");

    /// <summary>Vector index snapshots, one file per collection partition.</summary>
    public string Indexes => Path.Combine(DataDir, "indexes");
}
