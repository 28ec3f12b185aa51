namespace Tessera.Inference.Esm;

/// <summary>How an ESM-2 embedder runs: threads, batching and the long-sequence policy.</summary>
public sealed record EsmEmbeddingOptions
{
    /// <summary>Threads for one forward pass; defaults to every core.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Sequences (or windows) per forward pass. Sequences are sorted by length first, so a batch pads little.</summary>
    public int BatchSize { get; init; } = 8;

    public LongSequencePolicy LongSequences { get; init; } = LongSequencePolicy.Chunk;

    /// <summary>Residues shared by consecutive windows under <see cref="LongSequencePolicy.Chunk"/>.</summary>
    public int ChunkOverlap { get; init; } = 256;

    /// <summary>Residues per forward pass; null means the model's limit (1022 for ESM-2). Lower it to chunk earlier.</summary>
    public int? MaxResidues { get; init; }

    /// <summary>Also return the per-residue states (BOS/EOS excluded), not just the mean.</summary>
    public bool PerResidue { get; init; }
}
