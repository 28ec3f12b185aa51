using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Tessera.Jobs;
using Tessera.Omics.Storage;

namespace Tessera.Omics.Api;

internal sealed record RunResponse(
    Guid Id, string Name, string State, string FileName, string FileSha256, long FileBytes, string? Format,
    int RecordCount, int PeptideCount, int ErrorCount, JsonNode? Errors,
    string? Embedder, int? EmbedderDimension, string? ModelHash, Guid? JobId, string? Failure, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static RunResponse From(OmicsRun r) => new(
        r.Id, r.Name, r.State, r.FileName, r.FileSha256, r.FileBytes, r.Format, r.RecordCount, r.PeptideCount, r.ErrorCount,
        r.ErrorReport is null ? null : JsonNode.Parse(r.ErrorReport), r.Embedder, r.EmbedderDimension, r.ModelHash, r.JobId, r.Failure, r.CreatedAt, r.UpdatedAt);
}

internal sealed record UploadResponse(RunResponse Run, JobInfo Job);

internal sealed record CompareRequest([property: JsonRequired] Guid RunA, [property: JsonRequired] Guid RunB);
