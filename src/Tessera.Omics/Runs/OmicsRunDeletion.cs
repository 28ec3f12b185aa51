using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;
using Tessera.Omics.Storage;

namespace Tessera.Omics.Runs;

/// <summary>
/// Deletes a caller's run: its rows in one transaction, its embedding labels recorded so searches drop them at once.
/// Someone else's run reads exactly like a missing one. The uploaded file's blob is left to the blob sweeper, which
/// deletes it once no run references it.
/// </summary>
internal sealed class OmicsRunDeletion(TesseraDatabase database)
{
    public async Task DeleteAsync(Principal owner, Guid runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        owner.Require(Permissions.RunsWrite);
        var deleted = await database.InTransactionAsync(async (c, t) =>
        {
            // Locked before the check, so of two deletions of one run the second finds it gone.
            await OmicsRepository.LockDeletionsAsync(c, t, database.Dialect, cancellationToken).ConfigureAwait(false);
            if (!await OmicsRepository.OwnsRunAsync(c, t, owner, runId, cancellationToken).ConfigureAwait(false)) return false;
            await OmicsRepository.DeleteRunAsync(c, t, runId, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        if (!deleted) throw TesseraException.NotFound("run");
    }
}
