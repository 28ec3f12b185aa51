using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Tessera.Data;
using static Tessera.Traces.Projection.TracesProjectionRows;

namespace Tessera.Traces.Projection;

/// <summary>
/// Keeps an organization's 2-D map up to date with its stored vectors: fits on the first vectors, transforms the
/// records that have no point yet with the current model, and refits on all vectors when their count has grown past
/// <see cref="TracesSettings.MapRefitGrowth"/> times what the current version was fitted on (or when asked). A refit
/// is aligned to the previous map by Procrustes on the records both share, so points people have looked at stay put.
/// Callers hold the organization's <see cref="Pipeline.TracesBatchGate"/>, so no batch lands half-way.
/// </summary>
internal sealed partial class TracesProjectionService(TesseraDatabase database, TracesSettings settings, TimeProvider time, ILogger<TracesProjectionService> logger)
{
    public async Task<ProjectionOutcome> UpdateAsync(Guid orgId, bool refit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var model = await NewestModelAsync(connection, null, orgId, cancellationToken).ConfigureAwait(false);
        if (model is null) return new ProjectionOutcome(ProjectionOutcome.None, 0, 0, null);
        var current = await CurrentAsync(connection, null, orgId, cancellationToken).ConfigureAwait(false);
        var sameModel = current is not null && current.Embedder == model.Embedder && current.ModelHash == model.ModelHash && current.Dimension == model.Dimension;
        if (sameModel && !refit)
        {
            var count = await CountVectorsAsync(connection, null, orgId, model, cancellationToken).ConfigureAwait(false);
            if (count < current!.FittedRecords * settings.MapRefitGrowth)
                return await TransformAsync(orgId, model, current, connection, cancellationToken).ConfigureAwait(false);
        }
        // A first fit, a refit, or a new embedder (whose vectors share no space with the old map: a fresh fit).
        return await FitAsync(orgId, model, current, alignTo: sameModel ? current : null, connection, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ProjectionOutcome> TransformAsync(Guid orgId, EmbeddingModel model, ProjectionRow current, System.Data.Common.DbConnection connection, CancellationToken cancellationToken)
    {
        var rows = await UnmappedVectorsAsync(connection, null, orgId, model, cancellationToken).ConfigureAwait(false);
        if (rows.Count == 0) return new ProjectionOutcome(ProjectionOutcome.Transform, current.Version, 0, current.AlignmentResidual);
        var pca = PcaModel.FromBytes(current.Model);
        var points = pca.TransformAll(ToVectors(rows, model.Dimension));
        await database.InTransactionAsync((c, t) =>
            InsertPointsAsync(c, t, orgId, current.Version, rows.Select((r, i) => new PointRow { RecordSeq = r.RecordSeq, X = points[i].X, Y = points[i].Y }), cancellationToken),
            cancellationToken).ConfigureAwait(false);
        Transformed(logger, orgId, rows.Count, current.Version);
        return new ProjectionOutcome(ProjectionOutcome.Transform, current.Version, rows.Count, current.AlignmentResidual);
    }

    private async Task<ProjectionOutcome> FitAsync(
        Guid orgId, EmbeddingModel model, ProjectionRow? current, ProjectionRow? alignTo, System.Data.Common.DbConnection connection, CancellationToken cancellationToken)
    {
        var rows = await AllVectorsAsync(connection, null, orgId, model, cancellationToken).ConfigureAwait(false);
        var pca = Pca.Fit(ToVectors(rows, model.Dimension));
        var raw = pca.TransformAll(ToVectors(rows, model.Dimension), aligned: false);
        double? residual = null;
        if (alignTo is not null)
        {
            var previous = (await PointsAsync(connection, null, orgId, cancellationToken).ConfigureAwait(false)).ToDictionary(p => p.RecordSeq);
            var shared = Enumerable.Range(0, rows.Count).Where(i => previous.ContainsKey(rows[i].RecordSeq)).ToList();
            var alignment = Procrustes.Align(
                shared.Select(i => raw[i]).ToList(), shared.Select(i => (previous[rows[i].RecordSeq].X, previous[rows[i].RecordSeq].Y)).ToList());
            pca = pca with { Rotation = alignment.Rotation, Offset = alignment.Offset };
            residual = alignment.Residual;
        }
        var version = (current?.Version ?? 0) + 1;
        var kind = alignTo is null ? ProjectionOutcome.Fit : ProjectionOutcome.Refit;
        var row = new ProjectionRow
        {
            Version = version, Embedder = model.Embedder, ModelHash = model.ModelHash, Dimension = model.Dimension, Kind = kind,
            FittedRecords = rows.Count, Model = pca.ToBytes(), AlignmentResidual = residual, CreatedAt = time.GetUtcNow(),
        };
        var points = rows.Select((r, i) =>
        {
            var (x, y) = pca.Align(raw[i].X, raw[i].Y);
            return new PointRow { RecordSeq = r.RecordSeq, X = x, Y = y };
        });
        await database.InTransactionAsync(async (c, t) =>
        {
            await InsertProjectionAsync(c, t, orgId, row, cancellationToken).ConfigureAwait(false);
            await DeletePointsAsync(c, t, orgId, cancellationToken).ConfigureAwait(false);
            await InsertPointsAsync(c, t, orgId, version, points, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        Fitted(logger, orgId, kind, version, rows.Count, residual ?? double.NaN);
        return new ProjectionOutcome(kind, version, rows.Count, residual);
    }

    public async Task<ProjectionRow?> ReadCurrentAsync(Guid orgId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await TracesProjectionRows.CurrentAsync(connection, null, orgId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stored vectors (little-endian float32) as one block of rows.</summary>
    internal static VectorRows ToVectors(IReadOnlyList<VectorRow> rows, int dimension)
    {
        var values = new float[rows.Count * dimension];
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Vector.Length != dimension * 4) throw new InvalidDataException($"Record {rows[i].RecordSeq}'s vector is not {dimension} float32 values.");
            MemoryMarshal.Cast<byte, float>(rows[i].Vector).CopyTo(values.AsSpan(i * dimension, dimension));
        }
        return new VectorRows(values, dimension);
    }

    [LoggerMessage(EventId = 15_301, Level = LogLevel.Information, Message = "Traces map of {OrgId}: {Kind} version {Version} on {Records} records (alignment residual {Residual})")]
    private static partial void Fitted(ILogger logger, Guid orgId, string kind, int version, int records, double residual);

    [LoggerMessage(EventId = 15_302, Level = LogLevel.Debug, Message = "Traces map of {OrgId}: {Records} new records placed with version {Version}")]
    private static partial void Transformed(ILogger logger, Guid orgId, int records, int version);
}
