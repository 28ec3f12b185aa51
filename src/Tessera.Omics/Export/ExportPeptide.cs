using Tessera.Omics.Storage;

namespace Tessera.Omics.Export;

/// <summary>One exported peptide: the record's id, its sequence, descriptors and embedding.</summary>
internal sealed record ExportPeptide(string Id, OmicsPeptide Peptide, float[] Embedding);

/// <summary>What an export describes besides its peptides.</summary>
internal sealed record ExportHeader(OmicsRun Run, EmbedderIdentity Embedder, string Pooling, string TruncationPolicy, DateTimeOffset CreatedAt);
