namespace Tessera.Omics;

/// <summary>
/// The stable <c>code</c>s Omics answers with (problem details and per-record parse errors): clients branch on
/// these, so they never change once shipped.
/// </summary>
internal static class OmicsErrorCodes
{
    // A whole request or run.
    public const string LimitExceeded = "LIMIT_EXCEEDED";
    public const string NoValidRecords = "NO_VALID_RECORDS";
    public const string RunNotEmbedded = "RUN_NOT_EMBEDDED";
    public const string RunFailed = "RUN_FAILED";
    public const string EmbedderMismatch = "EMBEDDER_MISMATCH";

    // One record of an upload (the run's parse report).
    public const string WrongFieldCount = "WRONG_FIELD_COUNT";
    public const string EmptySequence = "EMPTY_SEQUENCE";
    public const string InvalidResidue = "INVALID_RESIDUE";
    public const string NoStandardResidue = "NO_STANDARD_RESIDUE";
    public const string DuplicateId = "DUPLICATE_ID";

    // The embedding job.
    public const string InvalidJobInput = "INVALID_INPUT";
    public const string EmbeddingIncomplete = "EMBEDDING_INCOMPLETE";
    public const string EmbeddingDimensionMismatch = "EMBEDDING_DIMENSION_MISMATCH";
}
