using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;
using Tessera.Omics.Storage;

namespace Tessera.Omics.Runs;

/// <summary>The caller's runs; someone else's run reads exactly like a missing one.</summary>
internal sealed class OmicsRunReader(TesseraDatabase database)
{
    public async Task<OmicsRun> GetAsync(Principal owner, Guid runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        owner.Require(Permissions.RunsRead);
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await OmicsRepository.FindOwnedRunAsync(c, owner, runId, cancellationToken).ConfigureAwait(false)
            ?? throw TesseraException.NotFound("run");
    }

    public async Task<IReadOnlyList<OmicsRun>> ListAsync(Principal owner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        owner.Require(Permissions.RunsRead);
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await OmicsRepository.ListOwnedRunsAsync(c, owner, cancellationToken).ConfigureAwait(false);
    }
}
