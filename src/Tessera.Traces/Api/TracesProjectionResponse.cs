namespace Tessera.Traces.Api;

/// <summary>The current projection of an organization's map; <see cref="Model"/> is the model blob in base64.</summary>
internal sealed record TracesProjectionResponse(
    int Version, string Kind, int FittedRecords, double? AlignmentResidual, string Embedder, string ModelHash, int Dimension, DateTimeOffset CreatedAt, string Model);
