using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using Tessera.Cards.Download;
using Tessera.Cards.Index;
using Tessera.Cards.Storage;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;
using Tessera.Inference.Embeddings;
using Tessera.Vectors;

namespace Tessera.Cards.Identify;

/// <summary>
/// "Which card is this photo?": finds the card in the photo and rectifies it to the catalog's aspect
/// (<see cref="CardRectifier"/>), embeds it both ways up with the model the organization's index holds, searches the
/// index with the organization as the owner filter, then re-ranks the closest candidates with a geometric check of
/// local features (<see cref="GeometricVerifier"/>), which tells printings that share their art apart.
/// </summary>
internal sealed class CardIdentifier(
    TesseraDatabase database, CardsIndexService index, EmbedderRegistry registry, CardRectifier rectifier, GeometricVerifier verifier, ImageFiles files)
{
    /// <summary>Candidates per orientation that the geometric check looks at (it costs a few milliseconds each).</summary>
    public const int RerankDepth = 8;

    /// <summary>The most the geometric check adds to a similarity: enough to reorder near-ties (same art), not to overturn a clear match.</summary>
    public const double InlierBonus = 0.25;

    /// <summary>Inliers at which the bonus is full.</summary>
    public const int FullInliers = 60;

    /// <summary>Below this similarity the best match is reported as not confident.</summary>
    public const double ConfidentSimilarity = 0.80;

    /// <summary>A runner-up of another name within this score of the best makes the answer not confident.</summary>
    public const double ConfidentMargin = 0.03;

    /// <summary>Catalog images' features, kept once computed; cleared whole when it grows past this many (a catalog of that size is re-described lazily).</summary>
    private const int FeatureCacheLimit = 50_000;

    private readonly ConcurrentDictionary<string, CardFeatures> _features = new(StringComparer.Ordinal);

    public async Task<IdentifyResult> IdentifyAsync(Principal caller, ReadOnlyMemory<byte> photo, IdentifyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        caller.Require(Permissions.RunsRead);
        request.Validate();
        var clock = Stopwatch.StartNew();
        var partition = await index.PartitionAsync(caller.OrgId, request.Model, cancellationToken).ConfigureAwait(false);
        var embedder = await registry.GetImageAsync(partition.Embedder, cancellationToken).ConfigureAwait(false);
        if (embedder.Descriptor.ModelHash != partition.ModelHash)
            throw new TesseraException(CardsErrorCodes.NoEmbeddings, 409,
                $"The card images were embedded with another version of {partition.Embedder} than this server runs: run 'tessera cards embed' again.");

        var rectified = rectifier.Rectify(photo.Span);
        var upright = EmbedAsync(embedder, rectified.Upright, cancellationToken);
        var rotated = EmbedAsync(embedder, rectified.Rotated180, cancellationToken);
        var depth = Math.Max(request.K, RerankDepth);
        (string Name, byte[] Image, float[] Vector)[] views =
            [("upright", rectified.Upright, await upright.ConfigureAwait(false)), ("rotated_180", rectified.Rotated180, await rotated.ConfigureAwait(false))];

        // Per catalog image, the better of the two orientations.
        var best = new Dictionary<long, (double Similarity, int View)>();
        for (var view = 0; view < views.Length; view++)
        {
            var found = await index.Vectors.SearchAsync(partition, views[view].Vector, depth, [caller.OrgId], cancellationToken, request.Ef).ConfigureAwait(false);
            foreach (var hit in found.Hits)
            {
                var similarity = 1.0 - hit.Distance;
                if (!best.TryGetValue(hit.Label, out var seen) || seen.Similarity < similarity) best[hit.Label] = (similarity, view);
            }
        }
        if (best.Count == 0) throw new TesseraException(CardsErrorCodes.NoEmbeddings, 409, "No card images are embedded yet: run 'tessera cards embed' first.");

        IReadOnlyList<EmbeddingRows.LabelledCard> cards;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            cards = await EmbeddingRows.CardsAsync(c, database.Dialect, caller.OrgId, best.Keys, cancellationToken).ConfigureAwait(false);
        if (cards.Count != best.Count)
            throw new TesseraException(CardsErrorCodes.IndexMisaligned, 409,
                "The card index returned vectors the catalog no longer has: run 'tessera cards build' to rebuild it from the catalog.");

        var photoFeatures = new CardFeatures?[views.Length];
        var ranked = cards
            .Select(card => (Card: card, best[card.Label].Similarity, best[card.Label].View))
            .OrderByDescending(r => r.Similarity).ThenBy(r => r.Card.Label)
            .Take(depth)
            .Select((r, rank) =>
            {
                var inliers = rank < RerankDepth ? Inliers(caller.OrgId, r.Card, () => photoFeatures[r.View] ??= verifier.Describe(views[r.View].Image)) : -1;
                var score = r.Similarity + (inliers > 0 ? InlierBonus * Math.Min(inliers, FullInliers) / FullInliers : 0);
                return (r.Card, r.Similarity, r.View, Inliers: inliers, Score: score);
            })
            .OrderByDescending(r => r.Score).ThenBy(r => r.Card.Label)
            .ToList();

        var top = ranked[0];
        var rival = ranked.Skip(1).FirstOrDefault(r => r.Card.Name != top.Card.Name);
        var doubt = !rectified.CardFound ? "No card outline was found in the photo; the whole photo was compared. Fill the frame with the card on a plain background."
            : top.Similarity < ConfidentSimilarity ? $"The best match's similarity ({top.Similarity:0.00}) is low: the card may not be in the catalog, or the photo is too dark, blurred or covered."
            : rival.Card is not null && top.Score - rival.Score < ConfidentMargin ? $"{rival.Card.Name} scores almost as well ({rival.Score:0.000} against {top.Score:0.000})."
            : null;
        var candidates = ranked.Take(request.K).Select(r => new IdentifyCandidate(
            r.Card.CardId, r.Card.Face, r.Card.Name, r.Card.SetCode, r.Card.CollectorNumber, r.Card.Lang, Math.Round(r.Score, 4), Math.Round(r.Similarity, 4), r.Inliers,
            $"/api/v1/cards/cards/{Uri.EscapeDataString(r.Card.CardId)}/image?face={r.Card.Face}")).ToList();
        return new IdentifyResult(rectified.CardFound, views[top.View].Name, doubt is null, doubt, partition.Embedder, CardsIndexService.Collection.Metric.ToName(), candidates,
            Math.Round(clock.Elapsed.TotalMilliseconds, 1));
    }

    private int Inliers(Guid orgId, EmbeddingRows.LabelledCard card, Func<CardFeatures> photoFeatures)
    {
        if (card.FileName is null) return -1;
        var path = Path.Combine(files.Folder(orgId), card.FileName);
        if (!_features.TryGetValue(path, out var features))
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                return -1;
            }
            features = verifier.Describe(bytes);
            if (_features.Count >= FeatureCacheLimit) _features.Clear();
            _features[path] = features;
        }
        return verifier.Inliers(photoFeatures(), features);
    }

    private static async Task<float[]> EmbedAsync(ITesseraImageEmbedder embedder, byte[] image, CancellationToken cancellationToken)
    {
        var generated = await Task.Run(() => embedder.GenerateAsync([new DataContent(image, "image/bmp")], cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
        return generated[0].Vector.ToArray();
    }
}
