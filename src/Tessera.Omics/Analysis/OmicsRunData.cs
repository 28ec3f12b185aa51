using System.Numerics.Tensors;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;
using Tessera.Omics.Storage;

namespace Tessera.Omics.Analysis;

/// <summary>A run with its peptides, their embeddings scaled to unit length, and the embeddings' original norms.</summary>
internal sealed record OmicsRunData(OmicsRun Run, IReadOnlyList<OmicsPeptide> Peptides, IReadOnlyList<float[]> Vectors, IReadOnlyList<double> Norms)
{
    public const string NotEmbeddedCode = OmicsErrorCodes.RunNotEmbedded;

    /// <summary>Loads the caller's run; a missing run and someone else's answer the same 404.</summary>
    public static async Task<OmicsRunData> LoadAsync(TesseraDatabase database, Principal owner, Guid runId, CancellationToken cancellationToken)
    {
        owner.Require(Permissions.RunsRead);
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var run = await OmicsRepository.FindOwnedRunAsync(c, owner, runId, cancellationToken).ConfigureAwait(false)
            ?? throw TesseraException.NotFound("run");
        var peptides = await OmicsRepository.ListPeptidesAsync(c, runId, cancellationToken).ConfigureAwait(false);
        var vectors = await EmbeddingRows.ReadAsync(c, runId, cancellationToken).ConfigureAwait(false);
        if (run.State != OmicsRunStates.Embedded || peptides.Any(p => !vectors.ContainsKey(p.Id)))
            throw TesseraException.Conflict(NotEmbeddedCode, $"Run {runId} has no embeddings yet (state '{run.State}'); wait for its embedding job.");
        var raw = peptides.Select(p => vectors[p.Id]).ToList();
        return new OmicsRunData(run, peptides, raw.Select(VectorMath.Normalized).ToList(), raw.Select(v => (double)TensorPrimitives.Norm(v)).ToList());
    }
}
