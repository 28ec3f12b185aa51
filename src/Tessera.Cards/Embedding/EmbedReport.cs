namespace Tessera.Cards.Embedding;

/// <summary>
/// What an embedding run did. <see cref="Fallback"/> says why the classical descriptor was used instead of the
/// pretrained model; <see cref="Warnings"/> carries a resumed checkpoint's differing parameters.
/// </summary>
internal sealed record EmbedReport(
    Guid RunId,
    string Embedder,
    string ModelHash,
    string Size,
    int Total,
    int Embedded,
    int Skipped,
    IReadOnlyList<EmbedFailure> Failures,
    bool Resumed,
    IReadOnlyList<string> Warnings,
    string? Fallback,
    double Seconds)
{
    public int Failed => Failures.Count;

    /// <summary>Images embedded per second of this run; 0 when it embedded none.</summary>
    public double ImagesPerSecond => Embedded == 0 || Seconds <= 0 ? 0 : Embedded / Seconds;
}

/// <summary>An image the run could not use, and why (<c>truncated</c>, <c>corrupt</c>, <c>missing_file</c>, <c>not_unit_norm</c>…).</summary>
internal sealed record EmbedFailure(string CardId, int Face, string File, string Reason);
