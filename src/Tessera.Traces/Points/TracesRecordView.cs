using Tessera.Traces.Storage;

namespace Tessera.Traces.Points;

/// <summary>A record in the shared Traces record JSON (snake_case on the wire): what hover, the run page and exports show.</summary>
internal sealed record TracesRecordView(
    string Id, long Seq, Guid SourceId, string SourceName, string FilePath, int Line, int Iteration, int IdxInIteration,
    string Type, string Text, DateTimeOffset? Timestamp)
{
    public static TracesRecordView From(TraceRecordRow r) =>
        new(r.Id, r.Seq, r.SourceId, r.SourceName, r.FilePath, r.Line, r.Iteration, r.IdxInIteration, r.Type, r.Text, r.Timestamp);
}
