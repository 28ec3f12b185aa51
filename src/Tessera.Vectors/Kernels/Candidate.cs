using System.Runtime.InteropServices;

namespace Tessera.Vectors.Kernels;

/// <summary>A node (dense internal id) and its distance to the query: the element of every search heap.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Candidate(float distance, int id)
{
    public float Distance = distance;
    public int Id = id;
}
