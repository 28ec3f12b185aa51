namespace Tessera.Data;

/// <summary>Where a deployment keeps its files under the data dir; modules get their folders here, never from callbacks.</summary>
public sealed class DataPaths(string dataDir, string? blobRoot = null)
{
    public string DataDir { get; } = Path.GetFullPath(dataDir);

    /// <summary>Content-addressed blobs: under the data dir, or a folder the nodes of a deployment share.</summary>
    public string Blobs { get; } = Path.GetFullPath(blobRoot ?? Path.Combine(dataDir, "blobs"));

    /// <summary>Vector index snapshots, one file per collection partition.</summary>
    public string Indexes => Path.Combine(DataDir, "indexes");
}
