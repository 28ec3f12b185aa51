using Tessera.Core.Errors;

namespace Tessera.Cards.Identify;

/// <summary>How many candidates to answer and how wide to search; <see cref="Validate"/> names the flag that is out of range.</summary>
internal sealed record IdentifyRequest
{
    public const int DefaultK = 5;
    public const int MaxK = 50;

    public int K { get; init; } = DefaultK;

    /// <summary>The HNSW search beam; null: the index's own (64).</summary>
    public int? Ef { get; init; }

    /// <summary>Whose vectors to search; null: the model of the organization's latest embedding.</summary>
    public string? Model { get; init; }

    public IdentifyRequest Validate()
    {
        if (K is < 1 or > MaxK) throw TesseraException.Validation($"k (--k) must be from 1 to {MaxK} (got {K}).");
        if (Ef is < 1 or > 4096) throw TesseraException.Validation($"ef (--ef) must be from 1 to 4096 (got {Ef}).");
        return this;
    }
}
