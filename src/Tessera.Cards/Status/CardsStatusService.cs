using Tessera.Cards.Index;
using Tessera.Cards.Storage;
using Tessera.Core.Identity;
using Tessera.Data;

namespace Tessera.Cards.Status;

/// <summary>Reads an organization's <see cref="CardsStatus"/>; the API's and the CLI's <c>status</c> both answer with it.</summary>
internal sealed class CardsStatusService(TesseraDatabase database, CardsIndexService index)
{
    /// <summary>How many of the latest imports the status lists.</summary>
    public const int RecentImports = 5;

    public async Task<CardsStatus> GetAsync(Principal owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        owner.Require(Permissions.RunsRead);
        await using var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var cards = await CardRows.CountAsync(c, owner.OrgId, cancellationToken).ConfigureAwait(false);
        var images = await CardRows.ImageCountsAsync(c, owner.OrgId, cancellationToken).ConfigureAwait(false);
        var downloads = await DownloadRows.CountsAsync(c, owner.OrgId, cancellationToken).ConfigureAwait(false);
        var imports = await ImportRows.RecentAsync(c, owner.OrgId, RecentImports, cancellationToken).ConfigureAwait(false);
        var models = await EmbeddingRows.ModelsAsync(c, owner.OrgId, cancellationToken).ConfigureAwait(false);
        IndexState? state = null;
        if (models.Count > 0)
        {
            var partition = await index.PartitionAsync(owner.OrgId, null, cancellationToken).ConfigureAwait(false);
            if (await index.AlignmentAsync(owner.OrgId, partition, cancellationToken).ConfigureAwait(false) is { } alignment)
            {
                var m = alignment.Manifest;
                state = new IndexState(m.Model, m.OrganizationVectors, m.M, m.EfConstruction, m.BuiltAt, alignment.Aligned, alignment.NewSinceBuild);
            }
        }
        var done = downloads.Where(d => d.State == "done").ToList();
        var failed = downloads.Where(d => d.State == "failed").ToList();
        return new CardsStatus(
            cards, [.. images.Select(i => new SizeCount(i.Size, i.Urls))], done.Sum(d => d.Urls), done.Sum(d => d.Bytes), failed.Sum(d => d.Urls),
            failed.GroupBy(d => d.Reason ?? "unknown").ToDictionary(g => g.Key, g => g.Sum(d => d.Urls), StringComparer.Ordinal), imports,
            [.. models.Select(m => new ModelCount(m.Embedder, m.ModelHash, m.Vectors))], state);
    }
}
