namespace Tessera.Inference.Sequences;

/// <summary>One FASTA entry: the id (header up to the first whitespace), the rest of the header, and the joined sequence lines.</summary>
public sealed record FastaRecord(string Id, string Description, string Sequence);
