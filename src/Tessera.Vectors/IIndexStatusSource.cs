using Tessera.Vectors.Management;

namespace Tessera.Vectors;

/// <summary>
/// Something that serves vector indexes and reports their states; every registered one is read when the server
/// reports index sizes and build times.
/// </summary>
public interface IIndexStatusSource
{
    IEnumerable<IndexStatus> Statuses { get; }
}
