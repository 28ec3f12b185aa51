using Tessera.Core.Errors;

namespace Tessera.Cards.Index;

/// <summary>The HNSW parameters of an index build; <see cref="Validate"/> names the flag that is out of range.</summary>
internal sealed record BuildRequest
{
    public const int DefaultM = 32;
    public const int DefaultEfConstruction = 200;

    /// <summary>The image embedder whose vectors to index; null: the one the organization's latest embedding run used.</summary>
    public string? Model { get; init; }

    public int M { get; init; } = DefaultM;
    public int EfConstruction { get; init; } = DefaultEfConstruction;

    public BuildRequest Validate()
    {
        if (M is < 4 or > 128) throw TesseraException.Validation($"M (--hnsw-m) must be from 4 to 128 (got {M}).");
        if (EfConstruction < M || EfConstruction > 4096)
            throw TesseraException.Validation($"efConstruction (--hnsw-ef-construction) must be from M ({M}) to 4096 (got {EfConstruction}).");
        return this;
    }
}
