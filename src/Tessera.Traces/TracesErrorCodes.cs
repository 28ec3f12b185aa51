namespace Tessera.Traces;

/// <summary>The stable <c>code</c>s Traces answers with; clients branch on these, so they never change once shipped.</summary>
internal static class TracesErrorCodes
{
    public const string SourceNameTaken = "SOURCE_NAME_TAKEN";
    public const string SourcePathNotAllowed = "SOURCE_PATH_NOT_ALLOWED";
    public const string SourcePathMissing = "SOURCE_PATH_MISSING";
    public const string NoEmbeddings = "NO_EMBEDDINGS";
    public const string NoProjection = "TRACES_NO_PROJECTION";
    public const string FileNotFound = "TRACES_FILE_NOT_FOUND";

    // Per line of a file, in a source's problems.
    public const string EmbeddingFailed = "EMBEDDING_FAILED";
    public const string ReadFailed = "READ_FAILED";
}
