namespace Tessera.Guides.Exports;

/// <summary>
/// An export of one version of a job's instructions in one format: REQUESTED (its job queued), RUNNING, SUCCEEDED
/// with the bundle (a blob) and its frozen provenance, or FAILED with the reason.
/// </summary>
internal sealed record GuideExport
{
    public Guid Id { get; init; }
    public Guid JobId { get; init; }
    public Guid OrgId { get; init; }
    public Guid UserId { get; init; }
    public Guid InstructionId { get; init; }
    public int InstructionVersion { get; init; }
    public string Format { get; init; } = "";
    public string Identity { get; init; } = "";

    /// <summary>The steps bundled (JSON): the version's, with each anchored step's active screenshot; fixed when requested.</summary>
    public string? Blocks { get; init; }
    public string Status { get; init; } = ExportStatus.Requested;
    public Guid? EngineJobId { get; init; }
    public string? BundleSha256 { get; init; }
    public long? BundleBytes { get; init; }
    public string? Provenance { get; init; }
    public string? FailureCode { get; init; }
    public string? FailureMessage { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
}

internal static class ExportStatus
{
    public const string Requested = "REQUESTED";
    public const string Running = "RUNNING";
    public const string Succeeded = "SUCCEEDED";
    public const string Failed = "FAILED";
}

/// <summary>The bundle formats: a zip of the document (Markdown, HTML, PDF or DOCX) and its screenshots.</summary>
internal static class ExportFormat
{
    public const string Markdown = "markdown";
    public const string Html = "html";
    public const string Pdf = "pdf";
    public const string Docx = "docx";

    public static IReadOnlyList<string> All { get; } = [Markdown, Html, Pdf, Docx];
}
