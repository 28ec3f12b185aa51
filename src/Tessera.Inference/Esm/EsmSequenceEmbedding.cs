namespace Tessera.Inference.Esm;

/// <summary>One sequence's embedding: the mean over residues and, when asked for, each residue's state.</summary>
public sealed record EsmSequenceEmbedding(int Residues, float[] Mean, float[]? PerResidue);
