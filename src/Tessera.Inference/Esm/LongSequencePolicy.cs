namespace Tessera.Inference.Esm;

/// <summary>What to do with a sequence longer than the model's window (1022 residues for ESM-2).</summary>
public enum LongSequencePolicy
{
    /// <summary>
    /// Default. Cover the sequence with windows of the maximum length that overlap by
    /// <see cref="EsmEmbeddingOptions.ChunkOverlap"/> residues (the last window is aligned to the
    /// end), embed each window with its own BOS/EOS, and average each residue's states over the
    /// windows that contain it. The mean embedding is the mean of those averaged residue states.
    /// </summary>
    Chunk,

    /// <summary>Fail with a validation error naming the sequence and the limit.</summary>
    Reject,
}
