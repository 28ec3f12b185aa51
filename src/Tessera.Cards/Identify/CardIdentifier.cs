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
/// (<see cref="CardRectifier"/>), embeds it with the model the organization's index holds, searches the index with
/// the organization as the owner filter, and re-ranks the closest candidates with a geometric check of local features
/// (<see cref="GeometricVerifier"/>), which tells printings that share their art apart. The rectified card may be
/// upside down; unless the check confirms the best match at once, it is embedded and searched the other way up too.
/// </summary>
internal sealed class CardIdentifier(
    TesseraDatabase database, CardsIndexService index, EmbedderRegistry registry, CardRectifier rectifier, GeometricVerifier verifier, ImageFiles files)
{
    /// <summary>Candidates per orientation that the geometric check looks at (it costs a few milliseconds each).</summary>
    public const int RerankDepth = 6;

    /// <summary>
    /// When neither way up gives a match the check singles out, it looks this deep: the right card's art can rank
    /// below a few others of similar colours and composition (measured on 1,000 generated cards: 6.5 % of photos).
    /// </summary>
    public const int DeepRerankDepth = 24;

    /// <summary>The most the geometric check adds to a similarity: enough to reorder near-ties (same art), not to overturn a clear match.</summary>
    public const double InlierBonus = 0.25;

    /// <summary>
    /// Inliers at which the bonus is full. Cards of one frame share many features (borders, text boxes), so a wrong
    /// card of the same frame still matches a hundred or so: the scale runs well past that.
    /// </summary>
    public const int FullInliers = 200;

    /// <summary>
    /// A best match confirms itself when it has this many inliers and <see cref="ConfirmingLead"/> times as many as any
    /// other candidate: then the card is not embedded the other way up as well.
    /// </summary>
    public const int ConfirmingInliers = 40;

    public const double ConfirmingLead = 1.3;

    /// <summary>
    /// Below this similarity a match is never confident (nor confirmed), whatever the geometric check says. Art-box
    /// vectors of the right card score 0.75–0.95 on phone-like photos (bench/cards); unrelated art scores far lower.
    /// </summary>
    public const double ConfidentSimilarity = 0.60;

    /// <summary>Without a geometric check (no cached image), a runner-up of another name within this score of the best makes the answer not confident.</summary>
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
        (string Name, byte[] Art)[] views = [("upright", rectified.UprightArt), ("rotated_180", rectified.Rotated180Art)];
        // ORB features do not care which way up the card is and the homography absorbs the turn: one description serves both views.
        var photoFeatures = new Lazy<CardFeatures>(() => verifier.Describe(rectified.Upright));
        var depth = Math.Max(request.K, DeepRerankDepth);
        var best = new Dictionary<long, (double Similarity, int View)>();
        var cards = new Dictionary<long, EmbeddingRows.LabelledCard>();
        var inliers = new Dictionary<long, int>();
        List<Ranked> ranked = [];
        for (var view = 0; view < views.Length; view++)
        {
            var vector = await EmbedAsync(embedder, views[view].Art, cancellationToken).ConfigureAwait(false);
            var found = await index.Vectors.SearchAsync(partition, vector, depth, [caller.OrgId], cancellationToken, request.Ef).ConfigureAwait(false);
            foreach (var hit in found.Hits)
            {
                var similarity = 1.0 - hit.Distance;
                if (!best.TryGetValue(hit.Label, out var seen) || seen.Similarity < similarity) best[hit.Label] = (similarity, view);
            }
            if (best.Count == 0) throw new TesseraException(CardsErrorCodes.NoEmbeddings, 409, "No card images are embedded yet: run 'tessera cards embed' first.");
            await LoadCardsAsync(caller.OrgId, best.Keys.Where(l => !cards.ContainsKey(l)).ToList(), cards, cancellationToken).ConfigureAwait(false);
            ranked = Rank(caller.OrgId, best, cards, inliers, photoFeatures, depth, RerankDepth);
            // A best match the geometric check confirms cannot be beaten from the other way up: save its embedding.
            if (Confirmed(ranked)) break;
        }
        if (!Confirmed(ranked)) ranked = Rank(caller.OrgId, best, cards, inliers, photoFeatures, depth, DeepRerankDepth);

        var top = ranked[0];
        var rival = ranked.Skip(1).FirstOrDefault(r => r.Card.Name != top.Card.Name);
        var lead = ranked.Skip(1).Select(r => r.Inliers).DefaultIfEmpty(0).Max();
        var doubt = !rectified.CardFound ? "No card outline was found in the photo; the whole photo was compared. Fill the frame with the card on a plain background."
            : top.Similarity < ConfidentSimilarity ? $"The best match's similarity ({top.Similarity:0.00}) is low: the card may not be in the catalog, or the photo is too dark, blurred or covered."
            : top.Inliers >= 0 && !Confirmed(ranked) ? $"The geometric check did not single out {top.Card.Name} ({top.Inliers} matching features, {lead} for the next candidate): the card may not be in the catalog, or the photo is too blurred or covered."
            : top.Inliers < 0 && rival is not null && top.Score - rival.Score < ConfidentMargin ? $"{rival.Card.Name} scores almost as well ({rival.Score:0.000} against {top.Score:0.000})."
            : null;
        var candidates = ranked.Take(request.K).Select(r => new IdentifyCandidate(
            r.Card.CardId, r.Card.Face, r.Card.Name, r.Card.SetCode, r.Card.CollectorNumber, r.Card.Lang, Math.Round(r.Score, 4), Math.Round(r.Similarity, 4), r.Inliers,
            $"/api/v1/cards/cards/{Uri.EscapeDataString(r.Card.CardId)}/image?face={r.Card.Face}")).ToList();
        return new IdentifyResult(rectified.CardFound, views[top.View].Name, doubt is null, doubt, partition.Embedder, CardsIndexService.Collection.Metric.ToName(), candidates,
            Math.Round(clock.Elapsed.TotalMilliseconds, 1));
    }

    private async Task LoadCardsAsync(Guid orgId, List<long> labels, Dictionary<long, EmbeddingRows.LabelledCard> cards, CancellationToken cancellationToken)
    {
        if (labels.Count == 0) return;
        IReadOnlyList<EmbeddingRows.LabelledCard> rows;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            rows = await EmbeddingRows.CardsAsync(c, database.Dialect, orgId, labels, cancellationToken).ConfigureAwait(false);
        if (rows.Count != labels.Count)
            throw new TesseraException(CardsErrorCodes.IndexMisaligned, 409,
                "The card index returned vectors the catalog no longer has: run 'tessera cards build' to rebuild it from the catalog.");
        foreach (var row in rows) cards[row.Label] = row;
    }

    /// <summary>The closest <paramref name="depth"/> by similarity, the first <paramref name="checks"/> checked geometrically (once each), best score first.</summary>
    private List<Ranked> Rank(
        Guid orgId, Dictionary<long, (double Similarity, int View)> best, Dictionary<long, EmbeddingRows.LabelledCard> cards, Dictionary<long, int> inliers,
        Lazy<CardFeatures> photoFeatures, int depth, int checks) =>
        best.OrderByDescending(b => b.Value.Similarity).ThenBy(b => b.Key)
            .Take(depth)
            .Select((b, rank) =>
            {
                var card = cards[b.Key];
                if (rank < checks && !inliers.ContainsKey(b.Key)) inliers[b.Key] = Inliers(orgId, card, photoFeatures);
                var matched = inliers.GetValueOrDefault(b.Key, -1);
                var score = b.Value.Similarity + (matched > 0 ? InlierBonus * Math.Min(matched, FullInliers) / FullInliers : 0);
                return new Ranked(card, b.Value.Similarity, b.Value.View, matched, score);
            })
            .OrderByDescending(r => r.Score).ThenBy(r => r.Card.Label)
            .ToList();

    private static bool Confirmed(List<Ranked> ranked)
    {
        var top = ranked[0];
        var others = ranked.Skip(1).Select(r => r.Inliers).DefaultIfEmpty(0).Max();
        return top.Similarity >= ConfidentSimilarity && top.Inliers >= ConfirmingInliers && top.Inliers >= ConfirmingLead * others;
    }

    private sealed record Ranked(EmbeddingRows.LabelledCard Card, double Similarity, int View, int Inliers, double Score);

    private int Inliers(Guid orgId, EmbeddingRows.LabelledCard card, Lazy<CardFeatures> photoFeatures)
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
        return verifier.Inliers(photoFeatures.Value, features);
    }

    private static async Task<float[]> EmbedAsync(ITesseraImageEmbedder embedder, byte[] image, CancellationToken cancellationToken)
    {
        var generated = await embedder.GenerateAsync([new DataContent(image, "image/bmp")], cancellationToken: cancellationToken).ConfigureAwait(false);
        return generated[0].Vector.ToArray();
    }
}
