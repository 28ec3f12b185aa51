namespace Tessera.Omics.Analysis;

/// <summary>One peptide on the run's map: its embedding projected to two dimensions, and its cluster (−1: none).</summary>
public sealed record MapPoint(double X, double Y, int Cluster, string Sequence);
