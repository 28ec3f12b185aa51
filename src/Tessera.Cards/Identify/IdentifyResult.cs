namespace Tessera.Cards.Identify;

/// <summary>
/// The candidates for a photo, best first. <see cref="Confident"/> is false, with <see cref="Doubt"/> saying why, when
/// no card outline was found (<see cref="CardFound"/>: otherwise the whole photo, centre-cropped, was searched), the
/// best match is weak, or another card scores nearly as well. <see cref="Orientation"/> says which way up the card
/// matched best (<c>upright</c> or <c>rotated_180</c>); <see cref="Metric"/> how similarities are measured
/// (<c>ip</c>: the inner product of unit vectors, i.e. cosine).
/// </summary>
internal sealed record IdentifyResult(
    bool CardFound, string Orientation, bool Confident, string? Doubt, string Model, string Metric, IReadOnlyList<IdentifyCandidate> Candidates, double Milliseconds);

/// <summary>
/// One catalog image. <see cref="Similarity"/>: the inner product of the photo's and the image's unit vectors
/// (1 = identical). <see cref="Inliers"/>: local features of the photo that one perspective transform maps onto the
/// image (-1: not checked). <see cref="Score"/>, what the ranking uses: the similarity plus up to 0.25 for inliers.
/// <see cref="ImageUrl"/>: the catalog image as this server serves it from the cache.
/// </summary>
internal sealed record IdentifyCandidate(
    string CardId, int Face, string Name, string Set, string CollectorNumber, string Lang, double Score, double Similarity, int Inliers, string ImageUrl);
