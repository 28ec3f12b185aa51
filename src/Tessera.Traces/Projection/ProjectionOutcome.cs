namespace Tessera.Traces.Projection;

/// <summary>
/// What one projection update did: nothing (no vectors), a first <c>fit</c> or a <c>refit</c> (a new version; every
/// point changed) or a transform of the records that had no point yet (same version; the new records placed).
/// </summary>
internal sealed record ProjectionOutcome(string Action, int Version, long RecordsMapped, double? AlignmentResidual)
{
    public const string None = "none";
    public const string Fit = "fit";
    public const string Refit = "refit";
    public const string Transform = "transform";

    /// <summary>Whether the whole map changed (a new version), so the files must be rewritten rather than appended to.</summary>
    public bool NewVersion => Action is Fit or Refit;
}
