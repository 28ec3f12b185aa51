using System.Globalization;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;

namespace Tessera.Traces.Points;

/// <summary>
/// The organization's map as the page reads it: the points payload with its version tag, one point's record, the
/// records of one run, and the export of a selection. Owner-filtered: another organization's record is not found.
/// </summary>
internal sealed class TracesPointsService(TesseraDatabase database)
{
    /// <summary>The most records one selection export takes (a lasso over a million points is a bulk export's job).</summary>
    public const int MaxExport = 100_000;

    /// <summary>The tag of the map as it is now, without reading the points: what a poll compares.</summary>
    public async Task<string> TagAsync(Principal owner, CancellationToken ct)
    {
        owner.Require(Permissions.RunsRead);
        await using var c = await database.OpenConnectionAsync(ct).ConfigureAwait(false);
        var state = await TracesPointRows.StateAsync(c, owner.OrgId, ct).ConfigureAwait(false);
        return Tag(state.Version, state.Count, state.MaxSeq);
    }

    public async Task<(string Tag, byte[] Body)> ReadAsync(Principal owner, CancellationToken ct)
    {
        owner.Require(Permissions.RunsRead);
        await using var c = await database.OpenConnectionAsync(ct).ConfigureAwait(false);
        var payload = new TracesPointsPayload(await TracesPointRows.SourceNamesAsync(c, owner.OrgId, ct).ConfigureAwait(false));
        long maxSeq = 0, version = 0;
        await foreach (var p in TracesPointRows.ReadPoints(c, owner.OrgId).WithCancellation(ct).ConfigureAwait(false))
        {
            payload.Add(p.Seq, p.X, p.Y, p.Version, p.Type, p.SourceId, p.FilePath);
            maxSeq = p.Seq;
            version = Math.Max(version, p.Version);
        }
        // The tag is made of what was read, so a body and its tag always agree.
        return (Tag(version, payload.Count, maxSeq), payload.ToBytes());
    }

    public async Task<TracesRecordView> GetRecordAsync(Principal owner, long seq, CancellationToken ct)
    {
        owner.Require(Permissions.RunsRead);
        await using var c = await database.OpenConnectionAsync(ct).ConfigureAwait(false);
        var row = await TracesPointRows.FindRecordAsync(c, owner.OrgId, seq, ct).ConfigureAwait(false) ?? throw TesseraException.NotFound("record");
        return TracesRecordView.From(row);
    }

    /// <summary>The run (one file of one source) in order; a run with no record the caller may see is not found.</summary>
    public async Task<IReadOnlyList<TracesRecordView>> ReadRunAsync(Principal owner, Guid sourceId, string filePath, CancellationToken ct)
    {
        owner.Require(Permissions.RunsRead);
        await using var c = await database.OpenConnectionAsync(ct).ConfigureAwait(false);
        var rows = await TracesPointRows.ReadRunAsync(c, owner.OrgId, sourceId, filePath, ct).ConfigureAwait(false);
        if (rows.Count == 0) throw TesseraException.NotFound("run");
        return rows.Select(TracesRecordView.From).ToList();
    }

    /// <summary>The selected records the caller may see, in record order (seqs of other organizations are left out, as if missing).</summary>
    public async Task<IReadOnlyList<TracesRecordView>> SelectAsync(Principal owner, IReadOnlyList<long> seqs, string format, CancellationToken ct)
    {
        owner.Require(Permissions.ExportsRead);
        if (!SelectionExportWriter.Formats.Contains(format))
            throw new TesseraException(ErrorCodes.ValidationFailed, 400, "format must be csv or jsonl.");
        if (seqs.Count == 0) throw new TesseraException(ErrorCodes.ValidationFailed, 400, "seqs must name at least one record.");
        if (seqs.Count > MaxExport)
            throw new TesseraException(ErrorCodes.ValidationFailed, 400, $"seqs may name at most {MaxExport.ToString("N0", CultureInfo.InvariantCulture)} records.");
        await using var c = await database.OpenConnectionAsync(ct).ConfigureAwait(false);
        var rows = await TracesPointRows.ReadRecordsAsync(c, database.Dialect, owner.OrgId, seqs.Distinct().ToList(), ct).ConfigureAwait(false);
        return rows.Select(TracesRecordView.From).ToList();
    }

    private static string Tag(long version, long count, long maxSeq) =>
        string.Create(CultureInfo.InvariantCulture, $"\"v{version}-n{count}-s{maxSeq}\"");
}
