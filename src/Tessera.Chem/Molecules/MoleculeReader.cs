using Tessera.Chem.Storage;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;
using Tessera.Platform.Downloads;

namespace Tessera.Chem.Molecules;

/// <summary>
/// The organization's molecules and artifacts for readers, a page at a time, and signed download links to an
/// artifact's file. Another organization's molecule or artifact is missing (404), never forbidden.
/// </summary>
internal sealed class MoleculeReader(TesseraDatabase database, SignedDownloads downloads)
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    /// <summary>How long a download link works: long enough to hand to a notebook, short enough that a leaked one dies.</summary>
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromHours(1);

    public sealed record Page(IReadOnlyList<Molecule> Items, Guid? Next);

    public async Task<Page> ListAsync(Principal owner, Guid? artifactId, Guid? after, int? limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        owner.Require(Permissions.RunsRead);
        var size = limit ?? DefaultPageSize;
        if (size is < 1 or > MaxPageSize) throw TesseraException.Validation($"limit must be from 1 to {MaxPageSize}.");
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // One more than asked tells whether a next page exists without a count.
        var rows = await MoleculeRows.PageAsync(c, owner.OrgId, artifactId, after, size + 1, cancellationToken).ConfigureAwait(false);
        return rows.Count > size ? new Page([.. rows.Take(size)], rows[size - 1].Id) : new Page(rows, null);
    }

    public async Task<Molecule> GetAsync(Principal owner, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        owner.Require(Permissions.RunsRead);
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await MoleculeRows.FindAsync(c, owner.OrgId, id, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound("molecule");
    }

    public async Task<Artifact> GetArtifactAsync(Principal owner, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        owner.Require(Permissions.RunsRead);
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ArtifactRows.FindAsync(c, owner.OrgId, id, cancellationToken).ConfigureAwait(false) ?? throw TesseraException.NotFound("artifact");
    }

    /// <summary>A signed link to the artifact's bytes (the platform's blob download), after checking the organization holds it.</summary>
    public async Task<(Artifact Artifact, SignedLink Link)> LinkAsync(Principal owner, Guid id, CancellationToken cancellationToken)
    {
        var artifact = await GetArtifactAsync(owner, id, cancellationToken).ConfigureAwait(false);
        var link = await downloads.SignLinkAsync($"/api/v1/blobs/{artifact.BlobSha256}", owner.OrgId, LinkLifetime).ConfigureAwait(false);
        return (artifact, link);
    }
}
